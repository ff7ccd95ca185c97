using System.Globalization;
using System.Text.RegularExpressions;

namespace LvsLab.Bench;

/// <summary>What one <c>ab</c> (ApacheBench) run measured: one TCP connection per request.</summary>
/// <param name="Complete">Requests completed.</param>
/// <param name="Failed">Requests that failed.</param>
/// <param name="RequestsPerSecond">Requests (and so connections) per second.</param>
/// <param name="P50Milliseconds">Median time per request.</param>
/// <param name="P99Milliseconds">99th percentile time per request.</param>
public sealed partial record ApacheBenchResult(long Complete, long Failed, double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds)
{
    /// <summary>Reads <c>ab</c>'s report.</summary>
    /// <param name="text">Its standard output.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="FormatException">The text is not an ab report (the message quotes what was missing).</exception>
    public static ApacheBenchResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        double Number(Regex pattern, string what)
        {
            var match = pattern.Match(text);
            return match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new FormatException($"no '{what}' in ab's output: {text.Trim()}");
        }

        return new ApacheBenchResult(
            (long)Number(CompleteLine(), "Complete requests"),
            (long)Number(FailedLine(), "Failed requests"),
            Number(RateLine(), "Requests per second"),
            Number(Percentile50(), "50%"),
            Number(Percentile99(), "99%"));
    }

    [GeneratedRegex(@"^Complete requests:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex CompleteLine();

    [GeneratedRegex(@"^Failed requests:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"^Requests per second:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s+50%\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex Percentile50();

    [GeneratedRegex(@"^\s+99%\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex Percentile99();
}
