namespace LvsLab.Lab.Docker;

/// <summary>A lab cannot be built as asked (invalid topology, name taken, …); nothing was changed.</summary>
public sealed class LabConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LabConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public LabConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LabConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
