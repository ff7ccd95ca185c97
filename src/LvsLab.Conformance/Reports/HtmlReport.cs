using System.Globalization;
using System.Text;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// The report as one self-contained HTML page (<c>report.html</c>): inline CSS, no scripts, no fonts or
/// anything else from the network. Title, run time, per-forwarder totals, the matrix with coloured cells
/// (pass green, fail red, non-strict amber, unsupported grey, error purple); every cell other than pass
/// links to a section with its evidence (preformatted) and its pcaps as relative links. Everything from
/// the report is HTML-escaped.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; color: #1f2328; max-width: 1240px; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
        .meta { color: #59636e; margin: 0 0 1rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: .875rem; }
        th, td { border: 1px solid #d1d9e0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        td.id, td.level, td.mode { white-space: nowrap; font-family: ui-monospace, Consolas, monospace; }
        td.sentence { min-width: 18rem; max-width: 36rem; }
        td.v { white-space: nowrap; text-align: center; font-weight: 600; }
        td.v a { color: inherit; }
        .pass { background: #dafbe1; color: #116329; }
        .fail { background: #ffebe9; color: #a40e26; }
        .non-strict { background: #fff1c2; color: #7d4e00; }
        .unsupported { background: #eaeef2; color: #59636e; }
        .error { background: #efe2fb; color: #6e2aa5; }
        .none { background: #fff; }
        section.finding { border: 1px solid #d1d9e0; border-left-width: 6px; margin: 1rem 0; padding: .5rem 1rem; }
        section.finding.fail { border-left-color: #cf222e; }
        section.finding.non-strict { border-left-color: #bf8700; }
        section.finding.error { border-left-color: #8250df; }
        section.finding.unsupported { border-left-color: #8c959f; }
        section.finding h3 { margin: .25rem 0; font-size: 1rem; }
        pre { background: #f6f8fa; color: #1f2328; padding: .5rem; overflow-x: auto; white-space: pre; font-size: .8rem; }
        """;

    /// <summary>Renders the page.</summary>
    /// <param name="report">The report.</param>
    /// <returns>HTML text.</returns>
    public static string Render(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var title = report.Shard is null ? "LvsLab conformance" : $"LvsLab conformance, shard {report.Shard}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{HtmlText.Escape(title)}</title>\n");
        html.Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{HtmlText.Escape(title)}</h1>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"meta\">Started {HtmlText.Escape(ReportTotals.Started(report.Started))}; {report.Forwarders.Count} forwarder(s); exit code {report.ExitCode}.</p>\n");
        AppendTotals(html, report);
        AppendMatrix(html, report);
        AppendFindings(html, report);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The anchor of a forwarder's case: <c>f{index}-{slug of ID}</c>, unique within the page.</summary>
    /// <param name="forwarderIndex">The forwarder's index in the report.</param>
    /// <param name="outcome">The case.</param>
    /// <returns>An HTML id.</returns>
    public static string Anchor(int forwarderIndex, CaseOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return string.Create(CultureInfo.InvariantCulture, $"f{forwarderIndex}-{HtmlText.Slug(outcome.Mode)}-{HtmlText.Slug(outcome.Id)}");
    }

    private static string Class(CaseVerdict verdict) => VerdictNames.Json(verdict);

    private static string FileName(string path)
    {
        var name = Path.GetFileName(path.Replace('\\', '/'));
        return name.Length > 0 ? name : path;
    }

    private static void AppendTotals(StringBuilder html, ConformanceReport report)
    {
        html.Append("<ul class=\"totals\">\n");
        foreach (var forwarder in report.Forwarders)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<li><strong>{HtmlText.Escape(forwarder.Name)}</strong> ({HtmlText.Escape(forwarder.Source)}): {HtmlText.Escape(ReportTotals.Counts(forwarder))}; <span class=\"{(forwarder.Conforms ? "pass" : "fail")}\">{ReportTotals.Conformance(forwarder)}</span>; {HtmlText.Escape(ReportTotals.Time(forwarder.Seconds))}</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static void AppendMatrix(StringBuilder html, ConformanceReport report)
    {
        html.Append("<div class=\"scroll\">\n<table>\n<thead>\n<tr><th>ID</th><th>level</th><th>mode</th><th>case</th>");
        foreach (var forwarder in report.Forwarders)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{HtmlText.Escape(forwarder.Name)}</th>");
        }

        html.Append("</tr>\n</thead>\n<tbody>\n");
        foreach (var row in ReportMatrix.Rows(report))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=\"id\">{HtmlText.Escape(row.Id)}</td><td class=\"level\">{VerdictNames.Display(row.Level)}</td><td class=\"mode\">{HtmlText.Escape(row.Mode)}</td><td class=\"sentence\">{HtmlText.Escape(row.Sentence)}</td>");
            for (var f = 0; f < row.Cells.Count; f++)
            {
                var cell = row.Cells[f];
                if (cell is null)
                {
                    html.Append("<td class=\"v none\"></td>");
                }
                else if (cell.Verdict == CaseVerdict.Pass)
                {
                    html.Append("<td class=\"v pass\">pass</td>");
                }
                else
                {
                    html.Append(CultureInfo.InvariantCulture,
                        $"<td class=\"v {Class(cell.Verdict)}\"><a href=\"#{Anchor(f, cell)}\">{HtmlText.Escape(VerdictNames.Cell(cell.Verdict))}</a></td>");
                }
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void AppendFindings(StringBuilder html, ConformanceReport report)
    {
        var any = false;
        for (var f = 0; f < report.Forwarders.Count; f++)
        {
            var forwarder = report.Forwarders[f];
            foreach (var outcome in forwarder.Cases.Where(c => c.Verdict != CaseVerdict.Pass).Order(CatalogueOrder.Instance))
            {
                if (!any)
                {
                    html.Append("<h2>Findings</h2>\n");
                    any = true;
                }

                html.Append(CultureInfo.InvariantCulture,
                    $"<section class=\"finding {Class(outcome.Verdict)}\" id=\"{Anchor(f, outcome)}\">\n<h3>{HtmlText.Escape(forwarder.Name)}: {HtmlText.Escape(outcome.Id)} ({HtmlText.Escape(outcome.Mode)}, {VerdictNames.Display(outcome.Level)}): {HtmlText.Escape(VerdictNames.Cell(outcome.Verdict))}</h3>\n");
                html.Append(CultureInfo.InvariantCulture, $"<p>{HtmlText.Escape(outcome.Sentence)}</p>\n");
                html.Append("<pre>");
                html.Append(outcome.Evidence.Count == 0 ? "(no evidence)" : HtmlText.Escape(string.Join("\n", outcome.Evidence)));
                html.Append("</pre>\n");
                if (outcome.Pcaps.Count > 0)
                {
                    html.Append("<p>Captures:</p>\n<ul>\n");
                    foreach (var pcap in outcome.Pcaps)
                    {
                        html.Append(CultureInfo.InvariantCulture,
                            $"<li><a href=\"{HtmlText.Href(pcap)}\">{HtmlText.Escape(FileName(pcap))}</a></li>\n");
                    }

                    html.Append("</ul>\n");
                }

                html.Append("</section>\n");
            }
        }
    }
}
