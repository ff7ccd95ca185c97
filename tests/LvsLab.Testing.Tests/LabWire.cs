using System.Net;
using System.Net.NetworkInformation;
using LvsLab.Lab.Model;
using LvsLab.Testing.Capture;
using PacketDotNet;

namespace LvsLab.Testing.Tests;

/// <summary>
/// Synthetic captures of a lab: frames built with PacketDotNet from the topology's addresses,
/// made-up MACs (02:00 followed by the interface's IPv4 address), and which taps saw each one.
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

    /// <summary>Another Ethernet header on the same IP packet, with its TTL lowered by <paramref name="hops"/> (a router).</summary>
    public static byte[] Routed(byte[] frame, string sourceMac, string destinationMac, int hops = 1)
    {
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

    private static EthernetPacket Ethernet(string sourceMac, string destinationMac, IPv4Packet ip) =>
        new(PhysicalAddress.Parse(sourceMac), PhysicalAddress.Parse(destinationMac), EthernetType.IPv4) { PayloadPacket = ip };
}
