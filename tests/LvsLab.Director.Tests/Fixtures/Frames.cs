using System.Net;
using System.Net.NetworkInformation;
using LvsLab.Packets;
using PacketDotNet;
using ArpOperation = LvsLab.Packets.ArpOperation;
using ArpPacket = PacketDotNet.ArpPacket;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>Test frames, built with PacketDotNet (an implementation independent of ours).</summary>
internal static class Frames
{
    public static byte[] Tcp(
        Ipv4Address source,
        ushort sourcePort,
        Ipv4Address destination,
        ushort destinationPort,
        TcpFlags flags,
        byte ttl = 64,
        MacAddress? sourceMac = null,
        MacAddress? destinationMac = null,
        byte[]? payload = null)
    {
        var tcp = new TcpPacket(sourcePort, destinationPort)
        {
            Synchronize = (flags & TcpFlags.Syn) != 0,
            Acknowledgment = (flags & TcpFlags.Ack) != 0,
            Finished = (flags & TcpFlags.Fin) != 0,
            Reset = (flags & TcpFlags.Rst) != 0,
            Push = (flags & TcpFlags.Psh) != 0,
            SequenceNumber = 1000,
            AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? 2000u : 0,
            WindowSize = 64240,
            PayloadData = payload ?? [],
        };
        return Ip(tcp, source, destination, ttl, sourceMac, destinationMac, t => ((TcpPacket)t).UpdateTcpChecksum());
    }

    public static byte[] Udp(
        Ipv4Address source,
        ushort sourcePort,
        Ipv4Address destination,
        ushort destinationPort,
        byte ttl = 64,
        MacAddress? sourceMac = null,
        MacAddress? destinationMac = null,
        byte[]? payload = null)
    {
        var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = payload ?? [1, 2, 3, 4] };
        return Ip(udp, source, destination, ttl, sourceMac, destinationMac, u => ((UdpPacket)u).UpdateUdpChecksum());
    }

    public static byte[] IcmpEcho(Ipv4Address source, Ipv4Address destination)
    {
        // Echo request, identifier 1, sequence 1; checksum 0xf7fd precomputed.
        var ip = new IPv4Packet(Address(source), Address(destination))
        {
            TimeToLive = 64,
            Protocol = PacketDotNet.ProtocolType.Icmp,
            PayloadData = [8, 0, 0xf7, 0xfd, 0, 1, 0, 1],
        };
        var ethernet = new EthernetPacket(Physical(DrLab.ClientMac), Physical(DrLab.DirectorMac), EthernetType.IPv4) { PayloadPacket = ip };
        ip.TotalLength = 28;
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }

    public static byte[] ArpRequest(
        MacAddress senderMac,
        Ipv4Address senderIp,
        Ipv4Address targetIp,
        MacAddress? destinationMac = null) =>
        Arp(ArpOperation.Request, senderMac, senderIp, MacAddress.Zero, targetIp, destinationMac ?? MacAddress.Broadcast);

    public static byte[] ArpReply(MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) =>
        Arp(ArpOperation.Reply, senderMac, senderIp, targetMac, targetIp, targetMac);

    public static byte[] Arp(
        ArpOperation operation,
        MacAddress senderMac,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp,
        MacAddress destinationMac)
    {
        var arp = new ArpPacket(
            operation == ArpOperation.Request ? PacketDotNet.ArpOperation.Request : PacketDotNet.ArpOperation.Response,
            Physical(targetMac),
            Address(targetIp),
            Physical(senderMac),
            Address(senderIp));
        var ethernet = new EthernetPacket(Physical(senderMac), Physical(destinationMac), EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }

    /// <summary>A copy of <paramref name="frame"/> with the IPv4 header changed and its checksum recomputed.</summary>
    public static byte[] WithIp(byte[] frame, Action<byte[]> change, bool fixChecksum = true)
    {
        byte[] copy = (byte[])frame.Clone();
        change(copy);
        if (fixChecksum)
        {
            var ip = new Ipv4Packet(copy.AsSpan(14));
            ip.UpdateHeaderChecksum();
        }

        return copy;
    }

    /// <summary>A copy of a UDP frame with the UDP checksum field set to <paramref name="checksum"/> (0: none).</summary>
    public static byte[] WithUdpChecksum(byte[] frame, ushort checksum)
    {
        byte[] copy = (byte[])frame.Clone();
        int offset = 14 + ((copy[14] & 0x0F) * 4) + 6;
        copy[offset] = (byte)(checksum >> 8);
        copy[offset + 1] = (byte)checksum;
        return copy;
    }

    /// <summary>The DR rewrite of <paramref name="frame"/>: destination MAC = real server, source MAC = director.</summary>
    public static byte[] DirectRouted(byte[] frame, MacAddress realServerMac)
    {
        byte[] copy = (byte[])frame.Clone();
        realServerMac.WriteTo(copy);
        DrLab.DirectorMac.WriteTo(copy.AsSpan(6));
        return copy;
    }

    public static PhysicalAddress Physical(MacAddress mac)
    {
        byte[] bytes = new byte[6];
        mac.WriteTo(bytes);
        return new PhysicalAddress(bytes);
    }

    public static IPAddress Address(Ipv4Address address)
    {
        byte[] bytes = new byte[4];
        address.WriteTo(bytes);
        return new IPAddress(bytes);
    }

    private static byte[] Ip(
        Packet transport,
        Ipv4Address source,
        Ipv4Address destination,
        byte ttl,
        MacAddress? sourceMac,
        MacAddress? destinationMac,
        Action<Packet> updateTransportChecksum)
    {
        var ip = new IPv4Packet(Address(source), Address(destination))
        {
            TimeToLive = ttl,
            Id = 0x4d2,
            PayloadPacket = transport,
        };
        ip.FragmentFlags = 0x2; // DF, as Linux sets on TCP
        var ethernet = new EthernetPacket(
            Physical(sourceMac ?? DrLab.ClientMac),
            Physical(destinationMac ?? DrLab.DirectorMac),
            EthernetType.IPv4)
        {
            PayloadPacket = ip,
        };
        ethernet.UpdateCalculatedValues();
        updateTransportChecksum(transport);
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }
}
