using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Lab.Model;
using LvsLab.Testing.Capture;
using PacketDotNet;

namespace LvsLab.Testing.Tests;

/// <summary>
/// Synthetic captures of a lab: frames built with PacketDotNet from the topology's addresses,
/// made-up MACs (02:00 followed by the interface's IPv4 address), and which taps saw each one.
/// IPv4 or IPv6 by the addresses given; IPv6 tunnels, neighbour discovery and extension headers
/// are written byte by byte from RFC 8200, 2473 and 4861.
/// </summary>
internal sealed class LabWire(LabTopology topology)
{
    private static readonly DateTime Start = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly Dictionary<string, List<CapturedFrame>> captures = new(StringComparer.Ordinal);

    public LabTopology Topology { get; } = topology;

    public IReadOnlyDictionary<string, IReadOnlyList<CapturedFrame>> Captures =>
        captures.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<CapturedFrame>)kv.Value.OrderBy(f => f.Time).ToList());

    /// <summary>MAC → node for every interface, as the running lab would report it.</summary>
    public IReadOnlyDictionary<string, string> Macs =>
        Topology.Nodes.SelectMany(n => n.Interfaces.Select(i => (Mac: MacOf(i.Address), n.Name))).ToDictionary(x => x.Mac, x => x.Name);

    public static string MacOf(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return $"02:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}";
    }

    public IPAddress Ip(string node, string network) => Topology.Node(node).AddressOn(network);

    public IPAddress Ip6(string node, string network) =>
        Topology.Node(node).Address6On(network) ?? throw new InvalidOperationException($"{node} has no IPv6 address on {network}");

    public string Mac(string node, string network) => MacOf(Ip(node, network));

    /// <summary>Declares a tap that may see nothing.</summary>
    public void Tap(string link) => captures.TryAdd(link, []);

    /// <summary>Puts a frame on the wire at <paramref name="micros"/> µs; each tap sees it 2 µs after the previous one.</summary>
    public void Put(double micros, byte[] frame, params string[] links)
    {
        for (var i = 0; i < links.Length; i++)
        {
            if (!captures.TryGetValue(links[i], out var list))
            {
                captures[links[i]] = list = [];
            }

            list.Add(new CapturedFrame(Start.AddTicks((long)((micros + (2 * i)) * 10)), frame));
        }
    }

    public static byte[] Tcp(
        string sourceMac,
        string destinationMac,
        IPEndPoint source,
        IPEndPoint destination,
        int ttl,
        uint sequence,
        uint acknowledgment = 0,
        bool syn = false,
        bool ack = false,
        ushort id = 0x1234,
        byte[]? payload = null)
    {
        var tcp = new TcpPacket((ushort)source.Port, (ushort)destination.Port)
        {
            SequenceNumber = sequence,
            AcknowledgmentNumber = acknowledgment,
            Synchronize = syn,
            Acknowledgment = ack,
            WindowSize = 64240,
            DataOffset = 5,
        };
        if (payload is not null)
        {
            tcp.PayloadData = payload;
        }

        if (source.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // IPv6 has no identification: id is not used.
            var ip6 = new IPv6Packet(source.Address, destination.Address) { HopLimit = ttl, PayloadPacket = tcp };
            ip6.UpdateCalculatedValues();
            tcp.UpdateTcpChecksum();
            return Ethernet(sourceMac, destinationMac, ip6).Bytes;
        }

        var ip = new IPv4Packet(source.Address, destination.Address) { TimeToLive = ttl, Id = id, PayloadPacket = tcp };
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return Ethernet(sourceMac, destinationMac, ip).Bytes;
    }

    public static byte[] Udp(string sourceMac, string destinationMac, IPEndPoint source, IPEndPoint destination, int ttl, byte[] payload, ushort id = 0x4321)
    {
        var udp = new UdpPacket((ushort)source.Port, (ushort)destination.Port) { PayloadData = payload };
        var ip = new IPv4Packet(source.Address, destination.Address) { TimeToLive = ttl, Id = id, PayloadPacket = udp };
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return Ethernet(sourceMac, destinationMac, ip).Bytes;
    }

    /// <summary>The IP packet of <paramref name="frame"/> in a new outer header (protocol 4), in a new Ethernet header.</summary>
    public static byte[] IpInIp(string sourceMac, string destinationMac, IPAddress source, IPAddress destination, int ttl, byte[] frame)
    {
        var inner = frame.AsSpan(14).ToArray();
        var outer = new IPv4Packet(source, destination) { TimeToLive = ttl, Id = 0 };
        outer.PayloadData = inner;
        outer.Protocol = PacketDotNet.ProtocolType.IPv4;
        outer.TotalLength = outer.HeaderLength * 4 + inner.Length;
        outer.UpdateIPChecksum();
        return Ethernet(sourceMac, destinationMac, outer).Bytes;
    }

    /// <summary>
    /// The IP packet of <paramref name="frame"/> (IPv4 or IPv6) behind a new outer IPv6 header: next
    /// header 41 for IPv6 inside (RFC 2473), 4 for IPv4 inside; in a new Ethernet header.
    /// </summary>
    public static byte[] Ipv6Tunnel(string sourceMac, string destinationMac, IPAddress source, IPAddress destination, int hopLimit, byte[] frame)
    {
        var inner = frame.AsSpan(14).ToArray();
        return Ipv6(sourceMac, destinationMac, source, destination, hopLimit, (byte)(inner[0] >> 4 == 6 ? 41 : 4), inner);
    }

    /// <summary>An IPv6 packet by hand: version 6, the payload length of <paramref name="payload"/>, the next header given.</summary>
    public static byte[] Ipv6(string sourceMac, string destinationMac, IPAddress source, IPAddress destination, int hopLimit, byte nextHeader, byte[] payload)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = (byte)hopLimit;
        source.GetAddressBytes().CopyTo(packet, 8);
        destination.GetAddressBytes().CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return Frame(sourceMac, destinationMac, 0x86DD, packet);
    }

    /// <summary>
    /// <paramref name="frame"/>'s IPv6 packet with <paramref name="headers"/> (whole extension
    /// headers, each starting with a next-header byte to fill in) between its fixed header and what
    /// followed it; the fixed header's next header and payload length follow.
    /// </summary>
    public static byte[] WithExtensionHeaders(byte[] frame, params (byte Type, byte[] Header)[] headers)
    {
        var packet = frame.AsSpan(14).ToArray();
        var upper = packet[6];
        var chain = new List<byte>();
        for (var i = 0; i < headers.Length; i++)
        {
            var header = (byte[])headers[i].Header.Clone();
            header[0] = i + 1 < headers.Length ? headers[i + 1].Type : upper;
            chain.AddRange(header);
        }

        byte[] result = [.. packet.AsSpan(0, 40), .. chain, .. packet.AsSpan(40)];
        result[6] = headers[0].Type;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(4), (ushort)(result.Length - 40));
        return [.. frame.AsSpan(0, 14), .. result];
    }

    /// <summary>
    /// A neighbour solicitation (RFC 4861 §4.3) from <paramref name="source"/> for
    /// <paramref name="target"/>, to the target's solicited-node group, with the source link-layer option.
    /// </summary>
    public static byte[] NeighbourSolicitation(string sourceMac, IPAddress source, IPAddress target)
    {
        var t = target.GetAddressBytes();
        var group = new byte[16];
        IPAddress.Parse("ff02::1:ff00:0").GetAddressBytes().CopyTo(group, 0);
        t.AsSpan(13).CopyTo(group.AsSpan(13));
        var groupMac = $"33:33:ff:{t[13]:x2}:{t[14]:x2}:{t[15]:x2}";
        byte[] message = [135, 0, 0, 0, 0, 0, 0, 0, .. t, 1, 1, .. PhysicalAddress.Parse(sourceMac).GetAddressBytes()];
        return Icmpv6(sourceMac, groupMac, source, new IPAddress(group), 255, message);
    }

    /// <summary>A solicited neighbour advertisement (RFC 4861 §4.4) for <paramref name="target"/>, with the target link-layer option.</summary>
    public static byte[] NeighbourAdvertisement(string sourceMac, IPAddress target, string destinationMac, IPAddress destination)
    {
        byte[] message = [136, 0, 0, 0, 0x60, 0, 0, 0, .. target.GetAddressBytes(), 2, 1, .. PhysicalAddress.Parse(sourceMac).GetAddressBytes()];
        return Icmpv6(sourceMac, destinationMac, target, destination, 255, message);
    }

    /// <summary>An ICMPv6 echo request (type 128) or reply (129).</summary>
    public static byte[] Echo6(string sourceMac, string destinationMac, IPAddress source, IPAddress destination, int hopLimit, bool reply, ushort identifier, ushort sequence, byte[] data)
    {
        byte[] message = [reply ? (byte)129 : (byte)128, 0, 0, 0, (byte)(identifier >> 8), (byte)identifier, (byte)(sequence >> 8), (byte)sequence, .. data];
        return Icmpv6(sourceMac, destinationMac, source, destination, hopLimit, message);
    }

    /// <summary>Another Ethernet header on the same IP packet, with its TTL (IPv6: hop limit) lowered by <paramref name="hops"/> (a router).</summary>
    public static byte[] Routed(byte[] frame, string sourceMac, string destinationMac, int hops = 1)
    {
        if (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x86DD)
        {
            // IPv6 (a tunnel's outer header too): no header checksum to follow.
            var copy = (byte[])frame.Clone();
            PhysicalAddress.Parse(destinationMac).GetAddressBytes().CopyTo(copy, 0);
            PhysicalAddress.Parse(sourceMac).GetAddressBytes().CopyTo(copy, 6);
            copy[14 + 7] -= (byte)hops;
            return copy;
        }

        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, (byte[])frame.Clone());
        ethernet.SourceHardwareAddress = PhysicalAddress.Parse(sourceMac);
        ethernet.DestinationHardwareAddress = PhysicalAddress.Parse(destinationMac);
        var ip = ethernet.Extract<IPv4Packet>();
        ip.TimeToLive -= hops;
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }

    public static byte[] Arp(ArpOperation operation, string senderMac, IPAddress sender, string targetMac, IPAddress target, string destinationMac)
    {
        var arp = new ArpPacket(operation, PhysicalAddress.Parse(targetMac), target, PhysicalAddress.Parse(senderMac), sender);
        var ethernet = new EthernetPacket(PhysicalAddress.Parse(senderMac), PhysicalAddress.Parse(destinationMac), EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }

    private static EthernetPacket Ethernet(string sourceMac, string destinationMac, IPPacket ip) =>
        new(PhysicalAddress.Parse(sourceMac), PhysicalAddress.Parse(destinationMac), ip is IPv6Packet ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };

    private static byte[] Frame(string sourceMac, string destinationMac, ushort etherType, byte[] payload)
    {
        var frame = new byte[14 + payload.Length];
        PhysicalAddress.Parse(destinationMac).GetAddressBytes().CopyTo(frame, 0);
        PhysicalAddress.Parse(sourceMac).GetAddressBytes().CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame, 14);
        return frame;
    }

    /// <summary>An ICMPv6 message with its checksum over the pseudo-header (RFC 8200 §8.1), in an IPv6 packet.</summary>
    private static byte[] Icmpv6(string sourceMac, string destinationMac, IPAddress source, IPAddress destination, int hopLimit, byte[] message)
    {
        byte[] pseudo = [.. source.GetAddressBytes(), .. destination.GetAddressBytes(), 0, 0, (byte)(message.Length >> 8), (byte)message.Length, 0, 0, 0, 58, .. message];
        uint sum = 0;
        for (var i = 0; i < pseudo.Length; i += 2)
        {
            sum += (uint)((pseudo[i] << 8) | (i + 1 < pseudo.Length ? pseudo[i + 1] : 0));
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        var checksum = (ushort)~sum;
        message = (byte[])message.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), checksum);
        return Ipv6(sourceMac, destinationMac, source, destination, hopLimit, 58, message);
    }
}
