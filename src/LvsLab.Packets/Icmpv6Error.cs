namespace LvsLab.Packets;

/// <summary>
/// ICMPv6 error messages about an IPv6 packet, written as a whole IPv6 packet (fixed header and
/// ICMPv6 message): the message quotes as much of the original packet as fits without the error
/// packet exceeding the minimum IPv6 MTU of 1280 bytes (RFC 4443 §2.4(c)).
/// </summary>
public static class Icmpv6Error
{
    /// <summary>Hop limit of the IPv6 header of an error message (Linux's default).</summary>
    public const byte HopLimit = 64;

    /// <summary>The largest packet an error is (RFC 4443 §2.4(c)): the minimum IPv6 MTU.</summary>
    public const int MaxLength = Ipv6Packet.MinimumMtu;

    /// <summary>The most of the original an error quotes: 1280 − 40 − 8 = 1232 bytes.</summary>
    public const int MaxQuotedLength = MaxLength - Ipv6Packet.HeaderLength - Icmpv6Message.MinLength;

    /// <summary>The length of the packet <see cref="TryWritePacketTooBig"/> writes about <paramref name="original"/>.</summary>
    /// <param name="original">A valid IPv6 packet (see <see cref="Ipv6Packet.TryRead"/>).</param>
    /// <returns>48 + the original's length, at most <see cref="MaxLength"/>.</returns>
    public static int LengthFor(Ipv6Packet original) =>
        Ipv6Packet.HeaderLength + Icmpv6Message.MinLength + Math.Min(original.Buffer.Length, MaxQuotedLength);

    /// <summary>
    /// Writes an ICMPv6 "packet too big" (type 2, code 0, RFC 4443 §3.2) about
    /// <paramref name="original"/> into <paramref name="output"/>: an IPv6 header (traffic class
    /// 0, flow label 0, next header 58, hop limit 64, from <paramref name="source"/> to the
    /// original's source) followed by the message with <paramref name="mtu"/> and as much of the
    /// original as fits 1280 bytes, checksum computed over the pseudo-header.
    /// <paramref name="original"/> and <paramref name="output"/> must not overlap. Whether to
    /// send one at all (not to an unspecified or multicast source, rate limits) is the caller's.
    /// </summary>
    /// <param name="original">The packet that was too big; validated, and trimmed to its payload length.</param>
    /// <param name="source">The sender of the error (the node that could not forward).</param>
    /// <param name="mtu">The MTU of the link the packet could not be sent on.</param>
    /// <param name="output">Where to write; needs <see cref="LengthFor"/> bytes (at most <see cref="MaxLength"/>).</param>
    /// <param name="written">Bytes written when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the message was written.</returns>
    public static bool TryWritePacketTooBig(
        Span<byte> original,
        Ipv6Address source,
        uint mtu,
        Span<byte> output,
        out int written,
        out PacketError error)
    {
        written = 0;
        if (!Ipv6Packet.TryRead(original, out Ipv6Packet originalPacket, out error))
        {
            return false;
        }

        int total = LengthFor(originalPacket);
        if (output.Length < total)
        {
            error = PacketError.OutputTooSmall;
            return false;
        }

        int headers = Ipv6Packet.HeaderLength + Icmpv6Message.MinLength;
        Ipv6Address destination = originalPacket.Source;
        originalPacket.Buffer[..(total - headers)].CopyTo(output[headers..]);
        output[..headers].Clear();
        Ipv6Packet.WriteHeader(output, 0, (ushort)(total - Ipv6Packet.HeaderLength), IpProtocol.Icmpv6, HopLimit, source, destination);
        var icmp = new Icmpv6Message(output[Ipv6Packet.HeaderLength..total])
        {
            Type = Icmpv6Message.TypePacketTooBig,
            Code = 0,
            Mtu = mtu,
        };
        icmp.UpdateChecksum(source, destination);
        written = total;
        error = PacketError.None;
        return true;
    }
}
