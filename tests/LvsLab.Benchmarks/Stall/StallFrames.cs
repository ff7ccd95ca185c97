using System.Buffers.Binary;
using LvsLab.Packets;

namespace LvsLab.Benchmarks.Stall;

/// <summary>The frames the stall bench writes: 64-byte UDP datagrams to the VIP and ARP replies for the real servers.</summary>
internal static class StallFrames
{
    /// <summary>The length of a datagram frame (Ethernet without FCS).</summary>
    public const int UdpLength = 64;

    /// <summary>Writes a UDP datagram from <paramref name="client"/> to the VIP, as the router would send it to the director.</summary>
    public static void WriteUdp(Span<byte> frame, Ipv4Address client, ushort clientPort, uint sequence)
    {
        frame[..UdpLength].Clear();
        StallNetwork.DirectorMac.CopyTo(frame);
        StallNetwork.LanMac.CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
        var ip = frame[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], UdpLength - 14);
        ip[8] = 64;
        ip[9] = 17;
        client.WriteTo(ip[12..]);
        StallPlan.Vip.WriteTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..20]));
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, clientPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], StallPlan.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], UdpLength - 34);
        BinaryPrimitives.WriteUInt32BigEndian(udp[8..], sequence);

        // UDP checksum 0: none (allowed over IPv4).
    }

    /// <summary>
    /// If <paramref name="frame"/> is an ARP request for a real server, writes the reply into
    /// <paramref name="reply"/> and returns its length; otherwise 0.
    /// </summary>
    public static int AnswerArp(ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        if (frame.Length < 42 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0806 || BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) != 1)
        {
            return 0;
        }

        var target = Ipv4Address.ReadFrom(frame[38..]);
        if (Array.IndexOf(StallPlan.RealServers, target) < 0)
        {
            return 0;
        }

        reply[..42].Clear();
        frame.Slice(6, 6).CopyTo(reply);
        StallPlan.RealServerMac(target).WriteTo(reply[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(reply[12..], 0x0806);
        BinaryPrimitives.WriteUInt16BigEndian(reply[14..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(reply[16..], 0x0800);
        reply[18] = 6;
        reply[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(reply[20..], 2);
        StallPlan.RealServerMac(target).WriteTo(reply[22..]);
        target.WriteTo(reply[28..]);
        frame.Slice(22, 10).CopyTo(reply[32..]);
        return 42;
    }

    /// <summary>The sequence number <see cref="WriteUdp"/> wrote into a datagram (of a frame <see cref="IsForwarded"/> took).</summary>
    public static uint Sequence(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32BigEndian(frame[(14 + 20 + 8)..]);

    /// <summary>Whether <paramref name="frame"/> is a datagram the director forwarded to a real server; gives its source.</summary>
    public static bool IsForwarded(ReadOnlySpan<byte> frame, out Ipv4Address client)
    {
        client = default;
        if (frame.Length < 42 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800 || frame[0] != 0x02 || frame[1] != 0x00 || frame[2] != 0x5a || frame[4] != 0x01)
        {
            return false;
        }

        client = Ipv4Address.ReadFrom(frame[26..]);
        return true;
    }
}
