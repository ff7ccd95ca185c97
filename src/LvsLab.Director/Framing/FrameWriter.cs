using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsLab.Packets;

namespace LvsLab.Director.Framing;

/// <summary>
/// The frames the engine writes into the caller's output buffer: a received frame copied and
/// re-addressed to its next hop, an Ethernet header in front of a generated packet, an ARP
/// frame. The input is only ever read; every rewrite happens in the output.
/// </summary>
internal static class FrameWriter
{
    /// <summary>Length of the ARP frames the engine writes (Ethernet header + ARP, no padding).</summary>
    public const int ArpFrameLength = EthernetFrame.HeaderLength + ArpPacket.Length;

    /// <summary>
    /// A writable view of a received frame for the span-based header views, which take
    /// <see cref="Span{T}"/>; the engine only reads through it.
    /// </summary>
    public static Span<byte> ReadOnlyView(ReadOnlySpan<byte> frame) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(frame), frame.Length);

    /// <summary>
    /// Copies the received frame into <paramref name="output"/> and addresses the copy from
    /// <paramref name="source"/> to <paramref name="nextHop"/>: the IP packet as received, to
    /// be rewritten in place (NAT) or not (DR). The output holds at least the frame (checked
    /// by the engine before any decision).
    /// </summary>
    /// <returns>The IP packet in the copy, at the validated input packet's offsets and length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ipv4Packet CopyTo(Span<byte> input, Ipv4Packet ip, Span<byte> output, MacAddress nextHop, MacAddress source)
    {
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..input.Length])
        {
            Destination = nextHop,
            Source = source,
        };
        return new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]);
    }

    /// <summary>
    /// Copies the received frame into <paramref name="output"/> and addresses the copy from
    /// <paramref name="source"/> to <paramref name="nextHop"/>, as the IPv4 overload does.
    /// </summary>
    /// <returns>The IPv6 packet in the copy, at the validated input packet's offsets and length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ipv6Packet CopyTo(Span<byte> input, Ipv6Packet ip, Span<byte> output, MacAddress nextHop, MacAddress source)
    {
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..input.Length])
        {
            Destination = nextHop,
            Source = source,
        };
        return new Ipv6Packet(ethernet.Payload[..ip.Buffer.Length]);
    }

    /// <summary>Writes the Ethernet header of an IPv4 packet the engine generated in the output after it.</summary>
    public static void WriteIpv4Header(Span<byte> output, MacAddress nextHop, MacAddress source) =>
        WriteHeader(output, nextHop, source, EtherType.Ipv4);

    /// <summary>Writes the Ethernet header of a packet of <paramref name="etherType"/> the engine generated in the output after it.</summary>
    public static void WriteHeader(Span<byte> output, MacAddress nextHop, MacAddress source, ushort etherType) =>
        _ = new EthernetFrame(output)
        {
            Destination = nextHop,
            Source = source,
            EtherType = etherType,
        };

    /// <summary>Writes an ARP frame sent from <paramref name="mac"/>.</summary>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    public static int WriteArp(
        Span<byte> output,
        MacAddress mac,
        ArpOperation operation,
        MacAddress ethernetDestination,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        var ethernet = new EthernetFrame(output[..ArpFrameLength])
        {
            Destination = ethernetDestination,
            Source = mac,
            EtherType = EtherType.Arp,
        };
        ArpPacket.Write(ethernet.Payload, operation, mac, senderIp, targetMac, targetIp);
        return ArpFrameLength;
    }
}
