namespace LvsLab.Director.Translation;

/// <summary>
/// Rules a translator cannot carry out for its forwarder: every reason at once, each naming the
/// rules file's line (<c>FILE:LINE: service …: reason</c>).
/// </summary>
public sealed class RulesTranslationException : Exception
{
    /// <summary>Initializes a new instance with no reason.</summary>
    public RulesTranslationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance with one reason.</summary>
    /// <param name="message">The reason.</param>
    public RulesTranslationException(string message)
        : this([message])
    {
    }

    /// <summary>Initializes a new instance with one reason and its cause.</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The cause.</param>
    public RulesTranslationException(string message, Exception innerException)
        : base(message, innerException) => Reasons = [message];

    /// <summary>Initializes a new instance with every reason.</summary>
    /// <param name="reasons">The reasons, one a rule.</param>
    public RulesTranslationException(IReadOnlyList<string> reasons)
        : base(string.Join("\n", reasons)) => Reasons = reasons;

    /// <summary>The reasons, one a refused rule.</summary>
    public IReadOnlyList<string> Reasons { get; }
}
