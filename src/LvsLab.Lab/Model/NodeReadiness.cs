using System.Text.RegularExpressions;

namespace LvsLab.Lab.Model;

/// <summary>
/// How a node says it is ready to serve: the lab waits for it after wiring the node and again
/// after the node restarts. The runtime knows these three kinds and no product's own words.
/// </summary>
public abstract record NodeReadiness
{
    private protected NodeReadiness()
    {
    }

    /// <summary>How long the lab waits for a node to become ready.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Ready once a line of the node's output (stdout or stderr) matches a pattern.</summary>
    /// <param name="pattern">A .NET regular expression, matched against each line.</param>
    /// <returns>The readiness.</returns>
    public static LogLineReadiness LogLine(string pattern) => new(pattern);

    /// <summary>Ready once a command run inside the node exits 0.</summary>
    /// <param name="arguments">The command and its arguments.</param>
    /// <returns>The readiness.</returns>
    public static CommandReadiness Command(params IReadOnlyList<string> arguments) => new(arguments);

    /// <summary>Ready once a file exists inside the node.</summary>
    /// <param name="path">The file's absolute path.</param>
    /// <returns>The readiness.</returns>
    public static FileReadiness File(string path) => new(path);

    /// <summary>A short description for messages, e.g. <c>log line /^ready$/</c>.</summary>
    /// <returns>The description.</returns>
    public abstract string Describe();
}

/// <summary>Ready once a line of the node's output matches <see cref="Pattern"/>.</summary>
public sealed record LogLineReadiness : NodeReadiness
{
    private readonly Regex regex;

    /// <summary>Creates the readiness; the pattern must be a valid regular expression.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <exception cref="ArgumentException">The pattern does not parse.</exception>
    public LogLineReadiness(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <summary>How many lines of <paramref name="output"/> match.</summary>
    /// <param name="output">A node's output so far.</param>
    /// <returns>The count (a restarted node is ready once the count grows).</returns>
    public int CountMatches(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var count = 0;
        foreach (var line in output.Split('\n'))
        {
            if (regex.IsMatch(line.TrimEnd('\r')))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc/>
    public bool Equals(LogLineReadiness? other) => other is not null && Pattern == other.Pattern;

    /// <inheritdoc/>
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string Describe() => $"log line /{Pattern}/";
}

/// <summary>Ready once <see cref="Arguments"/> run inside the node exit 0.</summary>
/// <param name="Arguments">The command and its arguments.</param>
public sealed record CommandReadiness(IReadOnlyList<string> Arguments) : NodeReadiness
{
    /// <inheritdoc/>
    public bool Equals(CommandReadiness? other) => other is not null && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc/>
    public override int GetHashCode() => Arguments.Count == 0 ? 0 : HashCode.Combine(Arguments.Count, Arguments[0]);

    /// <inheritdoc/>
    public override string Describe() => $"command '{string.Join(' ', Arguments)}'";
}

/// <summary>Ready once <see cref="Path"/> exists inside the node.</summary>
/// <param name="Path">The file's absolute path.</param>
public sealed record FileReadiness(string Path) : NodeReadiness
{
    /// <inheritdoc/>
    public override string Describe() => $"file {Path}";
}
