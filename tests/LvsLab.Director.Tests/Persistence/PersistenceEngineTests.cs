using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Persistence;

/// <summary>Persistence (-p, -M), all-ports services and one-packet scheduling (-o), frame by frame.</summary>
public class PersistenceEngineTests
{
    private const string PersistentRules = """
        -A -t 10.0.0.100:80 -s rr -p 5
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
        """;

    private readonly byte[] _output = new byte[2048];

    private static DirectorEngine PersistentEngine(string rules = PersistentRules, ConnectionTimeouts? timeouts = null, bool expireQuiescent = false)
    {
        var options = new DirectorOptions(DirectorMac, DirectorIp)
        {
            Timeouts = timeouts ?? ConnectionTimeouts.Default,
            ExpireQuiescentTemplate = expireQuiescent,
        };
        var engine = new DirectorEngine(options, IpvsRuleParser.Parse(rules, "p.ipvs"));
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
        }

        return engine;
    }

    private int Connect(DirectorEngine engine, Ipv4Address client, ushort clientPort, long now, ushort vipPort = 80, TcpFlags flags = TcpFlags.Syn)
    {
        Decision decision = engine.Process(Frames.Tcp(client, clientPort, Vip, vipPort, flags), _output, now);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        return RealServerOf(MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void AClientsNewConnectionsAllGoToTheServerItsFirstOneWentTo()
    {
        DirectorEngine engine = PersistentEngine();
        int first = Connect(engine, ClientIp, 40000, 0);
        for (ushort port = 40001; port < 40020; port++)
        {
            Assert.Equal(first, Connect(engine, ClientIp, port, port - 40000));
        }

        // Another client is scheduled (rr moves on) and then sticks to its own server.
        Ipv4Address other = Ipv4Address.Parse("10.0.0.60");
        int second = Connect(engine, other, 50000, 30);
        Assert.NotEqual(first, second);
        Assert.Equal(second, Connect(engine, other, 50001, 31));
        Assert.Equal(2, engine.Connections.TemplateCount);
        Assert.Equal(22, engine.Counters.ConnectionsScheduled);
    }

    [Fact]
    public void WithoutPersistenceTheSameClientIsSpreadByTheScheduler()
    {
        DirectorEngine engine = PersistentEngine(DefaultRules);
        var servers = new HashSet<int>();
        for (ushort port = 40000; port < 40003; port++)
        {
            servers.Add(Connect(engine, ClientIp, port, 0));
        }

        Assert.Equal(3, servers.Count);
        Assert.Equal(0, engine.Connections.TemplateCount);
    }

    [Fact]
    public void ANetmaskGroupsAClientNetworkOnOneServer()
    {
        DirectorEngine engine = PersistentEngine(PersistentRules.Replace("-p 5", "-p 5 -M 255.255.255.0", StringComparison.Ordinal));
        int first = Connect(engine, Ipv4Address.Parse("10.0.5.1"), 40000, 0);
        Assert.Equal(first, Connect(engine, Ipv4Address.Parse("10.0.5.200"), 40000, 1));
        Assert.Equal(first, Connect(engine, Ipv4Address.Parse("10.0.5.77"), 41000, 2));
        Assert.NotEqual(first, Connect(engine, Ipv4Address.Parse("10.0.6.1"), 40000, 3));
        Assert.Equal(2, engine.Connections.TemplateCount);
        Assert.Contains(engine.Connections.Templates, t => t.Key.Client == Ipv4Address.Parse("10.0.5.0"));
    }

    [Fact]
    public void TheTemplateExpiresItsTimeoutAfterTheLastConnectionItPlacedIsGone()
    {
        // Closed connections last 1 s here; the template 5 s after its last use.
        DirectorEngine engine = PersistentEngine(timeouts: new ConnectionTimeouts { TcpClosedMilliseconds = 1000 });
        int first = Connect(engine, ClientIp, 40000, 0);
        Connect(engine, ClientIp, 40000, 10, flags: TcpFlags.Rst);

        // Within the timeout: same server, and the template's timeout restarts (now 1000 + 5000).
        Assert.Equal(first, Connect(engine, ClientIp, 40001, 1000));
        Connect(engine, ClientIp, 40001, 1010, flags: TcpFlags.Rst);
        Assert.Equal(first, Connect(engine, ClientIp, 40002, 5999));
        Connect(engine, ClientIp, 40002, 6000, flags: TcpFlags.Rst);

        // 5 s after the last use, its connections closed and swept out: scheduled afresh (rr moved on).
        engine.Connections.RemoveExpired(7000);
        Assert.Equal(0, engine.Connections.Count);
        Assert.True(engine.Connections.TryGetTemplate(new PersistenceKey(0, ClientIp), 10998, out _));
        Assert.False(engine.Connections.TryGetTemplate(new PersistenceKey(0, ClientIp), 10999, out _));
        Assert.NotEqual(first, Connect(engine, ClientIp, 40003, 11000));
    }

    [Fact]
    public void TheTemplateLivesWhileAConnectionItPlacedLives()
    {
        DirectorEngine engine = PersistentEngine();
        int first = Connect(engine, ClientIp, 40000, 0);
        Connect(engine, ClientIp, 40000, 1, flags: TcpFlags.Ack);

        // Long past the 5 s persistence, the established connection (900 s) still holds it.
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 600_000);
        Assert.True(engine.Connections.TryGetTemplate(new PersistenceKey(0, ClientIp), 600_000, out PersistenceTemplate template));
        Assert.Equal(1, template.Controlled);
        Assert.Equal(first, Connect(engine, ClientIp, 40001, 600_001));

        // The expiry sweep leaves it too.
        engine.Connections.RemoveExpired(600_002);
        Assert.Equal(1, engine.Connections.TemplateCount);
    }

    [Fact]
    public void ExpiredTemplatesAreSweptOut()
    {
        DirectorEngine engine = PersistentEngine(timeouts: new ConnectionTimeouts { TcpSynReceivedMilliseconds = 1000 });
        for (ushort port = 40000; port < 40010; port++)
        {
            Connect(engine, new Ipv4Address(0x0A000100u + port), port, 0);
        }

        Assert.Equal(10, engine.Connections.TemplateCount);
        engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 5000);
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(0, engine.Connections.TemplateCount);
    }

    [Fact]
    public void APersistentClientStaysOnADrainedServerAsInTheKernelByDefault()
    {
        DirectorEngine engine = PersistentEngine();
        int first = Connect(engine, ClientIp, 40000, 0);
        engine.SetWeight(0, first, 0);
        Assert.Equal(first, Connect(engine, ClientIp, 40001, 1));
    }

    [Fact]
    public void ExpireQuiescentTemplateMovesPersistentClientsOffADrainedServer()
    {
        DirectorEngine engine = PersistentEngine(expireQuiescent: true);
        int first = Connect(engine, ClientIp, 40000, 0);
        engine.SetWeight(0, first, 0);
        int moved = Connect(engine, ClientIp, 40001, 1);
        Assert.NotEqual(first, moved);
        Assert.Equal(moved, Connect(engine, ClientIp, 40002, 2));

        // The first connection keeps its server.
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 3);
        Assert.Equal(RealServerMacs[first], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void AnAllPortsServiceKeepsAClientOnOneServerAcrossPorts()
    {
        DirectorEngine engine = PersistentEngine("""
            -A -t 10.0.0.100:0 -s rr -p 60
            -a -t 10.0.0.100:0 -r 10.0.0.11:0 -g -w 1
            -a -t 10.0.0.100:0 -r 10.0.0.12:0 -g -w 1
            -A -t 10.0.0.100:22 -s rr
            -a -t 10.0.0.100:22 -r 10.0.0.13:22 -g -w 1
            """);
        int web = Connect(engine, ClientIp, 40000, 0, vipPort: 80);
        Assert.Equal(web, Connect(engine, ClientIp, 40001, 1, vipPort: 443));
        Assert.Equal(web, Connect(engine, ClientIp, 40002, 2, vipPort: 8443));

        // A service for the exact port wins over the all-ports one.
        Assert.Equal(2, Connect(engine, ClientIp, 40003, 3, vipPort: 22));
        Assert.Equal(1, engine.Connections.TemplateCount);
    }

    [Fact]
    public void OnePacketSchedulingSpreadsEveryDatagramAndKeepsNoConnection()
    {
        DirectorEngine engine = PersistentEngine("""
            -A -u 10.0.0.100:53 -s rr -o
            -a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 1
            -a -u 10.0.0.100:53 -r 10.0.0.12:53 -g -w 1
            """);
        var servers = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, i).Kind);
            servers.Add(RealServerOf(MacAddress.ReadFrom(_output)));
        }

        Assert.Equal([0, 1, 0, 1], servers);
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(4, engine.Counters.ConnectionsScheduled);
        Assert.Equal(2, engine.Counters.GetRealServerConnectionCount(0, 1));
    }

    [Fact]
    public void WithoutOnePacketADatagramFlowStaysOnOneServer()
    {
        DirectorEngine engine = PersistentEngine(DefaultRules);
        var servers = new HashSet<int>();
        for (int i = 0; i < 4; i++)
        {
            engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, i);
            servers.Add(RealServerOf(MacAddress.ReadFrom(_output)));
        }

        Assert.Single(servers);
        Assert.Equal(1, engine.Counters.ConnectionsScheduled);
    }

    [Fact]
    public void OnePacketPersistenceStillSticksAClientToItsServer()
    {
        DirectorEngine engine = PersistentEngine("""
            -A -u 10.0.0.100:53 -s rr -p 30 -o
            -a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 1
            -a -u 10.0.0.100:53 -r 10.0.0.12:53 -g -w 1
            """);
        var servers = new HashSet<int>();
        for (ushort port = 5000; port < 5004; port++)
        {
            engine.Process(Frames.Udp(ClientIp, port, Vip, 53), _output, port);
            servers.Add(RealServerOf(MacAddress.ReadFrom(_output)));
        }

        Assert.Single(servers);
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(1, engine.Connections.TemplateCount);
    }

    [Fact]
    public void NewTimeoutsApplyFromAConnectionsNextPacket()
    {
        DirectorEngine engine = PersistentEngine(DefaultRules);
        Connect(engine, ClientIp, 40000, 0);
        Connect(engine, ClientIp, 40000, 1, flags: TcpFlags.Ack);
        Assert.True(engine.Connections.TryGet(new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80), 1, out ConnectionEntry before));
        Assert.Equal(900_001, before.ExpiresAtMilliseconds);

        engine.Connections.Timeouts = engine.Connections.Timeouts with { TcpEstablishedMilliseconds = 60_000 };
        Assert.True(engine.Connections.TryGet(new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80), 2, out ConnectionEntry unchanged));
        Assert.Equal(900_001, unchanged.ExpiresAtMilliseconds);

        Connect(engine, ClientIp, 40000, 10, flags: TcpFlags.Ack);
        Assert.True(engine.Connections.TryGet(new ConnectionKey(ServiceProtocol.Tcp, ClientIp, 40000, Vip, 80), 10, out ConnectionEntry after));
        Assert.Equal(60_010, after.ExpiresAtMilliseconds);
    }
}

