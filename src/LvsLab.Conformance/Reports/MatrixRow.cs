using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>One case as a row of the matrix.</summary>
/// <param name="Id">The case's ID.</param>
/// <param name="Mode">Its mode.</param>
/// <param name="Level">MUST or SHOULD.</param>
/// <param name="Sentence">What it checks.</param>
/// <param name="Cells">Each forwarder's outcome, in the report's order of forwarders; null where a forwarder has no outcome for the case.</param>
internal sealed record MatrixRow(string Id, string Mode, CaseLevel Level, string Sentence, IReadOnlyList<CaseOutcome?> Cells);
