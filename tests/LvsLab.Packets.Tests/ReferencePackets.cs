using System.Net;

namespace LvsLab.Packets.Tests;

/// <summary>Packets built with PacketDotNet, an independent implementation used as the oracle.</summary>
internal static class ReferencePackets
{
    public static byte[] Tcp(
        string source,
        string destination,
        ushort sourcePort,
        ushort destinationPort,
        byte[] payload,
        bool syn = true,
        bool ack = false)
    {
        var tcp = new PacketDotNet.TcpPacket(sourcePort, destinationPort)
        {
            Synchronize = syn,
            Acknowledgment = ack,
            SequenceNumber = 0x01020304,
            AcknowledgmentNumber = ack ? 0x0A0B0C0Du : 0,
            WindowSize = 64240,
            PayloadData = payload,
        };
        var ip = new PacketDotNet.IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            TimeToLive = 64,
            Id = 0x1234,
            PayloadPacket = tcp,
        };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    public static byte[] Udp(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var udp = new PacketDotNet.UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
        var ip = new PacketDotNet.IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            TimeToLive = 64,
            PayloadPacket = udp,
        };
        ip.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }
}
