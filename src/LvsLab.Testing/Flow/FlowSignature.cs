using System.Net;

namespace LvsLab.Testing.Flow;

/// <summary>
/// What stays the same in one packet across every hop whatever LVS does to it: the client's
/// end (the source of a request, the destination of a reply: NAT rewrites only the other end),
/// the protocol, and for TCP the sequence and acknowledgment numbers, flags and length; for
/// other protocols the payload (and the IP identification outside TCP and UDP).
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
            && other.Payload.Span.SequenceEqual(packet.Payload.Span);
    }
}
