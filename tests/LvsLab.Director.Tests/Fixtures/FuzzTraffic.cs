using System.Buffers.Binary;
using LvsLab.Packets;

using static LvsLab.Director.Tests.Fixtures.KitchenSinkLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// The frames of the kitchen-sink fuzz (<see cref="KitchenSinkLab"/>), one at a time into a
/// caller's buffer: valid frames of every kind (<see cref="FuzzSeedKind"/>) between 64 clients
/// and the services, often mutated (bit flips, truncation, lies in the IHL, the total length,
/// the TCP data offset, the UDP length and the quoted IHL of an ICMP error, …), and random bytes.
/// Deterministic for a given <see cref="System.Random"/> seed.
/// </summary>
/// <remarks>
/// Clients and their ports come mostly from a small hot set (4 clients, 8 ports); the rest from a
/// wide set (64 clients, 1024 ports) that keeps a small connection table evicting. Clients 0..15
/// are on-link (10.1.0.50..65); 16..63 are remote (172.16.0..3.x, four /24s for -M) behind the
/// router. Half of the replies and ICMP errors, and some client segments, follow flows the engine
/// really forwarded (<see cref="Observe"/>), so that they meet live connections.
/// </remarks>
internal sealed class FuzzTraffic
{
    /// <summary>The largest frame written, mutations included.</summary>
    public const int MaxFrameLength = 9100;

    /// <summary>Clients 0..15 are on the ext port's link; the others are behind the router.</summary>
    public const int OnLinkClients = 16;

    private const int ClientCount = 64;
    private const ushort FirstClientPort = 40000;
    private const int RingLength = 256;

    private static readonly int[] HotClients = [0, 1, 16, 20];
    private static readonly ushort[] AllPortsTcpPorts = [22, 80, 8443, 3306, 25];
    private static readonly ushort[] AllPortsUdpPorts = [53, 123, 5353];
    private static readonly ushort[] ServerTcpPorts = [8080, 8443, 81, 25, 22, 80, 443, 3306, 8000];
    private static readonly int[] NearMtuLengths = [1378, 1379, 1380, 1381, 1382, 1478, 1479, 1480, 1481, 1482, 1500];
    private static readonly MacAddress StrangerMac = MacAddress.Parse("02:00:00:00:00:77");
    private static readonly Ipv4Address Stranger = Ipv4Address.Parse("10.1.0.77");

    // How often each seed kind comes, in FuzzSeedKind order.
    private static readonly int[] KindWeights = [30, 8, 16, 6, 7, 7, 2, 4, 4, 4, 8];

    private readonly Random _random;
    private readonly byte[] _quote = new byte[MaxFrameLength];
    private readonly int _weightTotal;

    // Flows the engine forwarded lately, so that replies, later segments and ICMP errors match
    // live connections: every flow, and those with a NAT leg (RIP:RPORT known).
    private readonly Flow[] _flows = new Flow[RingLength];
    private readonly Flow[] _natFlows = new Flow[RingLength];
    private int _flowCount;
    private int _natFlowCount;

    public FuzzTraffic(Random random)
    {
        _random = random;
        foreach (int weight in KindWeights)
        {
            _weightTotal += weight;
        }
    }

    /// <summary>Writes the next frame into <paramref name="frame"/> (at least <see cref="MaxFrameLength"/> bytes).</summary>
    /// <param name="frame">The buffer.</param>
    /// <param name="length">The frame's length.</param>
    /// <param name="port">The port it arrives on.</param>
    /// <param name="mutated">True when it was changed after being built valid.</param>
    /// <returns>What it was built as.</returns>
    public FuzzSeedKind Next(Span<byte> frame, out int length, out int port, out bool mutated)
    {
        FuzzSeedKind kind = PickKind();
        mutated = false;
        (length, port) = kind switch
        {
            FuzzSeedKind.ClientTcp => ClientTcp(frame),
            FuzzSeedKind.ClientUdp => ClientUdp(frame),
            FuzzSeedKind.ServerTcp => ServerTcp(frame),
            FuzzSeedKind.ServerUdp => ServerUdp(frame),
            FuzzSeedKind.IcmpInbound => IcmpInbound(frame),
            FuzzSeedKind.IcmpOutbound => IcmpOutbound(frame),
            FuzzSeedKind.IcmpEcho => IcmpEcho(frame),
            FuzzSeedKind.ArpRequest => ArpRequest(frame),
            FuzzSeedKind.ArpReply => ArpReply(frame),
            FuzzSeedKind.BigTunnel => BigTunnel(frame),
            _ => RandomFrame(frame),
        };

        if (kind == FuzzSeedKind.Random)
        {
            mutated = true;
            return kind;
        }

        if (_random.Next(10) < 3)
        {
            length = Mutate(frame, length);
            mutated = true;
        }

        if (_random.Next(20) == 0)
        {
            port = 1 - port;
        }

        return kind;
    }

