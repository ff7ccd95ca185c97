using System.Globalization;

namespace LvsLab.Cli;

/// <summary>Durations on the command line: <c>30s</c>, <c>500ms</c>, <c>2m</c>, or a bare number of seconds.</summary>
internal static class Durations
{
    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>Whether it is one (and positive).</returns>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var t = text?.Trim() ?? string.Empty;
        var (number, milliseconds) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1.0)
            : t.EndsWith('s') ? (t[..^1], 1000.0)
            : t.EndsWith('m') ? (t[..^1], 60_000.0)
            : (t, 1000.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * milliseconds);
        return true;
    }
}
