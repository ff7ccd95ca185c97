namespace LvsLab.Conformance.Results;

/// <summary>Every case's outcome for one forwarder.</summary>
/// <param name="Name">The forwarder's name.</param>
/// <param name="Source">Where its description came from (stock, default contract, a file).</param>
/// <param name="Cases">The outcomes, in catalogue order.</param>
/// <param name="Seconds">How long its run took (labs included).</param>
public sealed record ForwarderResult(string Name, string Source, IReadOnlyList<CaseOutcome> Cases, double Seconds)
{
    /// <summary>Whether every MUST case passed or was unsupported, and nothing errored.</summary>
    public bool Conforms => Cases.All(c => c.Verdict is CaseVerdict.Pass or CaseVerdict.NonStrict or CaseVerdict.Unsupported);

    /// <summary>How many cases had <paramref name="verdict"/>.</summary>
    /// <param name="verdict">A verdict.</param>
    /// <returns>The count.</returns>
    public int Count(CaseVerdict verdict) => Cases.Count(c => c.Verdict == verdict);
}
