namespace LvsLab.Testing.Expectations;

/// <summary>A packet expectation did not hold; <see cref="Result"/> carries the evidence, and the message is its readable form.</summary>
public sealed class PacketExpectationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PacketExpectationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not hold.</param>
    public PacketExpectationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not hold.</param>
    /// <param name="innerException">The cause.</param>
    public PacketExpectationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed verification.</summary>
    /// <param name="result">The failed verification, with its evidence.</param>
    public PacketExpectationException(VerificationResult result)
        : base(result?.ToString())
    {
        Result = result;
    }

    /// <summary>The failed verification, or null when created from a message alone.</summary>
    public VerificationResult? Result { get; }
}
