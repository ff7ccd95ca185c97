namespace LvsLab.Lab.Docker;

/// <summary>A condition the lab waits on is not met yet (retried until a timeout).</summary>
public sealed class LabNotReadyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LabNotReadyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is not ready.</param>
    public LabNotReadyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is not ready.</param>
    /// <param name="innerException">The cause.</param>
    public LabNotReadyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
