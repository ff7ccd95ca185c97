using System.Text.Json;
using System.Text.Json.Serialization;

namespace LvsLab.Bench;

/// <summary>The bench as data (<c>lvslab bench --json FILE</c>): one row per mode, forwarder and offered rate, for scripts that compare runs.</summary>
public static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The rows: the UDP steps' median runs and the latency captures, joined by mode, forwarder and rate.</summary>
    /// <param name="udp">Every UDP step.</param>
    /// <param name="latency">Every latency capture.</param>
    /// <returns>The rows, by mode, forwarder and rate.</returns>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<UdpRateSample> udp, IReadOnlyList<LatencySample> latency)
    {
        ArgumentNullException.ThrowIfNull(udp);
        ArgumentNullException.ThrowIfNull(latency);
        var rows = new Dictionary<(string Mode, string Forwarder, int Offered), BenchRow>();
        foreach (var steps in udp.GroupBy(s => (s.Mode, s.Forwarder, s.OfferedPerSecond)))
        {
            var median = BenchReport.MedianRun(steps);
            var gcs = steps.All(s => s.GarbageCollections is not null) ? steps.Sum(s => s.GarbageCollections!.Value) : (long?)null;
            rows[steps.Key] = new BenchRow(
                median.Mode,
                median.Forwarder,
                median.OfferedPerSecond,
                steps.Count(),
                median.Sent,
                median.Received,
                median.AchievedPerSecond > 0 ? median.AchievedPerSecond : null,
                median.Loss * 100,
                median.MachineCpuMicrosecondsPerPacket,
                median.CpuMicrosecondsPerPacket,
                gcs,
                null,
                null,
                median.WakeupsPerSecond,
                median.FramesPerWakeup,
                median.FramesPerSendCall);
        }

        foreach (var sample in latency)
        {
            var key = (sample.Mode, sample.Forwarder, sample.OfferedPerSecond);
            var row = rows.TryGetValue(key, out var found)
                ? found
                : new BenchRow(sample.Mode, sample.Forwarder, sample.OfferedPerSecond, 0, null, null, null, null, null, null, null, null, null);
            rows[key] = sample.Latency.Paired == 0 ? row : row with { LatencyP50Us = sample.Latency.P50, LatencyP99Us = sample.Latency.P99 };
        }

        return [.. rows.Values.OrderBy(r => r.Mode, StringComparer.Ordinal).ThenBy(r => r.Forwarder, StringComparer.Ordinal).ThenBy(r => r.Offered)];
    }

    /// <summary>The rows as JSON: <c>{ "rows": [ … ] }</c>, camelCase fields, nulls written out.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(IReadOnlyList<BenchRow> rows) => JsonSerializer.Serialize(new { rows }, Options);
}
