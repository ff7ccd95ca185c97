namespace LvsLab.Director.Stats;

/// <summary>
/// Turns cumulative counters sampled over time into the rates <c>ipvsadm -L --rate</c> shows,
/// the way the kernel's <c>ip_vs_est.c</c> does: on each sample, the per-second rate over the
/// interval since the previous sample is folded into a moving average with weight 1/4,
/// <c>avg += (rate - avg) / 4</c>. The kernel samples every 2 seconds
/// (<see cref="DefaultIntervalMilliseconds"/>), so a steady rate is reached to within 1% in about
/// 16 samples (half a minute); after n samples the gap is (3/4)^n of what it was.
/// </summary>
/// <remarks>
/// <para>
/// The first sample, and the first after <see cref="Reset"/>, only sets the baseline: the rates
/// stay 0, as they do in the kernel when an estimator starts. The rate of an interval uses the
/// time that actually elapsed between samples, so a late timer tick does not inflate the rates;
/// a sample whose time is not after the previous one is ignored.
/// </para>
/// <para>
/// A counter that goes backwards means the counters were zeroed (<c>ipvsadm -Z</c>) or the
/// object was recreated. Like the kernel's <c>ip_vs_zero_estimator</c>, that sample becomes the new
/// baseline and the rates restart from 0; no rate is ever negative.
/// </para>
/// <para>
/// The kernel keeps the averages in fixed point (rates scaled by 2^10, byte rates by 2^5) and
/// ipvsadm rounds them for display; this class keeps doubles and leaves rounding to the printer.
/// <see cref="Sample"/> allocates nothing. Not thread-safe: one timer samples one estimator.
/// </para>
/// </remarks>
public sealed class RateEstimator
{
    /// <summary>The kernel's estimation interval: how often the host should call <see cref="Sample"/>.</summary>
    public const long DefaultIntervalMilliseconds = 2000;

    // The weight of the newest interval in the moving average (the kernel's ">> 2").
    private const double Weight = 0.25;

    private bool _hasBaseline;
    private TrafficTotals _last;
    private long _lastMilliseconds;

    /// <summary>The current rates; all 0 until the second sample.</summary>
    public TrafficRates Rates { get; private set; }

    /// <summary>Folds one sample of the counters into the rates.</summary>
    /// <param name="totals">The cumulative counters now.</param>
    /// <param name="nowMilliseconds">A monotonic clock reading, in milliseconds.</param>
    public void Sample(in TrafficTotals totals, long nowMilliseconds)
    {
        if (!_hasBaseline)
        {
            Rebaseline(totals, nowMilliseconds);
            return;
        }

        long elapsed = nowMilliseconds - _lastMilliseconds;
        if (elapsed <= 0)
        {
            return;
        }

        if (totals.Connections < _last.Connections
            || totals.PacketsIn < _last.PacketsIn
            || totals.PacketsOut < _last.PacketsOut
            || totals.BytesIn < _last.BytesIn
            || totals.BytesOut < _last.BytesOut)
        {
            Rates = default;
            Rebaseline(totals, nowMilliseconds);
            return;
        }

        double seconds = elapsed / 1000.0;
        TrafficRates rates = Rates;
        Rates = new TrafficRates(
            Average(rates.ConnectionsPerSecond, totals.Connections - _last.Connections, seconds),
            Average(rates.PacketsInPerSecond, totals.PacketsIn - _last.PacketsIn, seconds),
            Average(rates.PacketsOutPerSecond, totals.PacketsOut - _last.PacketsOut, seconds),
            Average(rates.BytesInPerSecond, totals.BytesIn - _last.BytesIn, seconds),
            Average(rates.BytesOutPerSecond, totals.BytesOut - _last.BytesOut, seconds));
        _last = totals;
        _lastMilliseconds = nowMilliseconds;
    }

    /// <summary>Forgets the baseline and the rates: the next sample starts afresh.</summary>
    public void Reset()
    {
        _hasBaseline = false;
        _last = default;
        _lastMilliseconds = 0;
        Rates = default;
    }

    private static double Average(double average, long delta, double seconds) =>
        average + (((delta / seconds) - average) * Weight);

    private void Rebaseline(in TrafficTotals totals, long nowMilliseconds)
    {
        _hasBaseline = true;
        _last = totals;
        _lastMilliseconds = nowMilliseconds;
    }
}
