namespace LvsLab.Testing.Flow;

/// <summary>The captures hold no packet to trace as asked (no matching request).</summary>
public sealed class FlowTraceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowTraceException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was looked for and what the captures held.</param>
    public FlowTraceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was looked for and what the captures held.</param>
    /// <param name="innerException">The cause.</param>
    public FlowTraceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
