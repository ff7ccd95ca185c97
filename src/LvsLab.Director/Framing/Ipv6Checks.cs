using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Framing;

/// <summary>
/// What the engine checks of an IPv6 packet before it touches it: the fixed header, the walk of
/// its extension headers to the transport header, fragments, the hop limit, and the TCP or UDP
/// header it would schedule by. Each failure is a <see cref="DropReason"/>.
/// </summary>
internal static class Ipv6Checks
{
    /// <summary>Validates the fixed header and walks the extension headers.</summary>
    public static DropReason Read(Span<byte> packet, out Ipv6Packet ip, out Ipv6ExtensionHeaders headers)
    {
        headers = default;
        if (!Ipv6Packet.TryRead(packet, out ip, out PacketError error))
        {
            return error == PacketError.BadVersion ? DropReason.BadIpVersion : DropReason.TruncatedIpv6;
        }

        return Ipv6ExtensionHeaders.TryWalk(ip, out headers, out _) ? DropReason.None : DropReason.BadIpv6ExtensionHeaders;
    }

    /// <summary>
    /// A packet the director would forward: not a fragment (as the IPv4 path, the director does
    /// not reassemble), and a hop limit that survives one more hop for NAT (direct routing and
    /// tunnelling leave it as it is, as IPVS does).
    /// </summary>
    public static DropReason CheckForwardable(Ipv6Packet ip, in Ipv6ExtensionHeaders headers)
    {
        if (headers.IsFragment)
        {
            return DropReason.Fragment;
        }

        return ip.HopLimit <= 1 ? DropReason.TtlExpired : DropReason.None;
    }

    /// <summary>The TCP or UDP header after the extension headers; <paramref name="supported"/> false for another protocol.</summary>
    public static DropReason ReadTransport(Ipv6Packet ip, in Ipv6ExtensionHeaders headers, out bool supported, out Transport transport)
    {
        supported = true;
        transport = default;
        if (headers.UpperLayerOffset > ip.Buffer.Length)
        {
            return headers.UpperLayerProtocol == IpProtocol.Udp ? DropReason.TruncatedUdp : DropReason.TruncatedTcp;
        }

        Span<byte> payload = ip.Buffer[headers.UpperLayerOffset..];
        PacketError error;
        if (headers.UpperLayerProtocol == IpProtocol.Tcp)
        {
            if (!TcpSegment.TryRead(payload, out TcpSegment tcp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedTcp : DropReason.BadTcpDataOffset;
            }

            transport = new Transport(ServiceProtocol.Tcp, tcp.SourcePort, tcp.DestinationPort, tcp.Flags);
            return DropReason.None;
        }

        if (headers.UpperLayerProtocol == IpProtocol.Udp)
        {
            if (!UdpDatagram.TryRead(payload, out UdpDatagram udp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedUdp : DropReason.BadUdpLength;
            }

            if (udp.Checksum == 0)
            {
                return DropReason.ZeroUdpChecksum;
            }

            transport = new Transport(ServiceProtocol.Udp, udp.SourcePort, udp.DestinationPort, TcpFlags.None);
            return DropReason.None;
        }

        supported = false;
        return DropReason.None;
    }
}
