namespace LvsLab.Packets;

/// <summary>
/// IPv4-in-IPv4 encapsulation (RFC 2003), as IPVS's tunnelling method uses: a new outer header
/// with protocol 4 in front of the unchanged inner packet.
/// </summary>
public static class IpInIp
{
    /// <summary>TTL of the outer header.</summary>
    public const byte OuterTimeToLive = 64;

    /// <summary>Bytes the encapsulation adds (an outer header without options).</summary>
    public const int Overhead = Ipv4Packet.MinHeaderLength;

    /// <summary>
    /// Writes an outer IPv4 header (version 4, IHL 5, type of service and DF copied from the
    /// inner packet, TTL 64, protocol 4, the given addresses and identification, checksum
    /// computed) followed by the inner packet into <paramref name="output"/>. The inner packet
    /// may overlap <paramref name="output"/> (it is moved, not read after being overwritten),
    /// so a packet can be wrapped in place by passing the same buffer.
    /// </summary>
    /// <param name="inner">The inner IPv4 packet; validated, and trimmed to its total length.</param>
    /// <param name="outerSource">Outer source address (the director).</param>
    /// <param name="outerDestination">Outer destination address (the real server).</param>
    /// <param name="output">Where to write; needs <see cref="Overhead"/> + the inner total length bytes.</param>
    /// <param name="written">Bytes written when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <param name="identification">The outer identification field.</param>
    /// <returns>True when the packet was written.</returns>
    public static bool TryWrap(
        Span<byte> inner,
        Ipv4Address outerSource,
        Ipv4Address outerDestination,
        Span<byte> output,
        out int written,
        out PacketError error,
        ushort identification = 0)
    {
        written = 0;
        if (!Ipv4Packet.TryRead(inner, out Ipv4Packet innerPacket, out error))
        {
            return false;
        }

        int innerLength = innerPacket.TotalLength;
        int total = Overhead + innerLength;
        if (total > ushort.MaxValue)
        {
            error = PacketError.TooLarge;
            return false;
        }

        if (output.Length < total)
        {
            error = PacketError.OutputTooSmall;
            return false;
        }

        byte typeOfService = innerPacket.TypeOfService;
        bool dontFragment = innerPacket.DontFragment;

        // Span.CopyTo is a memmove: correct even when inner and output overlap.
        inner[..innerLength].CopyTo(output[Overhead..]);

        Span<byte> header = output[..Overhead];
        header.Clear();
        var outer = new Ipv4Packet(output[..total])
        {
            Version = 4,
            Ihl = 5,
            TypeOfService = typeOfService,
            TotalLength = (ushort)total,
            Identification = identification,
            DontFragment = dontFragment,
            TimeToLive = OuterTimeToLive,
            Protocol = IpProtocol.IpInIp,
            Source = outerSource,
            Destination = outerDestination,
        };
        outer.UpdateHeaderChecksum();
        written = total;
        error = PacketError.None;
        return true;
    }

    /// <summary>
    /// Validates an IP-in-IP packet (outer structure, outer header checksum, protocol 4, not a
    /// fragment, inner structure) and gives the inner packet.
    /// </summary>
    /// <param name="outer">The outer IPv4 packet.</param>
    /// <param name="inner">The inner packet when the result is true (a view into <paramref name="outer"/>).</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the inner packet is usable.</returns>
    public static bool TryUnwrap(Span<byte> outer, out Ipv4Packet inner, out PacketError error)
    {
        inner = default;
        if (!Ipv4Packet.TryRead(outer, out Ipv4Packet outerPacket, out error))
        {
            return false;
        }

        if (!outerPacket.IsHeaderChecksumValid)
        {
            error = PacketError.BadChecksum;
            return false;
        }

        if (outerPacket.Protocol != IpProtocol.IpInIp)
        {
            error = PacketError.NotIpInIp;
            return false;
        }

        if (outerPacket.IsFragment)
        {
            error = PacketError.Fragment;
            return false;
        }

        return Ipv4Packet.TryRead(outerPacket.Payload, out inner, out error);
    }
}