    /// <summary>
    /// Learns from a frame the engine forwarded: a client's TCP or UDP packet to a service is a
    /// flow later frames may follow; when it was NATed, the real server's address and port
    /// (the destination sent) and MAC make its reply side.
    /// </summary>
    /// <param name="frame">The frame received.</param>
    /// <param name="sent">The frame sent for it.</param>
    public void Observe(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> sent)
    {
        const int Ip = FrameWriter.EthernetLength;
        if (frame.Length < Ip + 24 || frame[12] != 0x08 || frame[13] != 0x00 || frame[Ip] != 0x45
            || frame[Ip + 9] is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            return;
        }

        var client = Ipv4Address.ReadFrom(frame[(Ip + 12)..]);
        var vip = Ipv4Address.ReadFrom(frame[(Ip + 16)..]);
        ushort clientPort = BinaryPrimitives.ReadUInt16BigEndian(frame[(Ip + 20)..]);
        if (!IsVirtual(vip) || clientPort < FirstClientPort)
        {
            return;
        }

        var flow = new Flow(
            frame[Ip + 9] == IpProtocol.Tcp,
            client,
            MacAddress.ReadFrom(frame[MacAddress.Length..]),
            clientPort,
            vip,
            BinaryPrimitives.ReadUInt16BigEndian(frame[(Ip + 22)..]),
            default,
            default,
            0);
        _flows[_flowCount++ % RingLength] = flow;
        if (sent.Length >= Ip + 24 && sent[Ip] == 0x45 && sent[Ip + 9] == frame[Ip + 9])
        {
            var server = Ipv4Address.ReadFrom(sent[(Ip + 16)..]);
            if (server != vip)
            {
                _natFlows[_natFlowCount++ % RingLength] = flow with
                {
                    Server = server,
                    ServerMac = MacAddress.ReadFrom(sent),
                    ServerPort = BinaryPrimitives.ReadUInt16BigEndian(sent[(Ip + 22)..]),
                };
            }
        }
    }

    /// <summary>Client <paramref name="client"/>'s address.</summary>
    /// <param name="client">0..63.</param>
    /// <returns>10.1.0.50..65 (on-link) or 172.16.0..3.x (remote).</returns>
    public static Ipv4Address AddressOfClient(int client) =>
        client < OnLinkClients ? new Ipv4Address(10, 1, 0, (byte)(50 + client)) : new Ipv4Address(172, 16, (byte)(client % 4), (byte)client);

    // On-link clients send with their own MAC; remote ones arrive from the router.
    private static MacAddress MacOfClient(int client) =>
        client < OnLinkClients ? new MacAddress(0x02_00_00_00_10_00UL | (uint)client) : RouterMac;

    private FuzzSeedKind PickKind()
    {
        int pick = _random.Next(_weightTotal);
        for (int i = 0; i < KindWeights.Length; i++)
        {
            pick -= KindWeights[i];
            if (pick < 0)
            {
                return (FuzzSeedKind)i;
            }
        }

        return FuzzSeedKind.Random;
    }

    private (int Client, ushort Port) PickClient() =>
        _random.Next(4) != 0
            ? (HotClients[_random.Next(HotClients.Length)], (ushort)(FirstClientPort + _random.Next(8)))
            : (_random.Next(ClientCount), (ushort)(FirstClientPort + _random.Next(1024)));

