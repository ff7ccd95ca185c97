using System.Net;

namespace LvsLab.Testing.Flow;

/// <summary>
/// What stays the same in one packet across every hop whatever LVS does to it: the client's
/// end (the source of a request, the destination of a reply: NAT rewrites only the other end),
/// the protocol, and for TCP the sequence and acknowledgment numbers, flags and length; for
/// other protocols the payload (and the IP identification outside TCP and UDP; IPv6 has none:
/// 0 throughout). An ICMPv6 message's checksum is left out: it covers the addresses NAT rewrites.
/// </summary>
internal sealed class FlowSignature
{
    private readonly bool anchorIsSource;
    private readonly DecodedIp packet;

    private FlowSignature(DecodedIp packet, bool anchorIsSource)
    {
        this.packet = packet;
        this.anchorIsSource = anchorIsSource;
    }

    /// <summary>The client's address (source of a request, destination of a reply).</summary>
    public IPAddress ClientAddress => anchorIsSource ? packet.Source : packet.Destination;

    /// <summary>A request's signature: anchored on its source.</summary>
    /// <param name="packet">The request as first seen.</param>
    /// <returns>The signature.</returns>
    public static FlowSignature Request(DecodedIp packet) => new(packet, anchorIsSource: true);

    /// <summary>A reply's signature: anchored on its destination.</summary>
    /// <param name="packet">The reply as first seen.</param>
    /// <returns>The signature.</returns>
    public static FlowSignature Reply(DecodedIp packet) => new(packet, anchorIsSource: false);

    /// <summary>Whether <paramref name="other"/> is the same packet, possibly rewritten.</summary>
    /// <param name="other">A carried packet.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(DecodedIp other)
    {
        if (other.Protocol != packet.Protocol)
        {
            return false;
        }

        var anchored = anchorIsSource
            ? other.Source.Equals(packet.Source) && other.SourcePort == packet.SourcePort
            : other.Destination.Equals(packet.Destination) && other.DestinationPort == packet.DestinationPort;
        if (!anchored)
        {
            return false;
        }

        if (packet.IsTcp)
        {
            return other.Sequence == packet.Sequence
                && other.Acknowledgment == packet.Acknowledgment
                && other.TcpFlags == packet.TcpFlags
                && other.Payload.Length == packet.Payload.Length;
        }

        return (packet.IsUdp || other.Identification == packet.Identification)
            && SamePayload(other.Payload.Span, packet.Payload.Span, packet.Protocol == FlowDecoder.Icmpv6);
    }

    // ICMPv6 (RFC 4443): type (1) | code (1) | checksum (2) | body.
    private static bool SamePayload(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, bool icmpv6) =>
        icmpv6 && a.Length >= 4 && b.Length >= 4
            ? a[..2].SequenceEqual(b[..2]) && a[4..].SequenceEqual(b[4..])
            : a.SequenceEqual(b);
}
