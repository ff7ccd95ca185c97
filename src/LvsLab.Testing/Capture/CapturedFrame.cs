using System.Net;
using PacketDotNet;

namespace LvsLab.Testing.Capture;

/// <summary>
/// One frame a tap saw, with PacketDotNet's decoding for assertions. Tests read fields from
/// here; nothing in the forwarder's code is used to decode (the evidence is independent).
/// </summary>
public sealed class CapturedFrame
{
    private Packet? packet;

    /// <summary>Creates a captured frame.</summary>
    /// <param name="time">When the tap saw it.</param>
    /// <param name="data">The whole Ethernet frame.</param>
    public CapturedFrame(DateTime time, byte[] data)
    {
        Time = time;
        Data = data;
    }

    /// <summary>When the tap saw it (UTC).</summary>
    public DateTime Time { get; }

    /// <summary>The whole Ethernet frame.</summary>
    public byte[] Data { get; }

    /// <summary>The decoded Ethernet frame.</summary>
    public EthernetPacket Ethernet => (EthernetPacket)(packet ??= Packet.ParsePacket(LinkLayers.Ethernet, Data));

    /// <summary>The source MAC, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string SourceMac => Mac(Data.AsSpan(6, 6));

    /// <summary>The destination MAC, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string DestinationMac => Mac(Data.AsSpan(0, 6));

    /// <summary>The IPv4 packet, if any.</summary>
    public IPv4Packet? Ip => Ethernet.Extract<IPv4Packet>();

    /// <summary>The IPv4 or IPv6 packet, if any (for checks that hold for both families).</summary>
    public IPPacket? AnyIp => Ethernet.Extract<IPPacket>();

    /// <summary>The TCP segment, if any.</summary>
    public TcpPacket? Tcp => Ethernet.Extract<TcpPacket>();

    /// <summary>The ARP packet, if any.</summary>
    public ArpPacket? Arp => Ethernet.Extract<ArpPacket>();

    /// <summary>Whether this is an IPv4 or IPv6 packet from <paramref name="source"/> (any when null) to <paramref name="destination"/> (any when null).</summary>
    /// <param name="source">The source address, or null.</param>
    /// <param name="destination">The destination address, or null.</param>
    /// <returns>True on a match.</returns>
    public bool IsIp(IPAddress? source, IPAddress? destination) =>
        AnyIp is { } ip && (source is null || ip.SourceAddress.Equals(source)) && (destination is null || ip.DestinationAddress.Equals(destination));

    /// <summary>Whether this is an ARP reply saying <paramref name="address"/> is at some MAC.</summary>
    /// <param name="address">The address asked about.</param>
    /// <returns>True on a match.</returns>
    public bool IsArpReplyFor(IPAddress address) =>
        Arp is { } arp && arp.Operation == ArpOperation.Response && arp.SenderProtocolAddress.Equals(address);

    /// <summary>Whether this is an ARP request asking for <paramref name="address"/>.</summary>
    /// <param name="address">The address asked about.</param>
    /// <returns>True on a match.</returns>
    public bool IsArpRequestFor(IPAddress address) =>
        Arp is { } arp && arp.Operation == ArpOperation.Request && arp.TargetProtocolAddress.Equals(address);

    /// <summary>The IPv4 header's bytes (IHL × 4), or empty.</summary>
    public ReadOnlySpan<byte> IpHeaderBytes =>
        Ip is { } ip ? Data.AsSpan(14, ip.HeaderLength * 4) : [];

    /// <summary>The bytes after the Ethernet header.</summary>
    public ReadOnlySpan<byte> AfterEthernet => Data.AsSpan(14);

    /// <inheritdoc/>
    public override string ToString() => $"{Time:HH:mm:ss.ffffff} {SourceMac} > {DestinationMac} {Ethernet.PayloadPacket?.ToString() ?? Ethernet.Type.ToString()}";

    private static string Mac(ReadOnlySpan<byte> b) =>
        $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
}
