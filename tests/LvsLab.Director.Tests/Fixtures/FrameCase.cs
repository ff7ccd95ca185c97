using LvsLab.Testing.Expectations;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// One Katran/PTF-style case of the director engine, for DR, NAT and TUN alike: how to build
/// the engine (which lab, which neighbours known, which MTU), frames fed first to set the scene
/// (each with its ingress port), then one frame in on a port, the expected decision (kind, drop
/// reason, egress port) and the expected frame out as a <see cref="PacketTemplate"/> of the
/// packet expectations library (PTF's packet plus mask) — or, with no template, no frame at all
/// and an untouched output buffer (Drop, Ignore). <see cref="FrameCaseRunner"/> runs it.
/// </summary>
/// <param name="Description">What the case shows; unique in its table, the theory row's name.</param>
/// <param name="Engine">Builds a fresh engine for the case.</param>
/// <param name="Prelude">Frames fed first, each with its ingress port; each must be forwarded or answered.</param>
/// <param name="InInterface">The interface <paramref name="Input"/> arrives on.</param>
/// <param name="Input">The frame under test.</param>
/// <param name="Kind">The expected decision.</param>
/// <param name="Reason">The expected drop reason (also set on an ArpRequest or IcmpError sent instead of a forward).</param>
/// <param name="OutInterface">The expected egress interface of a decision that sends.</param>
/// <param name="Expected">The expected frame out, masked where a correct director may choose; null for Drop and Ignore.</param>
/// <param name="Pinned">
/// Fields <paramref name="Expected"/> masks (a correct director may choose them) that the case
/// holds this engine to, with the values it must send: the tunnel's outer TTL 64 and DF copied
/// from the inner header; the identification, in the cases about its counter. Checked after the
/// template, so the template stays the method's model and masked fields not pinned are really free.
/// </param>
internal sealed record FrameCase(
    string Description,
    Func<DirectorEngine> Engine,
    (int Port, byte[] Frame)[] Prelude,
    int InInterface,
    byte[] Input,
    DecisionKind Kind,
    DropReason Reason = DropReason.None,
    int OutInterface = 0,
    PacketTemplate? Expected = null,
    PinnedField[]? Pinned = null)
{
    /// <summary>
    /// Ethernet padding the engine must send after the end of the expected IPv4 packet. A template
    /// compares up to the end of its IP packet by design (padding is not content), so a case that
    /// forwards padding byte for byte (DR) says which bytes here. Empty: the frame ends with its packet.
    /// </summary>
    public byte[] Padding { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => Description;
}

/// <summary>A masked field of a template and the value this engine must put there.</summary>
/// <param name="Field">The field (at most 8 bytes).</param>
/// <param name="Value">The value, as <see cref="PacketTemplate.ReadNumber"/> reads it.</param>
internal readonly record struct PinnedField(PacketField Field, ulong Value);
