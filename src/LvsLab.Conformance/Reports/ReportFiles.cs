using System.Text;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>Writes every report file of a run into one folder.</summary>
public static class ReportFiles
{
    /// <summary>The JSON report's file name.</summary>
    public const string Json = "report.json";

    /// <summary>The markdown report's file name.</summary>
    public const string Markdown = "report.md";

    /// <summary>The HTML report's file name.</summary>
    public const string Html = "report.html";

    /// <summary>The JUnit XML report's file name.</summary>
    public const string JUnit = "junit.xml";

    /// <summary>Writes <c>report.json</c>, <c>report.md</c>, <c>report.html</c> and <c>junit.xml</c> (UTF-8, no byte-order mark), replacing any there.</summary>
    /// <param name="report">The report.</param>
    /// <param name="folder">The folder; created when missing.</param>
    /// <returns>The files' paths, in that order.</returns>
    public static IReadOnlyList<string> WriteAll(ConformanceReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(false);
        var files = new (string Name, string Text)[]
        {
            (Json, ReportJsonWriter.ToJson(report)),
            (Markdown, MarkdownReport.Render(report)),
            (Html, HtmlReport.Render(report)),
            (JUnit, JUnitReport.Render(report)),
        };
        var paths = new List<string>(files.Length);
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, text, utf8);
            paths.Add(path);
        }

        return paths;
    }
}
