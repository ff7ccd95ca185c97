namespace LvsLab.Lab.TopologyFiles;

/// <summary>
/// A topology file cannot be loaded: every problem found, each as <c>FILE:LINE: FIELD: reason</c>.
/// Nothing was built.
/// </summary>
public sealed class TopologyFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TopologyFileException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public TopologyFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TopologyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the problems found; its message lists them, one a line.</summary>
    /// <param name="errors">The problems, at least one.</param>
    public TopologyFileException(IReadOnlyList<TopologyFileError> errors)
        : base(string.Join("\n", errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in the order of the file.</summary>
    public IReadOnlyList<TopologyFileError> Errors { get; } = [];
}
