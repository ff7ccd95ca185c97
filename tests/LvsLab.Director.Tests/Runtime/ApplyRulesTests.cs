using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Runtime;

/// <summary>Services and real servers added, edited and deleted at run time (<see cref="DirectorEngine.Apply"/>).</summary>
public class ApplyRulesTests
{
    private const string TwoServers = """
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        """;

    private readonly byte[] _output = new byte[2048];

    private static RuleSet Parse(string text) => IpvsRuleParser.Parse(text, "apply.ipvs");

    private int Syn(DirectorEngine engine, ushort clientPort, long now = 1, ushort vipPort = 80)
    {
        Decision decision = engine.Process(Frames.Tcp(ClientIp, clientPort, Vip, vipPort, TcpFlags.Syn), _output, now);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        return RealServerOf(MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void AnAddedRealServerJoinsTheRotationWhileExistingConnectionsStay()
    {
        DirectorEngine engine = Engine(TwoServers);
        Assert.Equal(0, Syn(engine, 40000));
        Assert.Equal(1, Syn(engine, 40001));

        engine.Apply(Parse(TwoServers + "\n-a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1"));

        var chosen = new HashSet<int>();
        for (ushort port = 41000; port < 41003; port++)
        {
            chosen.Add(Syn(engine, port));
        }

        Assert.Contains(2, chosen);
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 2);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
        Assert.Equal(5, engine.Connections.Count);
        Assert.Equal(5, engine.Counters.ConnectionsScheduled);
        Assert.Equal(1, engine.Counters.GetRealServerConnectionCount(0, 2));
        Assert.Equal(
            engine.Counters.ForwardedPackets,
            engine.Counters.GetRealServerTraffic(0, 0).Packets + engine.Counters.GetRealServerTraffic(0, 1).Packets + engine.Counters.GetRealServerTraffic(0, 2).Packets);
        Assert.Contains(RealServerIps[2], engine.RealServerAddresses);
    }

    [Fact]
    public void ADeletedRealServersConnectionsEndAndTheRestGoOn()
    {
        DirectorEngine engine = Engine(TwoServers);
        Syn(engine, 40000);
        Syn(engine, 40001);
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 2);
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 2);
        Assert.Equal(new RealServerConnections(1, 0), engine.GetRealServerConnections(0, 1));

        engine.Apply(Parse("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1"));

        // rs1's connection is gone: its next segment is dropped, a new SYN goes to rs2.
        Decision dropped = engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 3);
        Assert.Equal(DropReason.NoConnection, dropped.Reason);
        Assert.Equal(1, Syn(engine, 40000, 4));

        // rs2 is now index 0 and keeps its connection, count and traffic.
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 5);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
        Assert.Equal(new RealServerConnections(1, 1), engine.GetRealServerConnections(0, 0));
        Assert.Equal(4, engine.Counters.GetRealServerTraffic(0, 0).Packets);
    }

    [Fact]
    public void AnAddedServiceIsAnsweredForAndADeletedOneIsNot()
    {
        DirectorEngine engine = Engine(TwoServers);
        Ipv4Address newVip = Ipv4Address.Parse("10.0.0.101");
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, newVip), _output, 1).Kind);

        engine.Apply(Parse(TwoServers + "\n-A -u 10.0.0.101:53 -s rr\n-a -u 10.0.0.101:53 -r 10.0.0.13:53 -g -w 1"));
        Assert.Equal(DecisionKind.ArpReply, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, newVip), _output, 2).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Udp(ClientIp, 5000, newVip, 53), _output, 3).Kind);
        Assert.Equal(RealServerMacs[2], MacAddress.ReadFrom(_output));

        engine.Apply(Parse(TwoServers));
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, newVip), _output, 4).Kind);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.Udp(ClientIp, 5000, newVip, 53), _output, 5).Kind);
        Assert.Equal(0, engine.Connections.Count);
    }

    [Fact]
    public void AnEditedServiceTakesItsNewSchedulerAndWeights()
    {
        DirectorEngine engine = Engine(TwoServers);
        engine.Apply(Parse("""
            -A -t 10.0.0.100:80 -s wrr
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 3
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
            """));
        var counts = new int[2];
        for (ushort port = 40000; port < 40008; port++)
        {
            counts[Syn(engine, port)]++;
        }

        Assert.Equal([6, 2], counts);
        Assert.Equal(3, engine.GetWeight(0, 0));
    }

    [Fact]
    public void AnUnsupportedSchedulerChangesNothing()
    {
        DirectorEngine engine = Engine(TwoServers);
        Syn(engine, 40000);
        RuleSet before = engine.Rules;
        var error = Assert.Throws<ArgumentException>(() => engine.Apply(Parse(TwoServers.Replace("-s rr", "-s lblc", StringComparison.Ordinal))));
        Assert.Contains("lblc", error.Message, StringComparison.Ordinal);
        Assert.Same(before, engine.Rules);
        Assert.Equal(1, Syn(engine, 40001));
        Assert.Equal(2, engine.Connections.Count);
    }

    [Fact]
    public void PersistenceTemplatesFollowTheirServerToItsNewIndex()
    {
        const string Persistent = """
            -A -t 10.0.0.100:80 -s rr -p 60
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
            """;
        DirectorEngine engine = Engine(Persistent);
        Assert.Equal(0, Syn(engine, 40000));
        Assert.Equal(0, Syn(engine, 40001));

        // A server inserted in front moves rs1 to index 1; the client still sticks to rs1.
        engine.Apply(Parse("""
            -A -t 10.0.0.100:80 -s rr -p 60
            -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
            """));
        Assert.Equal(0, Syn(engine, 40002));
        Assert.True(engine.Connections.TryGetTemplate(new PersistenceKey(0, ClientIp), 2, out PersistenceTemplate template));
        Assert.Equal(1, template.RealServerIndex);
        Assert.Equal(3, template.Controlled);

        // Deleting rs1 deletes the template: the client is scheduled afresh.
        engine.Apply(Parse("-A -t 10.0.0.100:80 -s rr -p 60\n-a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1"));
        Assert.Equal(0, engine.Connections.TemplateCount);
        Assert.Equal(1, Syn(engine, 40003));
    }
}
