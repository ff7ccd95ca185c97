namespace LvsLab.Packets;

/// <summary>
/// Generic packet tunnelling in IPv6 (RFC 2473), as IPVS's tunnelling method uses towards a real
/// server reached over IPv6: a new outer IPv6 header with next header 41 in front of an unchanged
/// IPv6 packet, or next header 4 in front of an unchanged IPv4 packet. No tunnel encapsulation
/// limit option is added (IPVS adds none).
/// </summary>
public static class Ipv6Tunnel
{
    /// <summary>Hop limit of the outer header.</summary>
    public const byte OuterHopLimit = 64;

    /// <summary>Bytes the encapsulation adds (an outer fixed header, no extension header).</summary>
    public const int Overhead = Ipv6Packet.HeaderLength;

    /// <summary>
    /// Writes an outer IPv6 header (version 6, traffic class copied from the inner packet, flow
    /// label 0, next header 41, hop limit 64, the given addresses) followed by the inner IPv6
    /// packet into <paramref name="output"/>. The inner packet may overlap
    /// <paramref name="output"/> (it is moved, not read after being overwritten), so a packet can
    /// be wrapped in place by passing the same buffer.
    /// </summary>
    /// <param name="inner">The inner IPv6 packet; validated, and trimmed to 40 + its payload length.</param>
    /// <param name="outerSource">Outer source address (the director).</param>
    /// <param name="outerDestination">Outer destination address (the real server).</param>
    /// <param name="output">Where to write; needs <see cref="Overhead"/> + the inner length bytes.</param>
    /// <param name="written">Bytes written when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: the inner packet's <see cref="Ipv6Packet.TryRead"/>
    /// error, <see cref="PacketError.TooLarge"/> (the outer payload length would exceed 65,535)
    /// or <see cref="PacketError.OutputTooSmall"/>.
    /// </param>
    /// <returns>True when the packet was written.</returns>
    public static bool TryWrapIpv6(
        Span<byte> inner,
        Ipv6Address outerSource,
        Ipv6Address outerDestination,
        Span<byte> output,
        out int written,
        out PacketError error)
    {
        written = 0;
        if (!Ipv6Packet.TryRead(inner, out Ipv6Packet innerPacket, out error))
        {
            return false;
        }

        return TryWrap(innerPacket.Buffer, IpProtocol.Ipv6, innerPacket.TrafficClass, outerSource, outerDestination, output, out written, out error);
    }

    /// <summary>
    /// Writes an outer IPv6 header (version 6, traffic class copied from the inner packet's type
    /// of service, flow label 0, next header 4, hop limit 64, the given addresses) followed by the
    /// inner IPv4 packet into <paramref name="output"/>; in place allowed, as
    /// <see cref="TryWrapIpv6"/>.
    /// </summary>
    /// <param name="inner">The inner IPv4 packet; validated, and trimmed to its total length.</param>
    /// <param name="outerSource">Outer source address (the director).</param>
    /// <param name="outerDestination">Outer destination address (the real server).</param>
    /// <param name="output">Where to write; needs <see cref="Overhead"/> + the inner total length bytes.</param>
    /// <param name="written">Bytes written when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: the inner packet's <see cref="Ipv4Packet.TryRead"/>
    /// error or <see cref="PacketError.OutputTooSmall"/>.
    /// </param>
    /// <returns>True when the packet was written.</returns>
    public static bool TryWrapIpv4(
        Span<byte> inner,
        Ipv6Address outerSource,
        Ipv6Address outerDestination,
        Span<byte> output,
        out int written,
        out PacketError error)
    {
        written = 0;
        if (!Ipv4Packet.TryRead(inner, out Ipv4Packet innerPacket, out error))
        {
            return false;
        }

        return TryWrap(innerPacket.Buffer, IpProtocol.IpInIp, innerPacket.TypeOfService, outerSource, outerDestination, output, out written, out error);
    }

    /// <summary>
    /// Validates a tunnelled packet (outer structure, extension headers leading to next header 41
    /// or 4, not a fragment) and gives the inner packet, validated with
    /// <see cref="Ipv6Packet.TryRead"/> or <see cref="Ipv4Packet.TryRead"/>.
    /// </summary>
    /// <param name="outer">The outer IPv6 packet.</param>
    /// <param name="inner">The inner packet, trimmed, when the result is true (a view into <paramref name="outer"/>).</param>
    /// <param name="innerProtocol">41 (IPv6) or 4 (IPv4) when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: an error of the outer or inner packet, of the walk,
    /// <see cref="PacketError.Fragment"/>, or <see cref="PacketError.WrongMessageType"/> when the
    /// outer packet carries something else.
    /// </param>
    /// <returns>True when the inner packet is usable.</returns>
    public static bool TryUnwrap(Span<byte> outer, out Span<byte> inner, out byte innerProtocol, out PacketError error)
    {
        inner = default;
        innerProtocol = 0;
        if (!Ipv6Packet.TryRead(outer, out Ipv6Packet outerPacket, out error)
            || !Ipv6ExtensionHeaders.TryWalk(outerPacket, out Ipv6ExtensionHeaders headers, out error))
        {
            return false;
        }

        if (headers.IsFragment)
        {
            error = PacketError.Fragment;
            return false;
        }

        Span<byte> payload = outerPacket.Buffer[headers.UpperLayerOffset..];
        switch (headers.UpperLayerProtocol)
        {
            case IpProtocol.Ipv6:
                if (!Ipv6Packet.TryRead(payload, out Ipv6Packet v6, out error))
                {
                    return false;
                }

                inner = v6.Buffer;
                break;
            case IpProtocol.IpInIp:
                if (!Ipv4Packet.TryRead(payload, out Ipv4Packet v4, out error))
                {
                    return false;
                }

                inner = v4.Buffer;
                break;
            default:
                error = PacketError.WrongMessageType;
                return false;
        }

        innerProtocol = headers.UpperLayerProtocol;
        return true;
    }

    private static bool TryWrap(
        Span<byte> inner,
        byte nextHeader,
        byte trafficClass,
        Ipv6Address outerSource,
        Ipv6Address outerDestination,
        Span<byte> output,
        out int written,
        out PacketError error)
    {
        written = 0;
        int innerLength = inner.Length;
        if (innerLength > ushort.MaxValue)
        {
            error = PacketError.TooLarge;
            return false;
        }

        int total = Overhead + innerLength;
        if (output.Length < total)
        {
            error = PacketError.OutputTooSmall;
            return false;
        }

        // Span.CopyTo is a memmove: correct even when inner and output overlap.
        inner.CopyTo(output[Overhead..]);
        Ipv6Packet.WriteHeader(output, trafficClass, (ushort)innerLength, nextHeader, OuterHopLimit, outerSource, outerDestination);
        written = total;
        error = PacketError.None;
        return true;
    }
}
