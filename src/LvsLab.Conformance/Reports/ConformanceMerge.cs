using System.Globalization;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>Merges the reports of a sharded run into the report of the whole run.</summary>
public static class ConformanceMerge
{
    /// <summary>
    /// One report from shards: forwarders matched by name, in order of first appearance (source from
    /// the first shard naming the forwarder); their cases concatenated and sorted in catalogue order
    /// (<see cref="CatalogueOrder"/>); their seconds summed; started the earliest; no shard.
    /// </summary>
    /// <param name="reports">The shards' reports, at least one.</param>
    /// <returns>The merged report.</returns>
    /// <exception cref="ConformanceReportException">A forwarder has the same case ID in two shards (or twice in one); the message names both.</exception>
    public static ConformanceReport Merge(IReadOnlyList<ConformanceReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("no reports to merge", nameof(reports));
        }

        var merged = new List<Accumulator>();
        var byName = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        for (var r = 0; r < reports.Count; r++)
        {
            var report = reports[r];
            foreach (var forwarder in report.Forwarders)
            {
                if (!byName.TryGetValue(forwarder.Name, out var accumulator))
                {
                    accumulator = new Accumulator(forwarder.Name, forwarder.Source);
                    byName.Add(forwarder.Name, accumulator);
                    merged.Add(accumulator);
                }

                accumulator.Add(forwarder, Describe(report, r));
            }
        }

        return new ConformanceReport(
            merged.Select(a => a.ToResult()).ToList(),
            reports.Min(r => r.Started),
            Shard: null);
    }

    private static string Describe(ConformanceReport report, int index) =>
        report.Shard is null
            ? string.Create(CultureInfo.InvariantCulture, $"report {index + 1}")
            : string.Create(CultureInfo.InvariantCulture, $"report {index + 1} (shard {report.Shard})");

    private sealed class Accumulator(string name, string source)
    {
        private readonly List<CaseOutcome> cases = [];
        private readonly Dictionary<string, string> origins = new(StringComparer.Ordinal);
        private double seconds;

        public void Add(ForwarderResult forwarder, string origin)
        {
            foreach (var outcome in forwarder.Cases)
            {
                if (origins.TryGetValue(outcome.Id, out var first))
                {
                    throw new ConformanceReportException(
                        $"cannot merge: forwarder '{name}' has case {outcome.Id} in {first} and again in {origin}");
                }

                origins.Add(outcome.Id, origin);
                cases.Add(outcome);
            }

            seconds += forwarder.Seconds;
        }

        public ForwarderResult ToResult() => new(name, source, cases.Order(CatalogueOrder.Instance).ToList(), seconds);
    }
}
