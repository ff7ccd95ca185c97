using System.Globalization;
using System.Text.Json;

namespace LvsLab.Benchmarks.Stall;

/// <summary>
/// What the stall bench did to the director during the stream (weight flaps, listings), on the
/// kernel's real-time clock — the clock of the frames' receive timestamps — and the attribution
/// of every frame held over 1 ms to one of them or to neither.
/// </summary>
internal sealed class StallEvents
{
    private const long Millisecond = 1_000_000;

    /// <summary>Each weight flap: from the command sent to its answer, real-time ns.</summary>
    public List<(long From, long To)> Flaps { get; } = [];

    /// <summary>Each full listing: from the command sent to its last line read, real-time ns.</summary>
    public List<(long From, long To)> Listings { get; } = [];

    /// <summary>The real-time clock in nanoseconds since 1970 (CLOCK_REALTIME, as the kernel stamps received frames).</summary>
    public static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>Prints each frame's delay and what the held ones coincided with, and the director's collections over the stream.</summary>
    public void Report((long SentNanoseconds, long DelayNanoseconds)[] delays, JsonElement gcBefore, JsonElement gcAfter)
    {
        var invariant = CultureInfo.InvariantCulture;
        var sorted = delays.Select(d => d.DelayNanoseconds / 1000.0).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        Console.WriteLine(string.Create(invariant, $"frame delay sent → forwarded (µs): p50 {Percentile(0.5):F0}, p99 {Percentile(0.99):F0}, p99.9 {Percentile(0.999):F0}, longest {(sorted.Length == 0 ? 0 : sorted[^1]):F0}"));

        int inListing = 0, atFlap = 0, other = 0;
        double worstListing = 0, worstFlap = 0, worstOther = 0;
        foreach (var (sent, delay) in delays.Where(d => d.DelayNanoseconds > Millisecond))
        {
            long forwarded = sent + delay;
            double us = delay / 1000.0;
            if (Listings.Any(l => l.From <= forwarded && sent <= l.To))
            {
                inListing++;
                worstListing = Math.Max(worstListing, us);
            }
            else if (Flaps.Any(f => f.From <= forwarded && sent <= f.To + Millisecond))
            {
                atFlap++;
                worstFlap = Math.Max(worstFlap, us);
            }
            else
            {
                other++;
                worstOther = Math.Max(worstOther, us);
            }
        }

        Console.WriteLine(string.Create(invariant, $"frames held over 1 ms: {inListing + atFlap + other} — while a listing ran {inListing} (longest {worstListing:F0} µs), at a weight flap {atFlap} (longest {worstFlap:F0} µs), at neither {other} (longest {worstOther:F0} µs)"));
        long Delta(string name) => gcAfter.GetProperty(name).GetInt64() - gcBefore.GetProperty(name).GetInt64();
        string pause = gcAfter.TryGetProperty("pauseMilliseconds", out var after) && gcBefore.TryGetProperty("pauseMilliseconds", out var before)
            ? string.Create(invariant, $", paused {after.GetDouble() - before.GetDouble():F1} ms in all")
            : string.Empty;
        Console.WriteLine(string.Create(invariant, $"director's garbage collections over the stream: gen0 {Delta("gen0")}, gen1 {Delta("gen1")}, gen2 {Delta("gen2")}, {Delta("allocatedBytes") / 1e6:F1} MB allocated{pause}"));
    }
}
