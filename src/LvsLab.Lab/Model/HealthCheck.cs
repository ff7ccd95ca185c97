using System.Globalization;

namespace LvsLab.Lab.Model;

/// <summary>
/// How a lab's director checks its real servers, keepalived style: every
/// <see cref="Interval"/> a probe (<see cref="Kind"/>: a TCP connection or an HTTP GET) to each
/// real server, bounded by <see cref="Timeout"/>; <see cref="Fall"/> failures in a row take a
/// server out, <see cref="Rise"/> successes bring it back. The director reads these as its
/// <c>LVS_HEALTH*</c> environment (<see cref="Environment"/>), the one place they are turned into
/// settings.
/// </summary>
/// <param name="Kind"><c>tcp</c>, <c>http</c> or <c>none</c>.</param>
/// <param name="Interval">Time between two rounds of probes.</param>
/// <param name="Timeout">How long one probe may take.</param>
/// <param name="Fall">Failures in a row that take a server out.</param>
/// <param name="Rise">Successes in a row that bring it back.</param>
public sealed record HealthCheck(string Kind, TimeSpan Interval, TimeSpan Timeout, int Fall, int Rise)
{
    /// <summary>The kinds a check can be.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["tcp", "http", "none"];

    /// <summary>
    /// The stock labs' checks: TCP every 500 ms, 400 ms timeout, out after 2 failures, back after 2
    /// successes — a stopped server is out within about 1.4 s (<see cref="Window"/>).
    /// </summary>
    public static HealthCheck LabDefault { get; } = new("tcp", TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(400), 2, 2);

    /// <summary>No checks.</summary>
    public static HealthCheck None { get; } = new("none", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1, 1);

    /// <summary>
    /// The longest a failed server can stay in rotation: the failure may begin just after a round,
    /// then <see cref="Fall"/> rounds each wait up to an interval and a timeout.
    /// </summary>
    public TimeSpan Window => (Interval * Fall) + Timeout;

    /// <summary>The director's environment for these checks.</summary>
    public IReadOnlyDictionary<string, string> Environment => Kind == "none"
        ? new Dictionary<string, string> { ["LVS_HEALTH"] = "none" }
        : new Dictionary<string, string>
        {
            ["LVS_HEALTH"] = Kind,
            ["LVS_HEALTH_INTERVAL_MS"] = Milliseconds(Interval),
            ["LVS_HEALTH_TIMEOUT_MS"] = Milliseconds(Timeout),
            ["LVS_HEALTH_FALL"] = Fall.ToString(CultureInfo.InvariantCulture),
            ["LVS_HEALTH_RISE"] = Rise.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Reads a duration as a topology file writes it: <c>500ms</c>, <c>2s</c> or <c>1.5s</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>Whether it was one.</returns>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        var (number, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1.0)
            : t.EndsWith('s') ? (t[..^1], 1000.0)
            : (t, double.NaN);
        if (double.IsNaN(scale) || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * scale);
        return true;
    }

    private static string Milliseconds(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
