using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// The NAT rewrites of an IPv4 packet whose header checksum was verified: one address and one
/// port change, TTL decrements, and the IPv4 and TCP/UDP checksums follow incrementally
/// (RFC 1624), so a wrong transport checksum stays wrong and a UDP checksum of 0 (none) stays 0.
/// </summary>
internal static class NatRewriter
{
    /// <summary>Inbound: destination VIP:VPORT becomes RIP:RPORT.</summary>
    public static void RewriteDestination(Ipv4Packet ip, Ipv4Address address, ushort port)
    {
        Ipv4Address old = ip.Destination;
        ushort oldPort = ReadPort(ip, destination: true);
        DecrementTtlAndChangeAddress(ip, old, address);
        ip.Destination = address;
        UpdateTransport(ip, old, address, oldPort, port, destination: true);
    }

    /// <summary>Outbound: source RIP:RPORT becomes VIP:VPORT.</summary>
    public static void RewriteSource(Ipv4Packet ip, Ipv4Address address, ushort port)
    {
        Ipv4Address old = ip.Source;
        ushort oldPort = ReadPort(ip, destination: false);
        DecrementTtlAndChangeAddress(ip, old, address);
        ip.Source = address;
        UpdateTransport(ip, old, address, oldPort, port, destination: false);
    }

    private static ushort ReadPort(Ipv4Packet ip, bool destination)
    {
        // TCP and UDP both keep the source port at offset 0 and the destination port at 2.
        Span<byte> transport = ip.Payload;
        int offset = destination ? 2 : 0;
        return (ushort)((transport[offset] << 8) | transport[offset + 1]);
    }

    private static void DecrementTtlAndChangeAddress(Ipv4Packet ip, Ipv4Address oldAddress, Ipv4Address newAddress)
    {
        // TTL shares a 16-bit word with the protocol number.
        ushort oldWord = (ushort)((ip.TimeToLive << 8) | ip.Protocol);
        ip.TimeToLive--;
        ushort newWord = (ushort)((ip.TimeToLive << 8) | ip.Protocol);
        ushort checksum = Checksum.Update16(ip.HeaderChecksum, oldWord, newWord);
        ip.HeaderChecksum = Checksum.Update32(checksum, oldAddress.Value, newAddress.Value);
    }

    private static void UpdateTransport(Ipv4Packet ip, Ipv4Address oldAddress, Ipv4Address newAddress, ushort oldPort, ushort newPort, bool destination)
    {
        Span<byte> transport = ip.Payload;
        if (ip.Protocol == IpProtocol.Tcp)
        {
            var tcp = new TcpSegment(transport);
            ushort checksum = Checksum.Update32(tcp.Checksum, oldAddress.Value, newAddress.Value);
            tcp.Checksum = Checksum.Update16(checksum, oldPort, newPort);
            SetPort(tcp.Buffer, newPort, destination);
        }
        else
        {
            var udp = new UdpDatagram(transport);
            if (udp.Checksum != 0)
            {
                ushort checksum = Checksum.Update32(udp.Checksum, oldAddress.Value, newAddress.Value);
                checksum = Checksum.Update16(checksum, oldPort, newPort);
                udp.Checksum = checksum == 0 ? (ushort)0xFFFF : checksum;
            }

            SetPort(udp.Buffer, newPort, destination);
        }
    }

    private static void SetPort(Span<byte> transport, ushort port, bool destination)
    {
        int offset = destination ? 2 : 0;
        transport[offset] = (byte)(port >> 8);
        transport[offset + 1] = (byte)port;
    }
}
