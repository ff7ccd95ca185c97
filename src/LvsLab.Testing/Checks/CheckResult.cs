namespace LvsLab.Testing.Checks;

/// <summary>What a check found: passed or not, the evidence in lines, and the captures it kept.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Passed">True when the lab behaved as the check expects.</param>
/// <param name="Evidence">What was seen, one finding per line.</param>
/// <param name="Pcaps">The captures kept as evidence.</param>
public sealed record CheckResult(string Name, bool Passed, IReadOnlyList<string> Evidence, IReadOnlyList<string> Pcaps);
