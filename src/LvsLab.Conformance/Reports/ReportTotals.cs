using System.Globalization;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>A forwarder's totals and time in words, the same in every report.</summary>
internal static class ReportTotals
{
    /// <summary>E.g. <c>3 pass, 1 fail, 0 non-strict, 2 unsupported, 0 error</c>.</summary>
    public static string Counts(ForwarderResult forwarder) =>
        string.Join(", ", VerdictNames.All.Select(v => string.Create(CultureInfo.InvariantCulture, $"{forwarder.Count(v)} {VerdictNames.Json(v)}")));

    /// <summary><c>conforms</c> or <c>does not conform</c>.</summary>
    public static string Conformance(ForwarderResult forwarder) => forwarder.Conforms ? "conforms" : "does not conform";

    /// <summary>Seconds with one decimal, e.g. <c>12.3 s</c>.</summary>
    public static string Time(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s");

    /// <summary>The run's start, ISO 8601 in UTC to the second, e.g. <c>2025-05-01 12:00:00Z</c>.</summary>
    public static string Started(DateTimeOffset started) =>
        started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
