using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Framing;

/// <summary>The checks every IPv4 packet the engine forwards goes through, in either direction.</summary>
internal static class PacketChecks
{
    /// <summary>Why the packet may not be forwarded (a bad checksum, a fragment, a TTL that ends here), or None.</summary>
    public static DropReason CheckForwardable(Ipv4Packet ip, DirectorFaults faults)
    {
        if (!ip.IsHeaderChecksumValid && (faults & DirectorFaults.ForwardBadChecksum) == 0)
        {
            return DropReason.BadIpChecksum;
        }

        if (ip.IsFragment)
        {
            return DropReason.Fragment;
        }

        return ip.TimeToLive <= 1 ? DropReason.TtlExpired : DropReason.None;
    }

    /// <summary>
    /// Reads the TCP or UDP header; <paramref name="supported"/> is false for another protocol.
    /// Returns why a TCP or UDP header is malformed, or None.
    /// </summary>
    public static DropReason ReadTransport(Ipv4Packet ip, out bool supported, out Transport transport)
    {
        supported = true;
        transport = default;
        PacketError error;
        if (ip.Protocol == IpProtocol.Tcp)
        {
            if (!TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedTcp : DropReason.BadTcpDataOffset;
            }

            transport = new Transport(ServiceProtocol.Tcp, tcp.SourcePort, tcp.DestinationPort, tcp.Flags);
            return DropReason.None;
        }

        if (ip.Protocol == IpProtocol.Udp)
        {
            if (!UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedUdp : DropReason.BadUdpLength;
            }

            transport = new Transport(ServiceProtocol.Udp, udp.SourcePort, udp.DestinationPort, TcpFlags.None);
            return DropReason.None;
        }

        supported = false;
        return DropReason.None;
    }
}