    private (Ipv4Address Address, ushort Port) PickTcpService() => _random.Next(20) switch
    {
        < 4 => (Vip, 80),
        < 6 => (Vip, 443),
        < 8 => (Vip, 81),
        < 11 => (Vip, 8443),
        < 14 => (AllPortsVip, _random.Next(8) == 0 ? (ushort)_random.Next(1, 65536) : AllPortsTcpPorts[_random.Next(AllPortsTcpPorts.Length)]),
        < 16 => (MarkVip, _random.Next(2) == 0 ? (ushort)80 : (ushort)443),
        < 17 => (Vip, 8000),
        < 18 => (Vip, 25),
        < 19 => (MarkNetwork, 53),
        _ => (Vip, 9999),
    };

    private (Ipv4Address Address, ushort Port) PickUdpService() => _random.Next(20) switch
    {
        < 8 => (Vip, 53),
        < 13 => (new Ipv4Address(MarkNetwork.Value | (uint)_random.Next(1, 255)), 53),
        < 17 => (AllPortsVip, _random.Next(4) == 0 ? (ushort)_random.Next(1, 65536) : AllPortsUdpPorts[_random.Next(AllPortsUdpPorts.Length)]),
        < 19 => (Vip, 123),
        _ => (Vip, 5000),
    };

    private (Ipv4Address Address, MacAddress Mac) PickRealServer() => _random.Next(10) switch
    {
        < 4 => (Rs1, Rs1Mac),
        < 8 => (Rs2, Rs2Mac),
        _ => (Rs3, Rs3Mac),
    };

    private ushort PickServerUdpPort(Ipv4Address server) => _random.Next(6) switch
    {
        0 or 1 => server == Rs2 ? (ushort)5353 : (ushort)53,
        2 => 53,
        3 => 123,
        4 => 5353,
        _ => (ushort)_random.Next(1, 65536),
    };

    private TcpFlags PickClientFlags() => _random.Next(100) switch
    {
        < 35 => TcpFlags.Syn,
        < 60 => TcpFlags.Ack,
        < 75 => TcpFlags.Ack | TcpFlags.Psh,
        < 85 => TcpFlags.Fin | TcpFlags.Ack,
        < 90 => TcpFlags.Rst,
        < 93 => TcpFlags.Syn | TcpFlags.Ack,
        _ => (TcpFlags)_random.Next(256),
    };

    private TcpFlags PickServerFlags() => _random.Next(100) switch
    {
        < 30 => TcpFlags.Syn | TcpFlags.Ack,
        < 60 => TcpFlags.Ack,
        < 75 => TcpFlags.Ack | TcpFlags.Psh,
        < 88 => TcpFlags.Fin | TcpFlags.Ack,
        < 95 => TcpFlags.Rst,
        _ => (TcpFlags)_random.Next(256),
    };

    private int PayloadLength(TcpFlags flags) =>
        (flags & TcpFlags.Psh) == 0 ? 0 : _random.Next(50) == 0 ? _random.Next(200, 1400) : _random.Next(1, 200);

    private (int Length, int Port) ClientTcp(Span<byte> frame)
    {
        Flow flow = _random.Next(10) < 3 && TryRecall(tcp: true, natOnly: false, out Flow recalled) ? recalled : NewFlow(tcp: true);
        if (flow.Vip == MarkNetwork)
        {
            // TCP to the mark-2 network: not marked (only UDP is), so not ours.
            flow = flow with { Vip = new Ipv4Address(MarkNetwork.Value | (uint)_random.Next(1, 255)) };
        }

        TcpFlags flags = PickClientFlags();
        byte ttl = _random.Next(50) == 0 ? (byte)_random.Next(0, 3) : (byte)64;
        int length = FrameWriter.Tcp(frame, flow.ClientMac, ExtMac, flow.Client, flow.ClientPort, flow.Vip, flow.VirtualPort, flags, PayloadLength(flags), ttl);
        return (length, Ext);
    }

