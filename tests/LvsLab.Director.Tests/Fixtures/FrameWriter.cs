using System.Buffers.Binary;
using LvsLab.Packets;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// Frames written by hand straight into a caller's buffer, without allocating: the fuzz writes
/// millions of them, where building each with PacketDotNet would take most of the time. Byte for
/// byte what <see cref="Frames"/> and <see cref="IcmpFrames"/> build (checked by a test): IPv4
/// without options, identification 0x04d2, DF set unless told; TCP sequence 1000, acknowledgment
/// 2000 with ACK, window 64240.
/// </summary>
internal static class FrameWriter
{
    public const int EthernetLength = 14;
    public const int Ipv4Length = 20;
    public const int TcpLength = 20;
    public const int UdpLength = 8;
    public const int IcmpHeaderLength = 8;
    public const ushort Identification = 0x04d2;

    public static int Tcp(
        Span<byte> frame,
        MacAddress sourceMac,
        MacAddress destinationMac,
        Ipv4Address source,
        ushort sourcePort,
        Ipv4Address destination,
        ushort destinationPort,
        TcpFlags flags,
        int payloadLength = 0,
        byte ttl = 64,
        bool dontFragment = true)
    {
        int ipLength = Ipv4Length + TcpLength + payloadLength;
        Span<byte> ip = WriteIpv4(frame, sourceMac, destinationMac, source, destination, IpProtocol.Tcp, ipLength, ttl, dontFragment, Identification);
        Span<byte> tcp = ip.Slice(Ipv4Length, TcpLength + payloadLength);
        tcp[..TcpLength].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 1000);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (flags & TcpFlags.Ack) != 0 ? 2000u : 0);
        tcp[12] = 0x50;
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64240);
        FillPayload(tcp[TcpLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, tcp));
        return EthernetLength + ipLength;
    }

    /// <summary>A UDP datagram; with <paramref name="checksum"/> false its checksum is 0 (none).</summary>
    public static int Udp(
        Span<byte> frame,
        MacAddress sourceMac,
        MacAddress destinationMac,
        Ipv4Address source,
        ushort sourcePort,
        Ipv4Address destination,
        ushort destinationPort,
        int payloadLength = 4,
        byte ttl = 64,
        bool checksum = true,
        bool dontFragment = true)
    {
        int ipLength = Ipv4Length + UdpLength + payloadLength;
        Span<byte> ip = WriteIpv4(frame, sourceMac, destinationMac, source, destination, IpProtocol.Udp, ipLength, ttl, dontFragment, Identification);
        Span<byte> udp = ip.Slice(Ipv4Length, UdpLength + payloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        FillPayload(udp[UdpLength..]);
        if (checksum)
        {
            ushort sum = Checksum.ComputeTransport(source, destination, IpProtocol.Udp, udp);
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], sum == 0 ? (ushort)0xFFFF : sum);
        }

        return EthernetLength + ipLength;
    }

    /// <summary>
    /// An ICMP message quoting the first <paramref name="quoteLength"/> bytes of the IPv4
    /// packet <paramref name="quotedPacket"/> (capped at its total length), as <see cref="IcmpFrames.Error"/>
    /// builds it: TTL as given, identification 0, DF clear.
    /// </summary>
    public static int IcmpError(
        Span<byte> frame,
        MacAddress sourceMac,
        MacAddress destinationMac,
        Ipv4Address from,
        Ipv4Address to,
        byte type,
        byte code,
        ReadOnlySpan<byte> quotedPacket,
        int quoteLength = int.MaxValue,
        byte ttl = 64,
        ushort restOfHeader = 0)
    {
        int quotedTotal = BinaryPrimitives.ReadUInt16BigEndian(quotedPacket[2..]);
        int quoted = Math.Min(Math.Min(quoteLength, quotedTotal), quotedPacket.Length);
        int ipLength = Ipv4Length + IcmpHeaderLength + quoted;
        Span<byte> ip = WriteIpv4(frame, sourceMac, destinationMac, from, to, IpProtocol.Icmp, ipLength, ttl, dontFragment: false, identification: 0);
        Span<byte> icmp = ip.Slice(Ipv4Length, IcmpHeaderLength + quoted);
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], restOfHeader);
        quotedPacket[..quoted].CopyTo(icmp[IcmpHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
        return EthernetLength + ipLength;
    }

    /// <summary>An ICMP echo request (type 8) or reply (type 0) with identifier 1, sequence 1 and <paramref name="payloadLength"/> bytes.</summary>
    public static int IcmpEcho(Span<byte> frame, MacAddress sourceMac, MacAddress destinationMac, Ipv4Address source, Ipv4Address destination, byte type = 8, int payloadLength = 0)
    {
        int ipLength = Ipv4Length + IcmpHeaderLength + payloadLength;
        Span<byte> ip = WriteIpv4(frame, sourceMac, destinationMac, source, destination, IpProtocol.Icmp, ipLength, 64, dontFragment: false, identification: 0);
        Span<byte> icmp = ip.Slice(Ipv4Length, IcmpHeaderLength + payloadLength);
        icmp[0] = type;
        icmp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], 1);
        FillPayload(icmp[IcmpHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
        return EthernetLength + ipLength;
    }

    /// <summary>An ARP request or reply for Ethernet and IPv4, without padding (42 bytes).</summary>
    public static int Arp(
        Span<byte> frame,
        MacAddress destinationMac,
        ArpOperation operation,
        MacAddress senderMac,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        WriteEthernet(frame, senderMac, destinationMac, EtherType.Arp);
        Span<byte> arp = frame.Slice(EthernetLength, 28);
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], EtherType.Ipv4);
        arp[4] = MacAddress.Length;
        arp[5] = Ipv4Address.Length;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], (ushort)operation);
        senderMac.WriteTo(arp[8..]);
        senderIp.WriteTo(arp[14..]);
        targetMac.WriteTo(arp[18..]);
        targetIp.WriteTo(arp[24..]);
        return EthernetLength + 28;
    }

    public static void WriteEthernet(Span<byte> frame, MacAddress sourceMac, MacAddress destinationMac, ushort etherType)
    {
        destinationMac.WriteTo(frame);
        sourceMac.WriteTo(frame[MacAddress.Length..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
    }

    /// <summary>The Ethernet and IPv4 headers (checksum included); returns the IPv4 packet's span, <paramref name="ipLength"/> bytes.</summary>
    public static Span<byte> WriteIpv4(
        Span<byte> frame,
        MacAddress sourceMac,
        MacAddress destinationMac,
        Ipv4Address source,
        Ipv4Address destination,
        byte protocol,
        int ipLength,
        byte ttl,
        bool dontFragment,
        ushort identification)
    {
        WriteEthernet(frame, sourceMac, destinationMac, EtherType.Ipv4);
        Span<byte> ip = frame.Slice(EthernetLength, ipLength);
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], dontFragment ? (ushort)0x4000 : (ushort)0);
        ip[8] = ttl;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        source.WriteTo(ip[12..]);
        destination.WriteTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..Ipv4Length]));
        return ip;
    }

    // A payload that is not all zeroes, so that checksums and copies are exercised.
    private static void FillPayload(Span<byte> payload)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)((i * 31) + 7);
        }
    }
}
