using System.Globalization;
using System.Text;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// The report as GitHub markdown (<c>report.md</c>): a line per forwarder with its totals and time, the
/// matrix as a table (ID, level, mode, sentence, one column per forwarder), then a section per failing,
/// non-strict or erroring cell with its evidence in a code block and its pcaps listed.
/// </summary>
public static class MarkdownReport
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Markdown, lines ending with <c>\n</c>.</returns>
    public static string Render(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append("# LvsLab conformance\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Started {ReportTotals.Started(report.Started)}");
        if (report.Shard is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", shard {Cell(report.Shard)}");
        }

        text.Append(".\n\n");
        foreach (var forwarder in report.Forwarders)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"- **{Cell(forwarder.Name)}** ({Cell(forwarder.Source)}): {ReportTotals.Counts(forwarder)}; {ReportTotals.Conformance(forwarder)}; {ReportTotals.Time(forwarder.Seconds)}\n");
        }

        text.Append('\n');
        AppendTable(text, report);
        AppendFindings(text, report);
        return text.ToString();
    }

    /// <summary>Makes text safe in a table cell: <c>|</c> escaped, line breaks as spaces.</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The cell's text.</returns>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r\n", " ", StringComparison.Ordinal)
            .Replace('\n', ' ')
            .Replace('\r', ' ');
    }

    private static void AppendTable(StringBuilder text, ConformanceReport report)
    {
        text.Append("| ID | level | mode | case |");
        foreach (var forwarder in report.Forwarders)
        {
            text.Append(CultureInfo.InvariantCulture, $" {Cell(forwarder.Name)} |");
        }

        text.Append("\n| --- | --- | --- | --- |");
        text.Append(string.Concat(Enumerable.Repeat(" --- |", report.Forwarders.Count)));
        text.Append('\n');
        foreach (var row in ReportMatrix.Rows(report))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {Cell(row.Id)} | {VerdictNames.Display(row.Level)} | {Cell(row.Mode)} | {Cell(row.Sentence)} |");
            foreach (var cell in row.Cells)
            {
                text.Append(cell is null ? "  |" : $" {Verdict(cell.Verdict)} |");
            }

            text.Append('\n');
        }
    }

    private static string Verdict(CaseVerdict verdict)
    {
        var cell = VerdictNames.Cell(verdict);
        return verdict is CaseVerdict.Fail or CaseVerdict.Error ? $"**{cell}**" : cell;
    }

    private static void AppendFindings(StringBuilder text, ConformanceReport report)
    {
        var findings = report.Forwarders
            .SelectMany(f => f.Cases
                .Where(c => c.Verdict is CaseVerdict.Fail or CaseVerdict.NonStrict or CaseVerdict.Error)
                .Order(CatalogueOrder.Instance)
                .Select(c => (Forwarder: f, Case: c)))
            .ToList();
        if (findings.Count == 0)
        {
            return;
        }

        text.Append("\n## Findings\n");
        foreach (var (forwarder, outcome) in findings)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n### {Inline(forwarder.Name)}: {Inline(outcome.Id)} ({Inline(outcome.Mode)}, {VerdictNames.Display(outcome.Level)}): {VerdictNames.Cell(outcome.Verdict)}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"{Inline(outcome.Sentence)}\n\n");
            if (outcome.Evidence.Count > 0)
            {
                var fence = Fence(outcome.Evidence);
                text.Append(fence).Append('\n');
                foreach (var line in outcome.Evidence)
                {
                    text.Append(line.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
                }

                text.Append(fence).Append('\n');
            }
            else
            {
                text.Append("(no evidence)\n");
            }

            if (outcome.Pcaps.Count > 0)
            {
                text.Append("\nCaptures:\n\n");
                foreach (var pcap in outcome.Pcaps)
                {
                    text.Append("- ").Append(Code(pcap)).Append('\n');
                }
            }
        }
    }

    /// <summary>Text on one line outside a table: line breaks as spaces, markdown's special characters escaped.</summary>
    private static string Inline(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\r' or '\n')
            {
                escaped.Append(' ');
            }
            else
            {
                if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|')
                {
                    escaped.Append('\\');
                }

                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>A code fence longer than any run of backticks in the lines.</summary>
    private static string Fence(IEnumerable<string> lines)
    {
        var longest = lines.Select(LongestBacktickRun).DefaultIfEmpty(0).Max();
        return new string('`', Math.Max(3, longest + 1));
    }

    /// <summary>An inline code span that holds any text.</summary>
    private static string Code(string text)
    {
        var ticks = new string('`', LongestBacktickRun(text) + 1);
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : string.Empty;
        return $"{ticks}{pad}{text.Replace('\n', ' ')}{pad}{ticks}";
    }

    private static int LongestBacktickRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
