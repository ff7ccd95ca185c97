namespace LvsLab.Conformance.Catalog;

/// <summary>What a case saw: whether the behaviour held, the evidence, the captures.</summary>
/// <param name="Held">True when the forwarder did what the case says.</param>
/// <param name="Evidence">What was seen, one finding per line (expected against seen where it failed).</param>
/// <param name="Pcaps">The captures kept.</param>
public sealed record CaseFinding(bool Held, IReadOnlyList<string> Evidence, IReadOnlyList<string> Pcaps);
