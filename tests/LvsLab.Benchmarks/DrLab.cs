using LvsLab.Director;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// The DR lab of the README (slot 0) as the director sees it: frames arrive from the router's
/// MAC, one TCP service on the VIP with three real servers, and the frames the benchmarks feed.
/// Frames are written with the span views and padded to Ethernet's 60-byte minimum, as they
/// come off the wire.
/// </summary>
internal static class DrLab
{
    /// <summary>The director's rules, as <c>ipvsadm-save -n</c> prints them.</summary>
    public const string Rules = """
        -A -t 10.77.1.100:80 -s rr
        -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
        -a -t 10.77.1.100:80 -r 10.77.1.12:80 -g -w 1
        -a -t 10.77.1.100:80 -r 10.77.1.13:80 -g -w 1
        """;

    /// <summary>Ethernet's minimum frame length without the FCS.</summary>
    public const int MinFrameLength = 60;

    /// <summary>A TCP segment without payload: Ethernet, IPv4 and TCP headers, no padding.</summary>
    public const int UnpaddedTcpFrameLength = EthernetFrame.HeaderLength + Ipv4Packet.MinHeaderLength + TcpSegment.MinHeaderLength;

    /// <summary>A fixed clock: the connection never expires during a run.</summary>
    public const long Now = 1_000_000;

    public const ushort VipPort = 80;
    public const ushort ClientPort = 51822;

    public static readonly MacAddress DirectorMac = MacAddress.Parse("02:42:0a:4d:01:03");
    public static readonly Ipv4Address DirectorIp = Ipv4Address.Parse("10.77.1.3");
    public static readonly MacAddress RouterMac = MacAddress.Parse("02:42:0a:4d:01:02");
    public static readonly Ipv4Address RouterIp = Ipv4Address.Parse("10.77.1.2");
    public static readonly Ipv4Address ClientIp = Ipv4Address.Parse("10.77.0.10");
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.77.1.100");

    public static readonly Ipv4Address[] RealServerIps =
    [
        Ipv4Address.Parse("10.77.1.11"),
        Ipv4Address.Parse("10.77.1.12"),
        Ipv4Address.Parse("10.77.1.13"),
    ];

    public static readonly MacAddress[] RealServerMacs =
    [
        MacAddress.Parse("02:42:0a:4d:01:0b"),
        MacAddress.Parse("02:42:0a:4d:01:0c"),
        MacAddress.Parse("02:42:0a:4d:01:0d"),
    ];

    public static RuleSet ParseRules() => IpvsRuleParser.Parse(Rules, "dr-lab.ipvs");

    /// <summary>
    /// A client's TCP segment without payload, routed to the director: Ethernet router → director,
    /// IPv4 client → <paramref name="destination"/> (TTL 63, DF), TCP 51822 → <paramref name="port"/>.
    /// <see cref="UnpaddedTcpFrameLength"/> (54) bytes of headers and 6 of padding.
    /// </summary>
    public static byte[] ClientTcpFrame(TcpFlags flags, Ipv4Address destination, ushort port)
    {
        const int IpTotalLength = Ipv4Packet.MinHeaderLength + TcpSegment.MinHeaderLength;
        byte[] frame = new byte[MinFrameLength];
        var ethernet = new EthernetFrame(frame)
        {
            Destination = DirectorMac,
            Source = RouterMac,
            EtherType = EtherType.Ipv4,
        };

        var ip = new Ipv4Packet(ethernet.Payload[..IpTotalLength])
        {
            Version = 4,
            Ihl = Ipv4Packet.MinHeaderLength / 4,
            TotalLength = IpTotalLength,
            Identification = 0x1c46,
            DontFragment = true,
            TimeToLive = 63,
            Protocol = IpProtocol.Tcp,
            Source = ClientIp,
            Destination = destination,
        };

        var tcp = new TcpSegment(ip.Payload)
        {
            SourcePort = ClientPort,
            DestinationPort = port,
            SequenceNumber = 0x6b8b4568,
            AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? 0x327b23c7u : 0,
            DataOffset = TcpSegment.MinHeaderLength / 4,
            Flags = flags,
            Window = 502,
        };
        tcp.UpdateChecksum(ip.Source, ip.Destination);
        ip.UpdateHeaderChecksum();
        return frame;
    }

