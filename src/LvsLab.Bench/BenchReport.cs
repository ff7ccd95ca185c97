using System.Globalization;
using System.Text;

namespace LvsLab.Bench;

/// <summary>The medians of the runs, as a markdown table, with the machine described.</summary>
public static class BenchReport
{
    /// <summary>Renders the report.</summary>
    /// <param name="samples">Every run.</param>
    /// <param name="machine">A description of the machine, one line per fact.</param>
    /// <param name="settings">How the runs were made (requests, concurrency, runs).</param>
    /// <returns>Markdown.</returns>
    public static string Markdown(IReadOnlyList<BenchSample> samples, IReadOnlyList<string> machine, string settings)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(machine);
        var text = new StringBuilder();
        text.AppendLine("# lvslab bench");
        text.AppendLine();
        foreach (var line in machine)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"- {settings}");
        text.AppendLine();
        text.AppendLine("| mode | forwarder | runs | connections/s (median) | p50 ms | p99 ms | failed | forwarder CPU µs/request | GCs per run |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in samples.GroupBy(s => (s.Mode, s.Forwarder)))
        {
            var runs = group.ToList();
            string Optional(IEnumerable<double?> values, string format) =>
                values.All(v => v is not null) ? Median(values.Select(v => v!.Value)).ToString(format, CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Mode} | {group.Key.Forwarder} | {runs.Count} | {Median(runs.Select(r => r.Result.RequestsPerSecond)):F0} | {Median(runs.Select(r => r.Result.P50Milliseconds)):F0} | {Median(runs.Select(r => r.Result.P99Milliseconds)):F0} | {runs.Sum(r => r.Result.Failed)} | {Optional(runs.Select(r => r.CpuMicrosecondsPerRequest), "F1")} | {Optional(runs.Select(r => (double?)r.GarbageCollections), "F0")} |");
        }

        text.AppendLine();
        text.AppendLine("Every row is the median of its runs; the forwarders of a mode ran interleaved (A, B, A, B, …) on the same lab topology.");
        return text.ToString();
    }

    /// <summary>The UDP packet-rate table: per mode and forwarder, the highest offered rate lost at most 0.1 %.</summary>
    /// <param name="samples">Every step of the search.</param>
    /// <returns>Markdown.</returns>
    public static string UdpMarkdown(IReadOnlyList<UdpRateSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var text = new StringBuilder();
        text.AppendLine("| mode | forwarder | runs per rate | highest rate ≤ 0.1 % loss (64-byte UDP, pkt/s) | sent at (achieved) | loss there | next rate tried: loss | forwarder CPU µs/packet | machine CPU µs/packet | forwarder GCs (all steps) |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in samples.GroupBy(s => (s.Mode, s.Forwarder)))
        {
            var runsPerRate = group.GroupBy(s => s.OfferedPerSecond).Max(g => g.Count());
            var steps = MedianRuns(group).ToList();
            var best = steps.LastOrDefault(s => s.Loss <= 0.001);
            var next = best is null ? steps.FirstOrDefault() : steps.FirstOrDefault(s => s.OfferedPerSecond > best.OfferedPerSecond);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Mode} | {group.Key.Forwarder} | {runsPerRate} | {(best is null ? "none" : best.OfferedPerSecond.ToString(CultureInfo.InvariantCulture))} | {(best is { AchievedPerSecond: > 0 } ? best.AchievedPerSecond.ToString("F0", CultureInfo.InvariantCulture) : "-")} | {(best is null ? "-" : $"{best.Loss * 100:F2} %")} | {(next is null ? "-" : $"{next.OfferedPerSecond}: {next.Loss * 100:F1} %")} | {(best?.CpuMicrosecondsPerPacket is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {(best?.MachineCpuMicrosecondsPerPacket is { } machine ? machine.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {(group.All(x => x.GarbageCollections is not null) ? group.Sum(x => x.GarbageCollections!.Value).ToString(CultureInfo.InvariantCulture) : "n/a")} |");
        }

        return text.ToString();
    }

    /// <summary>The added-latency table: per mode and forwarder, what the forwarder added to each packet, from captures of its own links.</summary>
    /// <param name="samples">The measurements.</param>
    /// <returns>Markdown.</returns>
    public static string LatencyMarkdown(IReadOnlyList<LatencySample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var text = new StringBuilder();
        text.AppendLine("| mode | forwarder | offered (pkt/s) | packets paired | in, unpaired | p50 µs | p90 µs | p99 µs | max µs |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in samples)
        {
            var l = s.Latency;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Mode} | {s.Forwarder} | {s.OfferedPerSecond} | {l.Paired} | {l.UnmatchedInbound} | {l.P50:F0} | {l.P90:F0} | {l.P99:F0} | {l.Max:F0} |");
        }

        return text.ToString();
    }

    /// <summary>The median run of one rate's runs, by loss (for an even count, the better of the middle two).</summary>
    /// <param name="runs">The runs of one mode, forwarder and rate.</param>
    /// <returns>That run.</returns>
    public static UdpRateSample MedianRun(IEnumerable<UdpRateSample> runs)
    {
        var sorted = runs.OrderBy(r => r.Loss).ThenBy(r => r.Run).ToList();
        return sorted.Count == 0 ? throw new ArgumentException("no runs", nameof(runs)) : sorted[(sorted.Count - 1) / 2];
    }

    /// <summary>The median run of each rate, by mode and forwarder, in rate order.</summary>
    /// <param name="samples">Every run.</param>
    /// <returns>One sample per mode, forwarder and rate.</returns>
    public static IEnumerable<UdpRateSample> MedianRuns(IEnumerable<UdpRateSample> samples) =>
        samples.GroupBy(s => (s.Mode, s.Forwarder, s.OfferedPerSecond)).Select(MedianRun).OrderBy(s => s.Mode, StringComparer.Ordinal).ThenBy(s => s.Forwarder, StringComparer.Ordinal).ThenBy(s => s.OfferedPerSecond);

    /// <summary>The median of some values (the mean of the middle two for an even count).</summary>
    /// <param name="values">The values, at least one.</param>
    /// <returns>The median.</returns>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
