namespace LvsLab.Xdp;

/// <summary>Rules the XDP forwarder cannot carry out, with every reason (each naming its line).</summary>
public sealed class XdpTranslationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public XdpTranslationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public XdpTranslationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public XdpTranslationException(string message, Exception innerException)
        : base(message, innerException) => Reasons = [message];

    /// <summary>Creates the exception from reasons.</summary>
    /// <param name="reasons">Why, one per problem.</param>
    public XdpTranslationException(IReadOnlyList<string> reasons)
        : base(string.Join("\n", reasons)) => Reasons = reasons;

    /// <summary>Why, one per problem: <c>FILE:LINE: reason</c>.</summary>
    public IReadOnlyList<string> Reasons { get; }
}