    private (int Length, int Port) ClientUdp(Span<byte> frame)
    {
        Flow flow = _random.Next(10) < 3 && TryRecall(tcp: false, natOnly: false, out Flow recalled) ? recalled : NewFlow(tcp: false);
        int length = FrameWriter.Udp(
            frame, flow.ClientMac, ExtMac, flow.Client, flow.ClientPort, flow.Vip, flow.VirtualPort, _random.Next(0, 64), checksum: _random.Next(4) != 0);
        return (length, Ext);
    }

    private (int Length, int Port) ServerTcp(Span<byte> frame)
    {
        TcpFlags flags = PickServerFlags();
        Flow flow = _random.Next(2) == 0 && TryRecall(tcp: true, natOnly: true, out Flow recalled) ? recalled : NewFlow(tcp: true);
        if (_random.Next(20) == 0)
        {
            // A DR server answering through the director by mistake: not ours.
            int drLength = FrameWriter.Tcp(frame, DrServerMac, ExtMac, DrServer, 443, flow.Client, flow.ClientPort, flags);
            return (drLength, Ext);
        }

        Ipv4Address destination = _random.Next(30) == 0 ? IntIp : flow.Client;
        int length = FrameWriter.Tcp(frame, flow.ServerMac, IntMac, flow.Server, flow.ServerPort, destination, flow.ClientPort, flags, PayloadLength(flags));
        return (length, Int);
    }

    private (int Length, int Port) ServerUdp(Span<byte> frame)
    {
        Flow flow = _random.Next(2) == 0 && TryRecall(tcp: false, natOnly: true, out Flow recalled) ? recalled : NewFlow(tcp: false);
        int length = FrameWriter.Udp(
            frame, flow.ServerMac, IntMac, flow.Server, flow.ServerPort, flow.Client, flow.ClientPort, _random.Next(0, 200), checksum: _random.Next(4) != 0);
        return (length, Int);
    }

    // A router on the way back to the client could not deliver VIP:VPORT -> CIP:CPORT.
    private (int Length, int Port) IcmpInbound(Span<byte> frame)
    {
        bool tcp = _random.Next(10) < 7;
        Flow flow = _random.Next(2) == 0 && TryRecall(tcp, natOnly: false, out Flow recalled) ? recalled : NewFlow(tcp);
        int quotedLength = tcp
            ? FrameWriter.Tcp(_quote, ExtMac, flow.ClientMac, flow.Vip, flow.VirtualPort, flow.Client, flow.ClientPort, TcpFlags.Ack | TcpFlags.Psh, _random.Next(0, 600), 63)
            : FrameWriter.Udp(_quote, ExtMac, flow.ClientMac, flow.Vip, flow.VirtualPort, flow.Client, flow.ClientPort, _random.Next(0, 600), 63);
        (byte type, byte code, ushort rest) = PickErrorType(fragmentationNeededMtu: 1400);
        (Ipv4Address from, MacAddress fromMac) = _random.Next(3) switch
        {
            0 => (RouterIp, RouterMac),
            1 => (FarRouter, RouterMac),
            _ => (flow.Client, flow.ClientMac),
        };
        Ipv4Address to = _random.Next(10) == 0 ? (_random.Next(2) == 0 ? AllPortsVip : MarkVip) : flow.Vip;
        int length = FrameWriter.IcmpError(
            frame, fromMac, ExtMac, from, to, type, code, _quote.AsSpan(FrameWriter.EthernetLength, quotedLength - FrameWriter.EthernetLength), PickQuoteLength(), 64, rest);
        return (length, Ext);
    }

    // A NAT real server says "port unreachable" (or so) about CIP:CPORT -> RIP:RPORT.
    private (int Length, int Port) IcmpOutbound(Span<byte> frame)
    {
        bool tcp = _random.Next(2) == 0;
        Flow flow = _random.Next(2) == 0 && TryRecall(tcp, natOnly: true, out Flow recalled) ? recalled : NewFlow(tcp);
        int quotedLength = tcp
            ? FrameWriter.Tcp(_quote, flow.ClientMac, flow.ServerMac, flow.Client, flow.ClientPort, flow.Server, flow.ServerPort, TcpFlags.Syn, 0, 63)
            : FrameWriter.Udp(_quote, flow.ClientMac, flow.ServerMac, flow.Client, flow.ClientPort, flow.Server, flow.ServerPort, _random.Next(0, 100), 63);
        (byte type, byte code, ushort rest) = _random.Next(10) < 6
            ? ((byte)IcmpFrames.DestinationUnreachable, (byte)IcmpFrames.PortUnreachable, (ushort)0)
            : PickErrorType(fragmentationNeededMtu: 1280);
        Ipv4Address from = _random.Next(10) == 0 ? PickRealServer().Address : flow.Server;
        Ipv4Address to = _random.Next(20) == 0 ? IntIp : flow.Client;
        int length = FrameWriter.IcmpError(
            frame, flow.ServerMac, IntMac, from, to, type, code, _quote.AsSpan(FrameWriter.EthernetLength, quotedLength - FrameWriter.EthernetLength), PickQuoteLength(), 64, rest);
        return (length, Int);
    }

