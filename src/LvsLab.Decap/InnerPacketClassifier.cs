using LvsLab.Packets;

namespace LvsLab.Decap;

/// <summary>
/// Is the packet at the start of a buffer a well-formed IPv4 or IPv6 packet to hand to the TUN
/// device, and how long is it? The same checks whichever outer header carried it. Pure: no state,
/// no allocation; only reads the bytes.
/// </summary>
internal static class InnerPacketClassifier
{
    /// <summary>
    /// Classifies an inner IPv4 packet: structure (<see cref="Ipv4Packet.TryRead"/>) and header
    /// checksum, as the kernel's ip_rcv would check them after the TUN device.
    /// </summary>
    /// <param name="inner">The bytes from the inner header on (may run past the inner packet); only read.</param>
    /// <param name="length">The inner total length when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <returns><see cref="DecapResult.Deliver"/>, <see cref="DecapResult.InnerTruncated"/>, <see cref="DecapResult.InnerInvalid"/> or <see cref="DecapResult.InnerBadChecksum"/>.</returns>
    public static DecapResult ClassifyIpv4(Span<byte> inner, out int length)
    {
        length = 0;
        if (!Ipv4Packet.TryRead(inner, out var packet, out var error))
        {
            return error switch
            {
                PacketError.Truncated or PacketError.TotalLengthBeyondBuffer => DecapResult.InnerTruncated,

                // IHL below 5 is malformed; an IHL whose header runs past the data is truncation.
                PacketError.BadHeaderLength when (inner[0] & 0x0F) >= 5 => DecapResult.InnerTruncated,
                _ => DecapResult.InnerInvalid,
            };
        }

        if (!packet.IsHeaderChecksumValid)
        {
            return DecapResult.InnerBadChecksum;
        }

        length = packet.TotalLength;
        return DecapResult.Deliver;
    }

    /// <summary>
    /// Classifies an inner IPv6 packet: the fixed header (<see cref="Ipv6Packet.TryRead"/>) and
    /// its extension headers (<see cref="Ipv6ExtensionHeaders.TryWalk(Ipv6Packet, out Ipv6ExtensionHeaders, out PacketError)"/>),
    /// the checks the director makes before it tunnels a packet. There is no header checksum; an
    /// inner fragment is delivered (the kernel reassembles it behind the TUN device).
    /// </summary>
    /// <param name="inner">The bytes from the inner fixed header on (may run past the inner packet); only read.</param>
    /// <param name="length">40 + the inner payload length when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <returns><see cref="DecapResult.Deliver"/>, <see cref="DecapResult.InnerIpv6Truncated"/>, <see cref="DecapResult.InnerIpv6Invalid"/> or <see cref="DecapResult.InnerIpv6BadExtensionHeaders"/>.</returns>
    public static DecapResult ClassifyIpv6(Span<byte> inner, out int length)
    {
        length = 0;
        if (!Ipv6Packet.TryRead(inner, out var packet, out var error))
        {
            return error is PacketError.Truncated or PacketError.PayloadLengthBeyondBuffer
                ? DecapResult.InnerIpv6Truncated
                : DecapResult.InnerIpv6Invalid; // BadVersion, Jumbogram
        }

        if (!Ipv6ExtensionHeaders.TryWalk(packet, out _, out error))
        {
            return error is PacketError.ExtensionHeaderTruncated
                ? DecapResult.InnerIpv6Truncated
                : DecapResult.InnerIpv6BadExtensionHeaders;
        }

        length = packet.Buffer.Length;
        return DecapResult.Deliver;
    }
}
