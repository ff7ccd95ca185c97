using System.Net;
using PacketDotNet.Utils;

namespace LvsLab.Packets.Tests.Ipv6;

/// <summary>
/// IPv6 packets built with PacketDotNet (the independent oracle) or byte by byte from RFC 8200,
/// and a checksum written out the slow way from RFC 8200 §8.1 and RFC 1071, sharing no code with
/// <see cref="Checksum"/>.
/// </summary>
internal static class Ipv6Reference
{
    public const string Client = "2001:db8:1::10";
    public const string Vip = "fd00:1::100";
    public const string RealServer = "fd00:2::11";

    public static byte[] Tcp(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload, byte trafficClass = 0, int flowLabel = 0)
    {
        var tcp = new PacketDotNet.TcpPacket(sourcePort, destinationPort)
        {
            Synchronize = true,
            SequenceNumber = 0x01020304,
            WindowSize = 64800,
            PayloadData = payload,
        };
        var ip = new PacketDotNet.IPv6Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            HopLimit = 64,
            TrafficClass = trafficClass,
            FlowLabel = flowLabel,
            PayloadPacket = tcp,
        };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        return ip.Bytes;
    }

    public static byte[] Udp(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var udp = new PacketDotNet.UdpPacket(sourcePort, destinationPort) { PayloadData = payload };
        var ip = new PacketDotNet.IPv6Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
        {
            HopLimit = 64,
            PayloadPacket = udp,
        };
        ip.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        return ip.Bytes;
    }

    /// <summary>An echo request written by hand (type 128, code 0, identifier, sequence, data), its checksum by <c>SlowChecksum</c>.</summary>
    public static byte[] EchoRequest(string source, string destination, ushort identifier, ushort sequence, byte[] data, byte hopLimit = 64)
    {
        byte[] icmp = new byte[8 + data.Length];
        icmp[0] = 128;
        icmp[4] = (byte)(identifier >> 8);
        icmp[5] = (byte)identifier;
        icmp[6] = (byte)(sequence >> 8);
        icmp[7] = (byte)sequence;
        data.CopyTo(icmp, 8);
        return Build(source, destination, 58, icmp, hopLimit, checksumOffset: 2);
    }

    /// <summary>
    /// A packet from its parts, by hand: version 6, the traffic class and flow label given, the
    /// payload length of everything after the fixed header, the next header given. When
    /// <paramref name="checksumOffset"/> is not negative, the checksum at that offset of the last
    /// part is computed with <c>SlowChecksum</c> over the last part as the upper layer.
    /// </summary>
    public static byte[] Build(string source, string destination, byte nextHeader, byte[] upperLayer, byte hopLimit = 64, int checksumOffset = -1, byte upperProtocol = 58, params byte[][] extensionHeaders)
    {
        int extensionLength = extensionHeaders.Sum(h => h.Length);
        byte[] packet = new byte[40 + extensionLength + upperLayer.Length];
        packet[0] = 0x60;
        int payload = packet.Length - 40;
        packet[4] = (byte)(payload >> 8);
        packet[5] = (byte)payload;
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(packet, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        int at = 40;
        foreach (byte[] header in extensionHeaders)
        {
            header.CopyTo(packet, at);
            at += header.Length;
        }

        upperLayer.CopyTo(packet, at);
        if (checksumOffset >= 0)
        {
            packet[at + checksumOffset] = 0;
            packet[at + checksumOffset + 1] = 0;
            ushort sum = SlowChecksum(packet.AsSpan(8, 16).ToArray(), packet.AsSpan(24, 16).ToArray(), upperProtocol, packet[at..]);
            packet[at + checksumOffset] = (byte)(sum >> 8);
            packet[at + checksumOffset + 1] = (byte)sum;
        }

        return packet;
    }

    /// <summary>An extension header of <paramref name="length"/> bytes (a multiple of 8) whose first byte is <paramref name="next"/>.</summary>
    public static byte[] Extension(byte next, int length = 8)
    {
        byte[] header = new byte[length];
        header[0] = next;
        header[1] = (byte)((length / 8) - 1);

        // A PadN option filling the rest (RFC 8200 §4.2), valid for hop-by-hop and destination options.
        header[2] = 1;
        header[3] = (byte)(length - 4);
        return header;
    }

    /// <summary>A fragment header: offset in 8-byte units, M flag, identification.</summary>
    public static byte[] Fragment(byte next, int offset, bool more, uint identification) =>
    [
        next, 0, (byte)(offset >> 5), (byte)(((offset << 3) & 0xF8) | (more ? 1 : 0)),
        (byte)(identification >> 24), (byte)(identification >> 16), (byte)(identification >> 8), (byte)identification,
    ];

    /// <summary>
    /// The upper-layer checksum the slow way: the 40-byte pseudo-header of RFC 8200 §8.1 laid out
    /// in bytes, the data after it, then a 16-bit one's complement sum with the carry folded at
    /// every step.
    /// </summary>
    public static ushort SlowChecksum(byte[] source, byte[] destination, byte nextHeader, ReadOnlySpan<byte> upperLayer)
    {
        var bytes = new List<byte>();
        bytes.AddRange(source);
        bytes.AddRange(destination);
        int length = upperLayer.Length;
        bytes.AddRange([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, nextHeader]);
        bytes.AddRange(upperLayer.ToArray());
        if (bytes.Count % 2 == 1)
        {
            bytes.Add(0);
        }

        uint sum = 0;
        for (int i = 0; i < bytes.Count; i += 2)
        {
            sum += (uint)((bytes[i] << 8) | bytes[i + 1]);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    public static ushort SlowChecksum(string source, string destination, byte nextHeader, ReadOnlySpan<byte> upperLayer) =>
        SlowChecksum(IPAddress.Parse(source).GetAddressBytes(), IPAddress.Parse(destination).GetAddressBytes(), nextHeader, upperLayer);

    public static PacketDotNet.IPv6Packet Decode(byte[] packet) => new(new ByteArraySegment(packet));
}
