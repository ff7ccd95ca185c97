using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// LVS-NAT over IPv6, in the copy of a validated packet: the destination (client to real
/// server) or the source (real server to client) address and port rewritten, the hop limit
/// lowered by one (the director routes the packet; IPv6 has no header checksum), and the TCP or
/// UDP checksum updated incrementally over the pseudo-header's address and the port (RFC 1624;
/// <see cref="Checksum.Update128"/>). The transport header is at <c>transportOffset</c>, past any
/// extension headers.
/// </summary>
internal static class Ipv6NatRewriter
{
    public static void RewriteDestination(Ipv6Packet ip, int transportOffset, byte protocol, Ipv6Address address, ushort port)
    {
        Ipv6Address old = ip.Destination;
        ip.DecrementHopLimit();
        ip.Destination = address;
        UpdateTransport(ip.Buffer[transportOffset..], protocol, old, address, port, destination: true);
    }

    public static void RewriteSource(Ipv6Packet ip, int transportOffset, byte protocol, Ipv6Address address, ushort port)
    {
        Ipv6Address old = ip.Source;
        ip.DecrementHopLimit();
        ip.Source = address;
        UpdateTransport(ip.Buffer[transportOffset..], protocol, old, address, port, destination: false);
    }

    private static void UpdateTransport(Span<byte> transport, byte protocol, Ipv6Address oldAddress, Ipv6Address newAddress, ushort newPort, bool destination)
    {
        // TCP and UDP both keep the source port at offset 0 and the destination port at 2.
        int portOffset = destination ? 2 : 0;
        ushort oldPort = (ushort)((transport[portOffset] << 8) | transport[portOffset + 1]);
        transport[portOffset] = (byte)(newPort >> 8);
        transport[portOffset + 1] = (byte)newPort;
        if (protocol == IpProtocol.Tcp)
        {
            var tcp = new TcpSegment(transport);
            tcp.Checksum = Checksum.Update16(Checksum.Update128(tcp.Checksum, oldAddress, newAddress), oldPort, newPort);
        }
        else
        {
            // A zero UDP checksum never gets here (IPv6 forbids it; the checks drop it).
            var udp = new UdpDatagram(transport);
            ushort checksum = Checksum.Update16(Checksum.Update128(udp.Checksum, oldAddress, newAddress), oldPort, newPort);
            udp.Checksum = checksum == 0 ? (ushort)0xFFFF : checksum;
        }
    }
}
