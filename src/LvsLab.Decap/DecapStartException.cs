namespace LvsLab.Decap;

/// <summary>lvs-decap cannot start (device, socket or permission); the message says why.</summary>
internal sealed class DecapStartException : Exception
{
    /// <summary>Makes the exception.</summary>
    public DecapStartException()
    {
    }

    /// <summary>Makes the exception.</summary>
    /// <param name="message">What failed and why.</param>
    public DecapStartException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="inner">The cause.</param>
    public DecapStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
