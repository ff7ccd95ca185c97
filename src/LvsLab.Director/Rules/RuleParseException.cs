namespace LvsLab.Director.Rules;

/// <summary>
/// A line of <c>ipvsadm-save</c> text could not be understood. The message has the form
/// <c>rules.ipvs:3: unknown scheduler 'foo' (supported: rr, wrr)</c>.
/// </summary>
public sealed class RuleParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RuleParseException()
        : this("(unknown)", 0, string.Empty, "rule parse error")
    {
    }

    /// <summary>Creates the exception with a reason only.</summary>
    /// <param name="message">The reason.</param>
    public RuleParseException(string message)
        : this("(unknown)", 0, string.Empty, message)
    {
    }

    /// <summary>Creates the exception with a reason and an inner exception.</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The cause.</param>
    public RuleParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "(unknown)";
        Line = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file name or other label of the text.</param>
    /// <param name="lineNumber">The 1-based line number.</param>
    /// <param name="line">The line as written.</param>
    /// <param name="reason">What is wrong.</param>
    public RuleParseException(string sourceName, int lineNumber, string line, string reason)
        : base($"{sourceName}:{lineNumber}: {reason}")
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file name or other label of the text.</summary>
    public string SourceName { get; }

    /// <summary>The 1-based line number.</summary>
    public int LineNumber { get; }

    /// <summary>The line as written.</summary>
    public string Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }
}
