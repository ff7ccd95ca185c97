namespace LvsLab.Conformance.Results;

/// <summary>One case's result for one forwarder.</summary>
/// <param name="Id">The case's stable ID, e.g. <c>DR-ARP-1</c>.</param>
/// <param name="Mode">dr, nat or tun.</param>
/// <param name="Level">MUST or SHOULD.</param>
/// <param name="Sentence">What the case checks, in a sentence.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Evidence">What was seen (expected against seen, hex diffs), one finding per line; the reason for unsupported and error.</param>
/// <param name="Pcaps">Captures kept as evidence, relative to the report's folder where possible.</param>
/// <param name="Seconds">How long the case ran.</param>
public sealed record CaseOutcome(
    string Id,
    string Mode,
    CaseLevel Level,
    string Sentence,
    CaseVerdict Verdict,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> Pcaps,
    double Seconds)
{
    /// <summary>Whether the case found the forwarder wrong: a MUST case failed, or a SHOULD case was not met (how a mutant is caught).</summary>
    public bool FoundFault => Verdict is CaseVerdict.Fail or CaseVerdict.NonStrict;
}
