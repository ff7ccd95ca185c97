using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.NatLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

public class NatEngineTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void FullTcpExchangeThroughNatStaysOnOneServerEndsClosedAndBothKeysExpireTogether()
    {
        DirectorEngine engine = Engine();
        long now = 10_000;
        Assert.Equal(DecisionKind.ArpReply, engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, now).Kind);

        byte[] request = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();
        byte[] response = "HTTP/1.1 200 OK\r\n\r\nserver=rs1"u8.ToArray();
        (bool FromClient, TcpFlags Flags, byte[]? Payload)[] exchange =
        [
            (true, TcpFlags.Syn, null),
            (false, TcpFlags.Syn | TcpFlags.Ack, null),
            (true, TcpFlags.Ack, null),
            (true, TcpFlags.Ack | TcpFlags.Psh, request),
            (false, TcpFlags.Ack, null),
            (false, TcpFlags.Ack | TcpFlags.Psh, response),
            (true, TcpFlags.Ack, null),
            (true, TcpFlags.Fin | TcpFlags.Ack, null),
            (false, TcpFlags.Ack, null),
            (false, TcpFlags.Fin | TcpFlags.Ack, null),
            (true, TcpFlags.Ack, null),
        ];
        var key = new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80);
        ConnectionState[] states = new ConnectionState[exchange.Length];
        for (int i = 0; i < exchange.Length; i++)
        {
            (bool fromClient, TcpFlags flags, byte[]? payload) = exchange[i];
            byte[] input = fromClient
                ? FromClient(40000, 80, flags, payload)
                : FromServer(Rs1, Rs1Mac, 8080, 40000, flags, payload);
            byte[] expected = fromClient
                ? ToServer(Rs1, Rs1Mac, 8080, 40000, flags, payload)
                : ToClient(80, 40000, flags, payload);

            Decision decision = engine.Process(fromClient ? Ext : Int, input, _output, now += 5);

            Assert.Equal(Decision.Forward(expected.Length, fromClient ? Int : Ext), decision);
            Assert.Equal(expected, _output[..decision.Length]);
            AssertChecksumsValid(_output.AsSpan(0, decision.Length));
            Assert.True(engine.Connections.TryGet(key, now, out ConnectionEntry entry));
            states[i] = entry.State;
        }

        Assert.Equal(
            [
                ConnectionState.SynReceived, ConnectionState.SynReceived, ConnectionState.Established, ConnectionState.Established,
                ConnectionState.Established, ConnectionState.Established, ConnectionState.Established, ConnectionState.FinWait,
                ConnectionState.FinWait, ConnectionState.Closed, ConnectionState.Closed,
            ],
            states);
        Assert.True(engine.Connections.TryGet(key, now, out ConnectionEntry final));
        Assert.Equal(6, final.Packets);
        Assert.Equal(5, final.ReplyPackets);
        Assert.Equal(0, final.RealServerIndex);
        Assert.Equal(1, engine.Connections.Count);
        Assert.Equal(1, engine.Connections.ReplyKeyCount);

        // Closed: 10 s later both keys are swept together by any frame.
        engine.Process(Ext, Frames.Tcp(ClientIp, 1, ExtIp, 22, TcpFlags.Syn, sourceMac: ClientMac, destinationMac: ExtMac), _output, now + 9_000);
        Assert.Equal(1, engine.Connections.Count);
        engine.Process(Ext, Frames.Tcp(ClientIp, 1, ExtIp, 22, TcpFlags.Syn, sourceMac: ClientMac, destinationMac: ExtMac), _output, now + 10_000);
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(0, engine.Connections.ReplyKeyCount);

        // A late server packet is now an orphan, not leaked.
        Assert.Equal(
            Decision.Drop(DropReason.OrphanReply),
            engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack), _output, now + 10_001));

        DirectorCounters counters = engine.Counters;
        Assert.Equal(6, counters.GetRealServerTraffic(0, 0).Packets);
        Assert.Equal(5, counters.GetRealServerReplyTraffic(0, 0).Packets);
        Assert.Equal(0, counters.GetRealServerTraffic(0, 1).Packets);
        Assert.Equal(0, counters.GetRealServerReplyTraffic(0, 1).Packets);
        Assert.Equal(5, counters.GetServiceReplyTraffic(0).Packets);
        Assert.Equal(11, counters.ForwardedPackets);
        Assert.Equal(5, counters.ReplyPackets);
        Assert.Equal(counters.GetServiceReplyTraffic(0).Bytes, counters.ReplyBytes);
        Assert.Equal(counters.GetServiceTraffic(0).Bytes + counters.ReplyBytes, counters.ForwardedBytes);
        DrLab.AssertCountedOnce(counters);
    }

    [Fact]
    public void ServerFinFirstThenClientFinCloses()
    {
        DirectorEngine engine = Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack), _output, 1).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Ack), _output, 2).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Fin | TcpFlags.Ack), _output, 3).Kind);
        var key = new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80);
        Assert.True(engine.Connections.TryGet(key, 3, out ConnectionEntry entry));
        Assert.Equal(ConnectionState.CloseWait, entry.State);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Fin | TcpFlags.Ack), _output, 4).Kind);
        Assert.True(engine.Connections.TryGet(key, 4, out entry));
        Assert.Equal(ConnectionState.Closed, entry.State);
    }

    [Fact]
    public void ServerRstClosesTheConnection()
    {
        DirectorEngine engine = Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0);
        Assert.Equal(DecisionKind.Forward, engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Rst | TcpFlags.Ack), _output, 1).Kind);
        Assert.True(engine.Connections.TryGet(new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80), 1, out ConnectionEntry entry));
        Assert.Equal(ConnectionState.Closed, entry.State);
    }

    [Fact]
    public void ServerPacketsRefreshTheConnection()
    {
        DirectorEngine engine = Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0);
        engine.Process(Ext, FromClient(40000, 80, TcpFlags.Ack), _output, 0);

        // Only the server talks (a long download): each of its packets extends the 900 s.
        for (long t = 800_000; t <= 4_000_000; t += 800_000)
        {
            Assert.Equal(DecisionKind.Forward, engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack), _output, t).Kind);
        }

        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Ack), _output, 4_800_000).Kind);
    }

    [Fact]
    public void ConnectionsAreScheduledRoundRobinAndRepliesFollowTheirServer()
    {
        DirectorEngine engine = Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0).Kind);
        Assert.Equal(Rs1, Ipv4Address.ReadFrom(_output.AsSpan(30)));
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40001, 80, TcpFlags.Syn), _output, 0).Kind);
        Assert.Equal(Rs2, Ipv4Address.ReadFrom(_output.AsSpan(30)));

        // rs2 answering for rs1's connection is an orphan; its own connection's reply passes.
        Assert.Equal(Decision.Drop(DropReason.OrphanReply), engine.Process(Int, FromServer(Rs2, Rs2Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack), _output, 1));
        Assert.Equal(DecisionKind.Forward, engine.Process(Int, FromServer(Rs2, Rs2Mac, 8080, 40001, TcpFlags.Syn | TcpFlags.Ack), _output, 1).Kind);
        Assert.Equal(ToClient(80, 40001, TcpFlags.Syn | TcpFlags.Ack), _output[..54]);
        Assert.Equal(1, engine.Counters.GetRealServerReplyTraffic(0, 1).Packets);
        Assert.Equal(0, engine.Counters.GetRealServerReplyTraffic(0, 0).Packets);
        Assert.Equal(2, engine.Connections.ReplyKeyCount);
    }

    [Fact]
    public void OrphanReplyWritesNothing()
    {
        DirectorEngine engine = Engine();
        byte[] output = new byte[256];
        Decision decision = engine.Process(Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack, payload: [1, 2, 3]), output, 0);
        Assert.Equal(Decision.Drop(DropReason.OrphanReply), decision);
        Assert.All(output, b => Assert.Equal(0, b));
        Assert.Equal(1, engine.Counters.GetDrops(DropReason.OrphanReply));
    }

    [Fact]
    public void RealServerOffEveryLinkIsReachedThroughTheGatewayOrNotAtAll()
    {
        const string Rules = "-A -t 10.1.0.100:80 -s rr\n-a -t 10.1.0.100:80 -r 192.168.9.9:8080 -m\n";
        DirectorEngine withGateway = Engine(rules: Rules);
        withGateway.Neighbours.Set(RouterIp, RouterMac);
        Decision routed = withGateway.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0);
        Assert.Equal(Decision.Forward(54, Ext), routed);
        Assert.Equal(Frames.Tcp(ClientIp, 40000, Ipv4Address.Parse("192.168.9.9"), 8080, TcpFlags.Syn, 63, ExtMac, RouterMac), _output[..54]);

        DirectorEngine withoutGateway = Engine(withGateway: false, rules: Rules);
        Assert.Equal(Decision.Drop(DropReason.NoRoute), withoutGateway.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0));
        Assert.Equal(1, withoutGateway.Counters.GetDrops(DropReason.NoRoute));
    }

    [Fact]
    public void DirectRoutingNeedsTheRealServerOnLinkEvenWithAGateway()
    {
        DirectorEngine engine = Engine(rules: "-A -t 10.1.0.100:80 -s rr\n-a -t 10.1.0.100:80 -r 192.168.9.9:80 -g\n");
        engine.Neighbours.Set(RouterIp, RouterMac);
        Assert.Equal(Decision.Drop(DropReason.NoRoute), engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0));
    }

    [Fact]
    public void DirectRoutingToAServerOnTheOtherPortLeavesThroughThatPort()
    {
        DirectorEngine engine = Engine(rules: "-A -t 10.1.0.100:80 -s rr\n-a -t 10.1.0.100:80 -r 10.2.0.11:80 -g\n");
        byte[] syn = FromClient(40000, 80, TcpFlags.Syn);
        Assert.Equal(Decision.Forward(syn.Length, Int), engine.Process(Ext, syn, _output, 0));
        Assert.Equal(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, 64, IntMac, Rs1Mac), _output[..syn.Length]);
    }

    [Fact]
    public void NeighboursAreLearnedFromAskersForTheVipRepliesToOurRequestsAndGateways()
    {
        DirectorEngine engine = Engine(learnServers: false);
        var stranger = Ipv4Address.Parse("10.1.0.77");
        var strangerMac = MacAddress.Parse("02:00:00:00:00:77");

        // A client asking for the VIP is learned; one asking for the DIP is not.
        engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0);
        engine.Process(Ext, Frames.ArpRequest(strangerMac, stranger, ExtIp), _output, 0);
        Assert.True(engine.Neighbours.TryGet(ClientIp, out MacAddress mac));
        Assert.Equal(ClientMac, mac);
        Assert.False(engine.Neighbours.Contains(stranger));

        // An unsolicited reply from a stranger is not learned; the gateway's is.
        engine.Process(Ext, Frames.ArpReply(strangerMac, stranger, ExtMac, ExtIp), _output, 0);
        engine.Process(Ext, Frames.ArpReply(RouterMac, RouterIp, ExtMac, ExtIp), _output, 0);
        Assert.False(engine.Neighbours.Contains(stranger));
        Assert.True(engine.Neighbours.Contains(RouterIp));

        // A real server's reply to the director's own request (sent while forwarding) is learned.
        Assert.Equal(DropReason.NeighbourUnresolved, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0).Reason);
        engine.Process(Int, Frames.ArpReply(Rs1Mac, Rs1, IntMac, IntIp), _output, 1);
        Assert.True(engine.Neighbours.TryGet(Rs1, out mac));
        Assert.Equal(Rs1Mac, mac);

        // A reply to the director's request for an unknown client is learned too.
        engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn, client: stranger, clientMac: strangerMac), _output, 2);
        Assert.Equal(
            DropReason.NeighbourUnresolved,
            engine.Process(Int, FromServer(Rs2, Rs2Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack, client: stranger), _output, 3).Reason);
        Assert.Equal(Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, stranger, MacAddress.Broadcast), _output[..42]);
        engine.Process(Ext, Frames.ArpReply(strangerMac, stranger, ExtMac, ExtIp), _output, 4);
        Assert.True(engine.Neighbours.Contains(stranger));

        // Our own addresses and the VIP as a sender are never learned.
        engine.Process(Ext, Frames.ArpRequest(MacAddress.Parse("02:00:00:00:00:66"), Vip, Vip), _output, 5);
        Assert.False(engine.Neighbours.Contains(Vip));
    }

    [Fact]
    public void NeighbourTableIsBoundedWhateverAsksForTheVip()
    {
        var options = new DirectorOptions(Options().Interfaces) { NeighbourCapacity = 16 };
        var engine = new DirectorEngine(options, IpvsRuleParser.Parse(NatLab.Rules, "nat.ipvs"));
        for (int i = 0; i < 1000; i++)
        {
            var ip = new Ipv4Address(0x0A01_0000u + (uint)i + 1000);
            var mac = new MacAddress(0x0200_0000_0000UL + (ulong)i + 1000);
            engine.Process(Ext, Frames.ArpRequest(mac, ip, Vip), _output, i);
        }

        Assert.Equal(16, engine.Neighbours.Count);
        Assert.True(engine.Neighbours.Contains(new Ipv4Address(0x0A01_0000u + 999 + 1000)));
        Assert.False(engine.Neighbours.Contains(new Ipv4Address(0x0A01_0000u + 1000)));
    }

    [Fact]
    public void ArpForAVipOnNoPortsSubnetIsAnsweredOnTheIngressPort()
    {
        var otherVip = Ipv4Address.Parse("192.168.50.1");
        DirectorEngine engine = Engine(rules: "-A -t 192.168.50.1:80 -s rr\n-a -t 192.168.50.1:80 -r 10.2.0.11:8080 -m\n");
        Decision onInt = engine.Process(Int, Frames.ArpRequest(Rs1Mac, Rs1, otherVip), _output, 0);
        Assert.Equal(Decision.ArpReply(42, Int), onInt);
        Assert.Equal(Frames.ArpReply(IntMac, otherVip, Rs1Mac, Rs1), _output[..42]);
        Assert.Equal(Decision.ArpReply(42, Ext), engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, otherVip), _output, 0));
        Assert.Equal(Frames.ArpReply(ExtMac, otherVip, ClientMac, ClientIp), _output[..42]);
    }

    [Fact]
    public void VipEqualToAPortAddressIsNotAnsweredByTheEngine()
    {
        DirectorEngine engine = Engine(rules: "-A -t 10.1.0.2:80 -s rr\n-a -t 10.1.0.2:80 -r 10.2.0.11:8080 -m\n");
        Assert.Equal(Decision.Ignore, engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, ExtIp), _output, 0));
    }

    [Fact]
    public void TryRouteChoosesTheSubnetThenTheGateway()
    {
        DirectorEngine engine = Engine();
        Assert.True(engine.TryRoute(Rs1, out int port, out Ipv4Address nextHop));
        Assert.Equal((Int, Rs1), (port, nextHop));
        Assert.True(engine.TryRoute(ClientIp, out port, out nextHop));
        Assert.Equal((Ext, ClientIp), (port, nextHop));
        Assert.True(engine.TryRoute(RemoteClientIp, out port, out nextHop));
        Assert.Equal((Ext, RouterIp), (port, nextHop));
        Assert.False(Engine(withGateway: false).TryRoute(RemoteClientIp, out _, out _));
    }

    [Fact]
    public void WriteArpRequestOnAPortUsesThatPortsMacAndAddress()
    {
        DirectorEngine engine = Engine();
        Assert.Equal(42, engine.WriteArpRequest(Int, Rs2, _output));
        Assert.Equal(Frames.Arp(ArpOperation.Request, IntMac, IntIp, MacAddress.Zero, Rs2, MacAddress.Broadcast), _output[..42]);
        Assert.Equal(42, engine.WriteArpRequest(RouterIp, _output));
        Assert.Equal(Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, RouterIp, MacAddress.Broadcast), _output[..42]);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.WriteArpRequest(2, Rs2, _output));
    }

    [Fact]
    public void ProcessOnAPortThatDoesNotExistIsACallerBug()
    {
        DirectorEngine engine = Engine();
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Process(2, FromClient(1, 80, TcpFlags.Syn), _output, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Process(-1, FromClient(1, 80, TcpFlags.Syn), _output, 0));
        Assert.Equal(0, engine.Counters.FramesIn);
    }

    [Fact]
    public void UdpFlowRepliesFollowTheFlowAndCountPerServer()
    {
        DirectorEngine engine = Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(DecisionKind.Forward, engine.Process(Ext, Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac), _output, i).Kind);
            Decision reply = engine.Process(Int, Frames.Udp(Rs1, 53, ClientIp, 5000, sourceMac: Rs1Mac, destinationMac: IntMac), _output, i);
            Assert.Equal(DecisionKind.Forward, reply.Kind);
            Assert.Equal(Ext, reply.Interface);
            AssertChecksumsValid(_output.AsSpan(0, reply.Length));
        }

        Assert.Equal(3, engine.Counters.GetRealServerTraffic(1, 0).Packets);
        Assert.Equal(3, engine.Counters.GetRealServerReplyTraffic(1, 0).Packets);
        Assert.Equal(3, engine.Counters.ReplyPackets);
        Assert.Equal(6, engine.Counters.ForwardedPackets);

        // After 300 s of silence both keys go.
        engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 302_001);
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(0, engine.Connections.ReplyKeyCount);
    }
}