    // A made-up flow: a client (hot or wide set), a service, a real server and one of its ports.
    private Flow NewFlow(bool tcp)
    {
        (int client, ushort clientPort) = PickClient();
        (Ipv4Address vip, ushort vport) = tcp ? PickTcpService() : PickUdpService();
        (Ipv4Address server, MacAddress serverMac) = PickRealServer();
        ushort serverPort = tcp ? ServerTcpPorts[_random.Next(ServerTcpPorts.Length)] : PickServerUdpPort(server);
        return new Flow(tcp, AddressOfClient(client), MacOfClient(client), clientPort, vip, vport, server, serverMac, serverPort);
    }

    // A flow the engine forwarded recently (with its NAT leg, when natOnly), if one of that protocol comes up.
    private bool TryRecall(bool tcp, bool natOnly, out Flow flow)
    {
        Flow[] ring = natOnly ? _natFlows : _flows;
        int count = Math.Min(natOnly ? _natFlowCount : _flowCount, RingLength);
        for (int attempt = 0; attempt < 4 && count > 0; attempt++)
        {
            flow = ring[_random.Next(count)];
            if (flow.Tcp == tcp)
            {
                return true;
            }
        }

        flow = default;
        return false;
    }

    private (byte Type, byte Code, ushort RestOfHeader) PickErrorType(ushort fragmentationNeededMtu) => _random.Next(10) switch
    {
        < 4 => (IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded, fragmentationNeededMtu),
        < 6 => (IcmpFrames.DestinationUnreachable, (byte)_random.Next(16), 0),
        < 8 => (IcmpFrames.TimeExceeded, 0, 0),
        8 => (12, 0, 0x1400),
        _ => (4, 0, 0),
    };

    // Mostly the RFC 792 minimum (header + 8), often a Linux-sized quote, sometimes too short.
    private int PickQuoteLength() => _random.Next(10) switch
    {
        < 5 => 28,
        < 8 => 576,
        8 => _random.Next(20, 48),
        _ => _random.Next(0, 28),
    };

    private (int Length, int Port) IcmpEcho(Span<byte> frame)
    {
        (int client, _) = PickClient();
        return _random.Next(4) switch
        {
            0 => (FrameWriter.IcmpEcho(frame, MacOfClient(client), ExtMac, AddressOfClient(client), Vip, payloadLength: _random.Next(0, 64)), Ext),
            1 => (FrameWriter.IcmpEcho(frame, MacOfClient(client), ExtMac, AddressOfClient(client), _random.Next(2) == 0 ? AllPortsVip : MarkVip), Ext),
            2 => (FrameWriter.IcmpEcho(frame, RouterMac, ExtMac, RouterIp, Vip, type: 0), Ext),
            _ => (FrameWriter.IcmpEcho(frame, Rs1Mac, IntMac, Rs1, AddressOfClient(client)), Int),
        };
    }

