namespace LvsLab.Packets;

/// <summary>
/// ICMP error messages about an IPv4 packet, written as a whole IPv4 packet (header and ICMP
/// message) the way a router sends them: the ICMP data quotes the original packet's IP header
/// (options included) and the first 8 bytes of its payload (RFC 792).
/// </summary>
public static class IcmpError
{
    /// <summary>Bytes of the original payload quoted after its IP header (RFC 792).</summary>
    public const int QuotedPayloadLength = 8;

    /// <summary>TTL of the IPv4 header of an error message.</summary>
    public const byte TimeToLive = 64;

    /// <summary>
    /// The largest IPv4 packet <see cref="TryWriteFragmentationNeeded"/> writes: an IPv4 header
    /// without options, the ICMP header, an original header of 60 bytes and 8 bytes of its payload.
    /// </summary>
    public const int MaxLength = Ipv4Packet.MinHeaderLength + IcmpMessage.HeaderLength + 60 + QuotedPayloadLength;

    // Linux sends ICMP errors with the precedence "internetwork control" and the original's
    // TOS bits (net/ipv4/icmp.c: RT_TOS(iph->tos) | IPTOS_PREC_INTERNETCONTROL).
    private const byte PrecedenceInternetControl = 0xC0;
    private const byte TosMask = 0x1E;

    /// <summary>The length of the IPv4 packet <see cref="TryWriteFragmentationNeeded"/> writes about <paramref name="original"/>.</summary>
    /// <param name="original">A valid IPv4 packet (see <see cref="Ipv4Packet.TryRead"/>).</param>
    /// <returns>20 + 8 + the original's header length + up to 8 bytes of its payload.</returns>
    public static int LengthFor(Ipv4Packet original) =>
        Ipv4Packet.MinHeaderLength + IcmpMessage.HeaderLength + QuotedLength(original);

    /// <summary>
    /// Writes an ICMP "destination unreachable, fragmentation needed and DF set" (type 3, code
    /// 4) about <paramref name="original"/> into <paramref name="output"/>: an IPv4 header
    /// (version 4, IHL 5, TOS 0xC0 plus the original's TOS bits, DF clear, TTL 64, protocol 1,
    /// from <paramref name="source"/> to the original's source, checksum computed) followed by
    /// the ICMP message with <paramref name="nextHopMtu"/> (RFC 1191), the original's IP header
    /// and first 8 payload bytes, checksum computed. <paramref name="original"/> and
    /// <paramref name="output"/> must not overlap.
    /// </summary>
    /// <param name="original">The packet that was too big; validated, and trimmed to its total length.</param>
    /// <param name="source">The sender of the error (the router that could not forward).</param>
    /// <param name="nextHopMtu">The MTU of the link the packet could not be sent on.</param>
    /// <param name="output">Where to write; needs <see cref="LengthFor"/> bytes (at most <see cref="MaxLength"/>).</param>
    /// <param name="written">Bytes written when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <param name="identification">The IPv4 identification field.</param>
    /// <returns>True when the message was written.</returns>
    public static bool TryWriteFragmentationNeeded(
        Span<byte> original,
        Ipv4Address source,
        ushort nextHopMtu,
        Span<byte> output,
        out int written,
        out PacketError error,
        ushort identification = 0)
    {
        written = 0;
        if (!Ipv4Packet.TryRead(original, out Ipv4Packet originalPacket, out error))
        {
            return false;
        }

        int quoted = QuotedLength(originalPacket);
        int total = Ipv4Packet.MinHeaderLength + IcmpMessage.HeaderLength + quoted;
        if (output.Length < total)
        {
            error = PacketError.OutputTooSmall;
            return false;
        }

        Span<byte> packet = output[..total];
        packet[..(Ipv4Packet.MinHeaderLength + IcmpMessage.HeaderLength)].Clear();
        originalPacket.Buffer[..quoted].CopyTo(packet[(Ipv4Packet.MinHeaderLength + IcmpMessage.HeaderLength)..]);

        var icmp = new IcmpMessage(packet[Ipv4Packet.MinHeaderLength..])
        {
            Type = IcmpMessage.TypeDestinationUnreachable,
            Code = IcmpMessage.CodeFragmentationNeeded,
            NextHopMtu = nextHopMtu,
        };
        icmp.UpdateChecksum();

        var ip = new Ipv4Packet(packet)
        {
            Version = 4,
            Ihl = 5,
            TypeOfService = (byte)(PrecedenceInternetControl | (originalPacket.TypeOfService & TosMask)),
            TotalLength = (ushort)total,
            Identification = identification,
            TimeToLive = TimeToLive,
            Protocol = IpProtocol.Icmp,
            Source = source,
            Destination = originalPacket.Source,
        };
        ip.UpdateHeaderChecksum();
        written = total;
        error = PacketError.None;
        return true;
    }

    private static int QuotedLength(Ipv4Packet original) =>
        original.HeaderLength + Math.Min(QuotedPayloadLength, original.TotalLength - original.HeaderLength);
}