/// <summary>Persistence and one-packet scheduling through the two-port NAT director.</summary>
public class NatPersistenceEngineTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void AOnePacketNatServicesRepliesAreRewrittenWithoutAConnection()
    {
        DirectorEngine engine = NatLab.Engine(rules: """
            -A -u 10.1.0.100:53 -s rr -o
            -a -u 10.1.0.100:53 -r 10.2.0.11:5353 -m -w 1
            -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
            """);
        engine.Neighbours.Set(TwoPortLab.ClientIp, TwoPortLab.ClientMac);
        byte[] query = Frames.Udp(TwoPortLab.ClientIp, 5000, TwoPortLab.Vip, 53, sourceMac: TwoPortLab.ClientMac, destinationMac: TwoPortLab.ExtMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(TwoPortLab.Ext, query, _output, 1).Kind);
        Assert.Equal(TwoPortLab.Rs1Mac, MacAddress.ReadFrom(_output));
        Assert.Equal(DecisionKind.Forward, engine.Process(TwoPortLab.Ext, query, _output, 2).Kind);
        Assert.Equal(TwoPortLab.Rs2Mac, MacAddress.ReadFrom(_output));
        Assert.Equal(0, engine.Connections.Count);

        byte[] answer = Frames.Udp(TwoPortLab.Rs1, 5353, TwoPortLab.ClientIp, 5000, sourceMac: TwoPortLab.Rs1Mac, destinationMac: TwoPortLab.IntMac);
        Decision decision = engine.Process(TwoPortLab.Int, answer, _output, 3);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(TwoPortLab.Ext, decision.Interface);
        Assert.Equal(
            Frames.Udp(TwoPortLab.Vip, 53, TwoPortLab.ClientIp, 5000, ttl: 63, sourceMac: TwoPortLab.ExtMac, destinationMac: TwoPortLab.ClientMac),
            _output[..decision.Length]);
        Assert.Equal(1, engine.Counters.GetRealServerReplyTraffic(0, 0).Packets);
    }

    [Fact]
    public void AnAllPortsNatServiceKeepsTheClientsDestinationPort()
    {
        DirectorEngine engine = NatLab.Engine(rules: """
            -A -t 10.1.0.100:0 -s rr -p 60
            -a -t 10.1.0.100:0 -r 10.2.0.11 -m -w 1
            -a -t 10.1.0.100:0 -r 10.2.0.12 -m -w 1
            """);
        engine.Neighbours.Set(TwoPortLab.ClientIp, TwoPortLab.ClientMac);
        foreach (ushort port in new ushort[] { 80, 443 })
        {
            Decision decision = engine.Process(TwoPortLab.Ext, TwoPortLab.FromClient(40000, port, TcpFlags.Syn), _output, 1);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            Assert.Equal(NatLab.ToServer(TwoPortLab.Rs1, TwoPortLab.Rs1Mac, port, 40000, TcpFlags.Syn), _output[..decision.Length]);

            decision = engine.Process(TwoPortLab.Int, NatLab.FromServer(TwoPortLab.Rs1, TwoPortLab.Rs1Mac, port, 40000, TcpFlags.Syn | TcpFlags.Ack), _output, 2);
            Assert.Equal(NatLab.ToClient(port, 40000, TcpFlags.Syn | TcpFlags.Ack), _output[..decision.Length]);
        }
    }
}

/// <summary>Orphan replies from a real server of an all-ports NAT service.</summary>
public class AllPortsOrphanReplyTests
{
    [Fact]
    public void AReplyWithoutAConnectionFromAnAllPortsNatServerIsAnOrphan()
    {
        DirectorEngine engine = NatLab.Engine(rules: """
            -A -t 10.1.0.100:0 -s rr -p 60
            -a -t 10.1.0.100:0 -r 10.2.0.11 -m -w 1
            """);
        var output = new byte[2048];
        Decision decision = engine.Process(TwoPortLab.Int, NatLab.FromServer(TwoPortLab.Rs1, TwoPortLab.Rs1Mac, 22, 40000, TcpFlags.Syn | TcpFlags.Ack), output, 1);
        Assert.Equal(DropReason.OrphanReply, decision.Reason);
    }
}
