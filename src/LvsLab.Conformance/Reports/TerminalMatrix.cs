using System.Text;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// The report for a terminal: one row per case (ID, level, mode), one column per forwarder with
/// <c>pass</c>, <c>FAIL</c>, <c>non-strict</c>, <c>-</c> (unsupported) or <c>ERROR</c> (blank where a
/// forwarder has no outcome for the case), columns aligned with spaces; then per forwarder a line with its
/// totals, whether it conforms and how long it took.
/// </summary>
public static class TerminalMatrix
{
    private const string Gap = "  ";

    /// <summary>Renders the matrix.</summary>
    /// <param name="report">The report.</param>
    /// <param name="useColor">Whether to colour the cells with ANSI escapes (alignment is kept).</param>
    /// <returns>Lines ending with <c>\n</c>, no trailing spaces.</returns>
    public static string Render(ConformanceReport report, bool useColor = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = ReportMatrix.Rows(report);
        var header = new List<string> { "ID", "level", "mode" };
        header.AddRange(report.Forwarders.Select(f => f.Name));
        var table = new List<IReadOnlyList<(string Text, CaseVerdict? Verdict)>>
        {
            header.Select(h => (h, (CaseVerdict?)null)).ToList(),
        };
        foreach (var row in rows)
        {
            var line = new List<(string, CaseVerdict?)>
            {
                (row.Id, null),
                (VerdictNames.Display(row.Level), null),
                (row.Mode, null),
            };
            line.AddRange(row.Cells.Select(c => c is null ? (string.Empty, (CaseVerdict?)null) : (VerdictNames.Cell(c.Verdict), c.Verdict)));
            table.Add(line);
        }

        var widths = Enumerable.Range(0, header.Count).Select(i => table.Max(line => line[i].Text.Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in table)
        {
            var rendered = new StringBuilder();
            for (var i = 0; i < line.Count; i++)
            {
                var (cell, verdict) = line[i];
                rendered.Append(useColor && verdict is { } v ? Colour(cell, v) : cell);
                if (i < line.Count - 1)
                {
                    rendered.Append(' ', widths[i] - cell.Length).Append(Gap);
                }
            }

            text.Append(rendered.ToString().TrimEnd()).Append('\n');
        }

        if (report.Forwarders.Count > 0)
        {
            text.Append('\n');
            var nameWidth = report.Forwarders.Max(f => f.Name.Length);
            foreach (var forwarder in report.Forwarders)
            {
                text.Append(forwarder.Name.PadRight(nameWidth)).Append(Gap)
                    .Append(ReportTotals.Counts(forwarder)).Append("; ")
                    .Append(ReportTotals.Conformance(forwarder)).Append("; ")
                    .Append(ReportTotals.Time(forwarder.Seconds)).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Colour(string cell, CaseVerdict verdict)
    {
        var code = verdict switch
        {
            CaseVerdict.Pass => "32",
            CaseVerdict.Fail => "1;31",
            CaseVerdict.NonStrict => "33",
            CaseVerdict.Unsupported => "90",
            _ => "1;35",
        };
        return $"\u001b[{code}m{cell}\u001b[0m";
    }
}
