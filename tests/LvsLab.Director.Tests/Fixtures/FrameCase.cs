namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// One Katran/PTF-style case: a frame in, the expected decision, and the expected frame out.
/// Where <see cref="Mask"/> has a zero byte the output byte is not compared.
/// </summary>
internal sealed record FrameCase(
    string Description,
    byte[] Input,
    DecisionKind Kind,
    DropReason Reason = DropReason.None,
    byte[]? ExpectedOutput = null,
    byte[]? Mask = null,
    bool LearnNeighbours = true);
