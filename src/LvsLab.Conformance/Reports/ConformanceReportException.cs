namespace LvsLab.Conformance.Reports;

/// <summary>
/// A conformance report cannot be read or merged. The message names the file (or the shards) and the
/// field at fault, e.g. <c>report.json: forwarders[0].cases[3].verdict: unknown 'maybe'</c>.
/// </summary>
public sealed class ConformanceReportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConformanceReportException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public ConformanceReportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The cause.</param>
    public ConformanceReportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
