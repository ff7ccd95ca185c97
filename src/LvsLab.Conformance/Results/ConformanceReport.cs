namespace LvsLab.Conformance.Results;

/// <summary>A conformance run: forwarders × cases, with when and where it ran.</summary>
/// <param name="Forwarders">One result per forwarder, in the order given.</param>
/// <param name="Started">When the run started (UTC).</param>
/// <param name="Shard">Which shard this is, <c>I/N</c>, or null for a whole run.</param>
public sealed record ConformanceReport(IReadOnlyList<ForwarderResult> Forwarders, DateTimeOffset Started, string? Shard = null)
{
    /// <summary>
    /// The exit code <c>lvslab conform</c> gives: 1 when a MUST case failed, else 2 when a case
    /// errored (no verdict could be given), else 0 (every forwarder conforms).
    /// </summary>
    public int ExitCode =>
        Forwarders.Any(f => f.Cases.Any(c => c.Verdict == CaseVerdict.Fail)) ? 1
        : Forwarders.Any(f => f.Cases.Any(c => c.Verdict == CaseVerdict.Error)) ? 2
        : 0;
}
