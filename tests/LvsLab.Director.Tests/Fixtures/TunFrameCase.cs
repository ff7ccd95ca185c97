namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// One TUN case (Katran/PTF style): frames fed first to set the scene (each with its ingress
/// port), then one frame in on a port, the expected decision with its egress port, and the
/// expected frame out (compared byte for byte) — or, for Drop and Ignore, an untouched output.
/// </summary>
internal sealed record TunFrameCase(
    string Description,
    (int Port, byte[] Frame)[] Prelude,
    int InPort,
    byte[] Input,
    DecisionKind Kind,
    DropReason Reason = DropReason.None,
    int OutPort = 0,
    byte[]? ExpectedOutput = null,
    bool Learn = true,
    int IntMtu = LvsLab.Director.DirectorPort.DefaultMtu);