    private (int Length, int Port) ArpRequest(Span<byte> frame)
    {
        int client = _random.Next(OnLinkClients);
        switch (_random.Next(8))
        {
            case < 3:
                Ipv4Address target = _random.Next(5) switch
                {
                    0 => Vip,
                    1 => AllPortsVip,
                    2 => MarkVip,
                    3 => ExtIp,
                    _ => Ipv4Address.Parse("10.1.0.99"),
                };
                return (FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, MacOfClient(client), AddressOfClient(client), MacAddress.Zero, target), Ext);
            case 3:
                return (FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, RouterMac, RouterIp, MacAddress.Zero, Vip), Ext);
            case 4:
                (Ipv4Address server, MacAddress serverMac) = PickRealServer();
                return (FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, serverMac, server, MacAddress.Zero, _random.Next(2) == 0 ? IntIp : Vip), Int);
            case 5:
                // Gratuitous ARP from rs3.
                return (FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, Rs3Mac, Rs3, MacAddress.Zero, Rs3), Int);
            case 6:
                return (FrameWriter.Arp(frame, ExtMac, ArpOperation.Request, MacOfClient(client), AddressOfClient(client), ExtMac, Vip), Ext);
            default:
                // Someone else claims the VIP.
                return (FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, StrangerMac, Vip, MacAddress.Zero, Vip), Ext);
        }
    }

    private (int Length, int Port) ArpReply(Span<byte> frame)
    {
        int client = _random.Next(OnLinkClients);
        return _random.Next(8) switch
        {
            0 or 1 => (FrameWriter.Arp(frame, IntMac, ArpOperation.Reply, Rs3Mac, Rs3, IntMac, IntIp), Int),
            2 => (FrameWriter.Arp(frame, ExtMac, ArpOperation.Reply, MacOfClient(client), AddressOfClient(client), ExtMac, ExtIp), Ext),
            3 => (FrameWriter.Arp(frame, ExtMac, ArpOperation.Reply, RouterMac, RouterIp, ExtMac, ExtIp), Ext),
            4 => (FrameWriter.Arp(frame, IntMac, ArpOperation.Reply, Rs1Mac, Rs1, IntMac, IntIp), Int),
            5 => (FrameWriter.Arp(frame, IntMac, ArpOperation.Reply, Rs2Mac, Rs2, IntMac, IntIp), Int),
            6 => (FrameWriter.Arp(frame, ExtMac, ArpOperation.Reply, DrServerMac, DrServer, ExtMac, ExtIp), Ext),
            _ => (FrameWriter.Arp(frame, ExtMac, ArpOperation.Reply, StrangerMac, Stranger, ExtMac, ExtIp), Ext),
        };
    }

    // Tunnel services near the int port's MTU (1400: rs1 on port 81, rs2 of mark 1) or the ext
    // port's (1500: the far server of the all-ports UDP service), with DF set or clear.
    private (int Length, int Port) BigTunnel(Span<byte> frame)
    {
        (int client, ushort clientPort) = PickClient();
        int ipLength = _random.Next(20) switch
        {
            < 14 => NearMtuLengths[_random.Next(NearMtuLengths.Length)],
            < 19 => _random.Next(600, 1600),
            _ => _random.Next(2) == 0 ? 3000 : 9000,
        };
        bool dontFragment = _random.Next(5) != 0;
        int length;
        if (_random.Next(4) == 0)
        {
            length = FrameWriter.Udp(
                frame, MacOfClient(client), ExtMac, AddressOfClient(client), clientPort, AllPortsVip, AllPortsUdpPorts[_random.Next(AllPortsUdpPorts.Length)], ipLength - 28, dontFragment: dontFragment);
        }
        else
        {
            (Ipv4Address vip, ushort vport) = _random.Next(3) == 0 ? (MarkVip, (ushort)(_random.Next(2) == 0 ? 80 : 443)) : (Vip, (ushort)81);
            TcpFlags flags = _random.Next(2) == 0 ? TcpFlags.Syn : TcpFlags.Ack | TcpFlags.Psh;
            length = FrameWriter.Tcp(frame, MacOfClient(client), ExtMac, AddressOfClient(client), clientPort, vip, vport, flags, ipLength - 40, dontFragment: dontFragment);
        }

        return (length, Ext);
    }

    private (int Length, int Port) RandomFrame(Span<byte> frame)
    {
        int port = _random.Next(2);
        int length = _random.Next(0, _random.Next(4) == 0 ? 2000 : 120);
        _random.NextBytes(frame[..length]);
        if (length < FrameWriter.EthernetLength || _random.Next(2) == 0)
        {
            return (length, port);
        }

        (port == Ext ? ExtMac : IntMac).WriteTo(frame);
        frame[12] = 0x08;
        frame[13] = _random.Next(3) == 0 ? (byte)0x06 : (byte)0x00;
        if (frame[13] == 0x00 && length >= FrameWriter.EthernetLength + FrameWriter.Ipv4Length && _random.Next(2) == 0)
        {
            // A well-formed IPv4 header with random contents to a VIP (or from a real server).
            Span<byte> ip = frame[FrameWriter.EthernetLength..length];
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ip.Length);
            ip[6] &= 0x40;
            ip[7] = 0;
            ip[8] = 64;
            ip[9] = _random.Next(5) switch
            {
                0 => IpProtocol.Icmp,
                1 => IpProtocol.Tcp,
                2 => IpProtocol.Udp,
                3 => IpProtocol.IpInIp,
                _ => ip[9],
            };
            if (port == Ext)
            {
                Vip.WriteTo(ip[16..]);
            }
            else
            {
                Rs1.WriteTo(ip[12..]);
            }

            new Ipv4Packet(ip).UpdateHeaderChecksum();
        }

        return (length, port);
    }

    private int Mutate(Span<byte> frame, int length)
    {
        int mutations = _random.Next(1, 5);
        for (int m = 0; m < mutations && length > 0; m++)
        {
            int ihl = length > FrameWriter.EthernetLength ? (frame[FrameWriter.EthernetLength] & 0x0F) * 4 : 0;
            int transport = FrameWriter.EthernetLength + ihl;
            byte protocol = length > 23 ? frame[23] : (byte)0;
            switch (_random.Next(16))
            {
                case 0:
                    frame[_random.Next(length)] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    frame[_random.Next(Math.Min(length, 64))] = (byte)_random.Next(256);
                    break;
                case 2:
                    length = _random.Next(0, length + 1);
                    break;
                case 3:
                    int extra = Math.Min(_random.Next(1, 65), MaxFrameLength - length);
                    _random.NextBytes(frame.Slice(length, extra));
                    length += extra;
                    break;
                case 4 when length > FrameWriter.EthernetLength:
                    // IHL lie.
                    frame[FrameWriter.EthernetLength] = (byte)(0x40 | _random.Next(16));
                    break;
                case 5 when length > 17:
                    // Total length lie: anything, or a few bytes off.
                    ushort total = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
                    BinaryPrimitives.WriteUInt16BigEndian(
                        frame[16..], _random.Next(2) == 0 ? (ushort)_random.Next(65536) : (ushort)(total + _random.Next(-8, 9)));
                    break;
                case 6 when protocol == IpProtocol.Tcp && transport + 13 < length:
                    // TCP data offset lie.
                    frame[transport + 12] = (byte)((_random.Next(16) << 4) | (frame[transport + 12] & 0x0F));
                    break;
                case 7 when protocol == IpProtocol.Udp && transport + 6 < length:
                    // UDP length lie.
                    ushort udpLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(transport + 4)..]);
                    BinaryPrimitives.WriteUInt16BigEndian(
                        frame[(transport + 4)..], _random.Next(2) == 0 ? (ushort)_random.Next(65536) : (ushort)(udpLength + _random.Next(-9, 9)));
                    break;
                case 8 when protocol == IpProtocol.Icmp && transport + FrameWriter.IcmpHeaderLength + 28 <= length:
                    MutateQuote(frame, transport + FrameWriter.IcmpHeaderLength);
                    break;
                case 9 when length > 22:
                    frame[22] = (byte)_random.Next(3);
                    break;
                case 10 when length > 21:
                    // A fragment: MF, or an offset.
                    frame[20] |= _random.Next(2) == 0 ? (byte)0x20 : (byte)_random.Next(1, 32);
                    frame[21] = (byte)_random.Next(256);
                    break;
                case 11 when length > 23:
                    frame[23] = _random.Next(5) switch
                    {
                        0 => IpProtocol.Icmp,
                        1 => IpProtocol.IpInIp,
                        2 => IpProtocol.Tcp,
                        3 => IpProtocol.Udp,
                        _ => (byte)_random.Next(256),
                    };
                    break;
                case 12 when length >= FrameWriter.EthernetLength:
                    MutateEthernet(frame);
                    break;
                case 13 when length > 20:
                    frame[20] ^= 0x40;
                    break;
                case 14 when length > FrameWriter.EthernetLength:
                    frame[FrameWriter.EthernetLength] = (byte)((_random.Next(16) << 4) | (frame[FrameWriter.EthernetLength] & 0x0F));
                    break;
                case 15 when protocol == IpProtocol.Icmp && transport + 1 < length:
                    frame[transport] = (byte)_random.Next(20);
                    frame[transport + 1] = (byte)_random.Next(16);
                    break;
                default:
                    frame[_random.Next(length)] ^= 0xFF;
                    break;
            }
        }

        FixChecksums(frame[..length]);
        return length;
    }

    // Lies inside the packet an ICMP error quotes (at least 28 bytes of it): its IHL, total
    // length, protocol, fragment offset, addresses or ports.
    private void MutateQuote(Span<byte> frame, int quote)
    {
        switch (_random.Next(5))
        {
            case 0:
                frame[quote] = (byte)((_random.Next(3) == 0 ? _random.Next(16) << 4 : 0x40) | _random.Next(16));
                break;
            case 1:
                BinaryPrimitives.WriteUInt16BigEndian(frame[(quote + 2)..], (ushort)_random.Next(65536));
                break;
            case 2:
                frame[quote + 9] = _random.Next(3) switch
                {
                    0 => IpProtocol.Icmp,
                    1 => _random.Next(2) == 0 ? IpProtocol.Tcp : IpProtocol.Udp,
                    _ => (byte)_random.Next(256),
                };
                break;
            case 3:
                frame[quote + 6] = (byte)_random.Next(256);
                frame[quote + 7] = (byte)_random.Next(256);
                break;
            default:
                // An address or a port of the quote.
                frame[quote + 12 + _random.Next(12)] ^= (byte)_random.Next(1, 256);
                break;
        }
    }

    private void MutateEthernet(Span<byte> frame)
    {
        switch (_random.Next(4))
        {
            case 0:
                MacAddress.Broadcast.WriteTo(frame);
                break;
            case 1:
                (frame[5] == 0x01 ? IntMac : ExtMac).WriteTo(frame);
                break;
            case 2:
                (_random.Next(2) == 0 ? ExtMac : IntMac).WriteTo(frame[6..]);
                break;
            default:
                ushort etherType = _random.Next(5) switch
                {
                    0 => EtherType.Ipv4,
                    1 => EtherType.Arp,
                    2 => EtherType.Ipv6,
                    3 => EtherType.Vlan,
                    _ => (ushort)_random.Next(65536),
                };
                BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
                break;
        }
    }

    // Most mutated frames get a valid IPv4 header checksum (and ICMP checksum) again, so that
    // their lies reach the deeper parsers instead of stopping at the checksum.
    private void FixChecksums(Span<byte> frame)
    {
        if (frame.Length < FrameWriter.EthernetLength + FrameWriter.Ipv4Length || frame[12] != 0x08 || frame[13] != 0x00)
        {
            return;
        }

        Span<byte> ip = frame[FrameWriter.EthernetLength..];
        int ihl = (ip[0] & 0x0F) * 4;
        if (ihl < FrameWriter.Ipv4Length || ihl > ip.Length)
        {
            return;
        }

        if (_random.Next(4) != 0)
        {
            ip[10] = 0;
            ip[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..ihl]));
        }

        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (ip[9] == IpProtocol.Icmp && total >= ihl + 4 && total <= ip.Length && _random.Next(5) < 3)
        {
            Span<byte> icmp = ip[ihl..total];
            icmp[2] = 0;
            icmp[3] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
        }
    }

    // A client's flow to a service and, when known or made up, the real server behind it.
    private readonly record struct Flow(
        bool Tcp,
        Ipv4Address Client,
        MacAddress ClientMac,
        ushort ClientPort,
        Ipv4Address Vip,
        ushort VirtualPort,
        Ipv4Address Server,
        MacAddress ServerMac,
        ushort ServerPort);
}