    /// <summary>An ARP frame padded to 60 bytes.</summary>
    public static byte[] ArpFrame(
        MacAddress ethernetDestination,
        MacAddress ethernetSource,
        ArpOperation operation,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        byte[] frame = new byte[MinFrameLength];
        var ethernet = new EthernetFrame(frame)
        {
            Destination = ethernetDestination,
            Source = ethernetSource,
            EtherType = EtherType.Arp,
        };
        ArpPacket.Write(ethernet.Payload, operation, ethernetSource, senderIp, targetMac, targetIp);
        return frame;
    }

    /// <summary>Real server <paramref name="index"/> answering the director's "who has RIP?".</summary>
    public static byte[] RealServerArpReply(int index) =>
        ArpFrame(DirectorMac, RealServerMacs[index], ArpOperation.Reply, RealServerIps[index], DirectorMac, DirectorIp);

    /// <summary>The router asking "who has the VIP?" (broadcast).</summary>
    public static byte[] RouterArpRequestForVip() =>
        ArpFrame(MacAddress.Broadcast, RouterMac, ArpOperation.Request, RouterIp, MacAddress.Zero, Vip);

    /// <summary>What the director must send for <paramref name="frame"/>: the same bytes, MACs rewritten for DR.</summary>
    public static byte[] DirectRouted(byte[] frame, MacAddress realServerMac)
    {
        byte[] copy = (byte[])frame.Clone();
        var ethernet = new EthernetFrame(copy);
        ethernet.Destination = realServerMac;
        ethernet.Source = DirectorMac;
        return copy;
    }

    /// <summary>
    /// An engine as the director runs it after start-up: real servers resolved by their ARP
    /// replies, and the benchmark's client connection opened by its SYN (scheduled to rs1) and
    /// established by its first ACK.
    /// </summary>
    public static DirectorEngine StartEngine(byte[] output)
    {
        var engine = new DirectorEngine(new DirectorOptions(DirectorMac, DirectorIp), ParseRules());
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            Expect(DecisionKind.Ignore, engine.Process(RealServerArpReply(i), output, Now), "ARP reply from a real server");
        }

        Check(engine.Neighbours.Count == RealServerIps.Length, "the engine learned every real server's MAC");
        Expect(DecisionKind.Forward, engine.Process(ClientTcpFrame(TcpFlags.Syn, Vip, VipPort), output, Now), "SYN");
        Expect(DecisionKind.Forward, engine.Process(ClientTcpFrame(TcpFlags.Ack, Vip, VipPort), output, Now), "first ACK");
        Check(engine.Connections.Count == 1, "one connection");
        return engine;
    }

    /// <summary>
    /// Whether <paramref name="packetDotNetFrame"/> is the frame the engine wrote, byte for byte
    /// up to the end of its IPv4 packet: PacketDotNet's <c>Bytes</c> ends the frame there, so
    /// Ethernet padding is not sent back (the NIC pads again) and is not compared.
    /// </summary>
    public static bool SameFrame(Span<byte> engineFrame, byte[]? packetDotNetFrame)
    {
        int length = EthernetFrame.HeaderLength + new Ipv4Packet(engineFrame[EthernetFrame.HeaderLength..]).TotalLength;
        return packetDotNetFrame is not null && packetDotNetFrame.AsSpan().SequenceEqual(engineFrame[..length]);
    }

    public static void Expect(DecisionKind expected, Decision actual, string what) =>
        Check(actual.Kind == expected, $"{what}: expected {expected}, got {actual}");

    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"benchmark set-up is wrong: {what}");
        }
    }
}
