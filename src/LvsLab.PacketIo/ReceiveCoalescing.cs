namespace LvsLab.PacketIo;

/// <summary>
/// Adaptive receive coalescing, as a NIC's adaptive interrupt moderation does it, for a loop
/// that drains receive rings: after a pass that emptied the rings, wait a short time before the
/// next pass when — and only when — the recent arrival rate says that enough frames will have
/// come by then to fill a batch worth sending at once. An idle or slow stream is never held
/// (each frame wakes the loop and goes out at once); a busy one is taken in batches of about
/// <see cref="TargetBatch"/> frames with one wake-up and one send call each, and no frame waits
/// longer than <see cref="MaxHoldNanoseconds"/>. Pure: time is passed in.
/// </summary>
public sealed class ReceiveCoalescing
{
    /// <summary>The window over which the arrival rate is measured.</summary>
    public const long WindowNanoseconds = 1_000_000;

    private long _windowStart = -1;
    private long _windowFrames;

    /// <summary>Creates the policy.</summary>
    /// <param name="maxHoldNanoseconds">The longest wait before a pass (the most latency it adds); 0 turns coalescing off.</param>
    /// <param name="targetBatch">The batch to gather: the wait is the time this many frames take to come, at most <paramref name="maxHoldNanoseconds"/>.</param>
    /// <param name="minBatch">No wait unless at least this many frames are expected within it.</param>
    public ReceiveCoalescing(long maxHoldNanoseconds, int targetBatch = 32, int minBatch = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxHoldNanoseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minBatch, 1);
        MaxHoldNanoseconds = maxHoldNanoseconds;
        TargetBatch = targetBatch;
        MinBatch = minBatch;
    }

    /// <summary>The longest wait before a pass.</summary>
    public long MaxHoldNanoseconds { get; }

    /// <summary>The batch the wait aims to gather.</summary>
    public int TargetBatch { get; }

    /// <summary>The fewest frames worth waiting for.</summary>
    public int MinBatch { get; }

    /// <summary>The arrival rate as last measured (frames per second; an average of the last windows).</summary>
    public double FramesPerSecond { get; private set; }

    /// <summary>Passes that were followed by a wait.</summary>
    public long Holds { get; private set; }

    /// <summary>
    /// Tells the policy what a pass took and returns how long to wait before the next one.
    /// </summary>
    /// <param name="frames">Frames the pass took.</param>
    /// <param name="drained">Whether the pass emptied the rings (a pass cut short by its budget is never followed by a wait).</param>
    /// <param name="nowNanoseconds">The time now, on any monotonic clock.</param>
    /// <returns>Nanoseconds to wait before the next pass; 0 for none (go on, or sleep until a frame comes).</returns>
    public long AfterPass(int frames, bool drained, long nowNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (_windowStart < 0)
        {
            _windowStart = nowNanoseconds;
        }

        _windowFrames += frames;
        long elapsed = nowNanoseconds - _windowStart;
        if (elapsed >= WindowNanoseconds)
        {
            // An average that forgets with time, not with windows: a window of 1 ms weighs
            // 0.39, a long one (the loop slept through an idle spell) all but replaces the past,
            // so the first frame after a pause is never held for a burst that has ended.
            double rate = _windowFrames * 1e9 / elapsed;
            double weight = 1 - Math.Exp(-(double)elapsed / (2 * WindowNanoseconds));
            FramesPerSecond = FramesPerSecond == 0 ? rate : FramesPerSecond + (weight * (rate - FramesPerSecond));
            _windowStart = nowNanoseconds;
            _windowFrames = 0;
        }

        if (frames == 0 || !drained || MaxHoldNanoseconds == 0 || FramesPerSecond <= 0)
        {
            return 0;
        }

        double hold = Math.Min(MaxHoldNanoseconds, TargetBatch * 1e9 / FramesPerSecond);
        if (hold * FramesPerSecond / 1e9 < MinBatch)
        {
            return 0;
        }

        Holds++;
        return (long)hold;
    }
}
