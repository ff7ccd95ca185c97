using Xunit;

namespace LvsLab.PacketIo.Tests;

/// <summary>The coalescing policy: a slow stream is never held, a busy one is, within the bound.</summary>
public class ReceiveCoalescingTests
{
    private const long Microsecond = 1000;

    // Passes of `perPass` frames every `gap` ns for `duration` ns; returns the waits asked for after the warm-up.
    private static List<long> Stream(ReceiveCoalescing policy, int perPass, long gap, long duration)
    {
        var waits = new List<long>();
        for (long now = 0; now < duration; now += gap)
        {
            long wait = policy.AfterPass(perPass, drained: true, now);
            if (now >= 3 * ReceiveCoalescing.WindowNanoseconds)
            {
                waits.Add(wait);
            }
        }

        return waits;
    }

    [Fact]
    public void TenThousandFramesPerSecondAreNeverHeld()
    {
        var policy = new ReceiveCoalescing(50 * Microsecond);
        var waits = Stream(policy, 1, 100 * Microsecond, 20_000 * Microsecond);
        Assert.All(waits, w => Assert.Equal(0, w));
        Assert.InRange(policy.FramesPerSecond, 9_000, 11_000);
        Assert.Equal(0, policy.Holds);
    }

    [Fact]
    public void ABusyStreamIsHeldForItsTargetBatchWithinTheBound()
    {
        // 1,000,000 frames/s: 32 frames take 32 µs, under the 50 µs bound.
        var policy = new ReceiveCoalescing(50 * Microsecond, targetBatch: 32);
        var waits = Stream(policy, 4, 4 * Microsecond, 20_000 * Microsecond);
        Assert.All(waits, w => Assert.InRange(w, 30 * Microsecond, 34 * Microsecond));

        // 300,000 frames/s: 32 frames would take 107 µs; the bound holds it to 50 µs (15 frames).
        policy = new ReceiveCoalescing(50 * Microsecond, targetBatch: 32);
        waits = Stream(policy, 3, 10 * Microsecond, 20_000 * Microsecond);
        Assert.All(waits, w => Assert.Equal(50 * Microsecond, w));
    }

    [Fact]
    public void TooFewFramesWithinTheBoundAreNotWaitedFor()
    {
        // 50,000 frames/s: 2.5 frames in 50 µs, fewer than the 4 worth a wait.
        var policy = new ReceiveCoalescing(50 * Microsecond, targetBatch: 32, minBatch: 4);
        Assert.All(Stream(policy, 1, 20 * Microsecond, 20_000 * Microsecond), w => Assert.Equal(0, w));
    }

    [Fact]
    public void APassCutShortOrEmptyIsNeverFollowedByAWait()
    {
        var policy = new ReceiveCoalescing(50 * Microsecond);
        Stream(policy, 4, 4 * Microsecond, 5_000 * Microsecond);
        Assert.Equal(0, policy.AfterPass(64, drained: false, 5_000 * Microsecond));
        Assert.Equal(0, policy.AfterPass(0, drained: true, 5_004 * Microsecond));
        Assert.True(policy.AfterPass(4, drained: true, 5_008 * Microsecond) > 0);
    }

    [Fact]
    public void WhenABurstEndsTheWaitsStopWithinAFewWindows()
    {
        var policy = new ReceiveCoalescing(50 * Microsecond);
        Stream(policy, 4, 4 * Microsecond, 5_000 * Microsecond);
        Assert.True(policy.FramesPerSecond > 500_000);

        // The loop slept 100 ms with nothing (an empty pass at the end of it), then a lone frame.
        Assert.Equal(0, policy.AfterPass(0, drained: true, 105_000 * Microsecond));
        Assert.Equal(0, policy.AfterPass(1, drained: true, 105_100 * Microsecond));
        Assert.True(policy.FramesPerSecond < 10_000, $"{policy.FramesPerSecond:F0}/s");
    }

    [Fact]
    public void ZeroTurnsItOff()
    {
        var policy = new ReceiveCoalescing(0);
        Assert.All(Stream(policy, 4, 4 * Microsecond, 10_000 * Microsecond), w => Assert.Equal(0, w));
    }

    [Fact]
    public void AShortSleepSleepsAboutAsLongAsAsked()
    {
        Assert.True(ShortSleep.UseFineTimerSlack());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ShortSleep.Sleep(2_000_000);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(2), $"slept {watch.Elapsed.TotalMicroseconds:F0} µs");
    }
}
