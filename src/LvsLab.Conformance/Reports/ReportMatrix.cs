using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>The report as a matrix: one row per case (every forwarder's cases, in catalogue order), one column per forwarder.</summary>
internal static class ReportMatrix
{
    /// <summary>The rows; a case's level and sentence are taken from the first forwarder that has it.</summary>
    public static IReadOnlyList<MatrixRow> Rows(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var keys = new List<CaseOutcome>();
        var seen = new HashSet<(string Mode, string Id)>();
        foreach (var forwarder in report.Forwarders)
        {
            foreach (var outcome in forwarder.Cases)
            {
                if (seen.Add((outcome.Mode, outcome.Id)))
                {
                    keys.Add(outcome);
                }
            }
        }

        return keys
            .Order(CatalogueOrder.Instance)
            .Select(key => new MatrixRow(
                key.Id,
                key.Mode,
                key.Level,
                key.Sentence,
                report.Forwarders.Select(f => f.Cases.FirstOrDefault(c => c.Id == key.Id && c.Mode == key.Mode)).ToList()))
            .ToList();
    }
}
