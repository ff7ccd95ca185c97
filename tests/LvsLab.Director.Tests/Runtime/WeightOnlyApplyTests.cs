using LvsLab.Director.Connections;
using LvsLab.Director.Control;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Runtime;

/// <summary>
/// <see cref="DirectorEngine.Apply"/> with rules that differ from the current ones only in
/// weights (a health check's flap with the inhibit action, <c>ipvsadm -e … -w</c>): the weights
/// change in place and nothing that grows with the connection table runs.
/// </summary>
public class WeightOnlyApplyTests
{
    private const int ConnectionCount = 3000;

    private readonly byte[] _output = new byte[2048];

    private static string ThreeServers(int w1 = 1, int w2 = 1, int w3 = 1, string scheduler = "rr") => $"""
        -A -t 10.0.0.100:80 -s {scheduler}
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w {w1}
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w {w2}
        -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w {w3}
        """;

    private const string SecondService = """

        -A -u 10.0.0.100:53 -s rr
        -a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 1
        -a -u 10.0.0.100:53 -r 10.0.0.12:53 -g -w 1
        """;

    private static RuleSet Parse(string text) => IpvsRuleParser.Parse(text, "weights.ipvs");

    private int Send(DirectorEngine engine, byte[] frame, long now = 1)
    {
        Decision decision = engine.Process(frame, _output, now);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        return RealServerOf(MacAddress.ReadFrom(_output));
    }

    private int Syn(DirectorEngine engine, ushort clientPort, long now = 1) =>
        Send(engine, Frames.Tcp(ClientIp, clientPort, Vip, 80, TcpFlags.Syn), now);

    private int Ack(DirectorEngine engine, ushort clientPort, long now = 2) =>
        Send(engine, Frames.Tcp(ClientIp, clientPort, Vip, 80, TcpFlags.Ack), now);

    private int Datagram(DirectorEngine engine, ushort clientPort, long now = 1) =>
        Send(engine, Frames.Udp(ClientIp, clientPort, Vip, 53), now);

    private int[] OpenConnections(DirectorEngine engine)
    {
        int[] servers = new int[ConnectionCount];
        for (int i = 0; i < ConnectionCount; i++)
        {
            servers[i] = Syn(engine, (ushort)(20000 + i));
            Ack(engine, (ushort)(20000 + i));
        }

        return servers;
    }

    [Fact]
    public void AWeightOnlyChangeSetsTheWeightsWithoutRemappingTheTable()
    {
        DirectorEngine engine = Engine(ThreeServers());
        int[] servers = OpenConnections(engine);
        DirectorCounters counters = engine.Counters;
        RealServerConnections[] before = [.. Enumerable.Range(0, 3).Select(r => engine.GetRealServerConnections(0, r))];
        long[] trafficBefore = [.. Enumerable.Range(0, 3).Select(r => counters.GetRealServerTraffic(0, r).Packets)];
        RuleSet drained = Parse(ThreeServers(w2: 0));

        engine.Apply(drained);

        // No remap: the same counters object, every connection and count where it was.
        Assert.Equal(0, engine.StateRemaps);
        Assert.Same(counters, engine.Counters);
        Assert.Same(drained, engine.Rules);
        Assert.Equal(0, engine.GetWeight(0, 1));
        Assert.Equal(ConnectionCount, engine.Connections.Count);
        Assert.Equal(before, Enumerable.Range(0, 3).Select(r => engine.GetRealServerConnections(0, r)));
        Assert.Equal(trafficBefore, Enumerable.Range(0, 3).Select(r => counters.GetRealServerTraffic(0, r).Packets));

        // The drained server's connections go on; new ones go elsewhere.
        for (int i = 0; i < ConnectionCount; i += 97)
        {
            Assert.Equal(servers[i], Ack(engine, (ushort)(20000 + i), now: 3));
        }

        for (ushort port = 50000; port < 50010; port++)
        {
            Assert.NotEqual(1, Syn(engine, port, now: 4));
        }

        // And back: the server rejoins, still without a remap.
        engine.Apply(Parse(ThreeServers()));
        Assert.Equal(0, engine.StateRemaps);
        Assert.Equal(1, engine.GetWeight(0, 1));
        Assert.Contains(1, Enumerable.Range(51000, 3).Select(port => Syn(engine, (ushort)port, now: 5)));
        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void AServiceWhoseWeightsDidNotChangeKeepsItsSchedulerPosition()
    {
        DirectorEngine engine = Engine(ThreeServers() + SecondService);
        Assert.Equal(0, Syn(engine, 40000));
        Assert.Equal(1, Syn(engine, 40001));
        Assert.Equal(0, Datagram(engine, 5000));

        // Only the UDP service's weights change: the TCP service's rr goes on after rs2.
        engine.Apply(Parse(ThreeServers() + SecondService.Replace("10.0.0.11:53 -g -w 1", "10.0.0.11:53 -g -w 0", StringComparison.Ordinal)));

        Assert.Equal(0, engine.StateRemaps);
        Assert.Equal(2, Syn(engine, 40002));
        Assert.Equal(0, Syn(engine, 40003));
        Assert.Equal(1, Datagram(engine, 5001));
        Assert.Equal(1, Datagram(engine, 5002));
    }

    [Fact]
    public void RoundRobinKeepsItsPositionWhenAWeightChanges()
    {
        // As IPVS's rr, which has no upd_dest: the rotation goes on after rs2, not from rs1.
        DirectorEngine engine = Engine(ThreeServers());
        Assert.Equal(0, Syn(engine, 40000));
        Assert.Equal(1, Syn(engine, 40001));

        engine.Apply(Parse(ThreeServers(w1: 0, w3: 2)));

        Assert.Equal(0, engine.StateRemaps);
        Assert.Equal(2, Syn(engine, 40002));
        Assert.Equal(1, Syn(engine, 40003));
        Assert.Equal(2, Syn(engine, 40004));
    }

    [Fact]
    public void AChangedWeightReachesTheSchedulersTables()
    {
        // wrr's current weight and mh's lookup table are built from the weights: both must
        // see the new ones.
        foreach (string scheduler in new[] { "wrr", "mh" })
        {
            DirectorEngine engine = Engine(ThreeServers(scheduler: scheduler));
            for (ushort port = 40000; port < 40030; port++)
            {
                Syn(engine, port);
            }

            engine.Apply(Parse(ThreeServers(w1: 0, w2: 0, scheduler: scheduler)));
            Assert.Equal(0, engine.StateRemaps);
            for (ushort port = 41000; port < 41030; port++)
            {
                Assert.Equal(2, Syn(engine, port));
            }
        }
    }

    [Fact]
    public void AHealthCheckFlapWithTheInhibitActionIsAWeightOnlyChange()
    {
        var live = new LiveConfiguration(Parse(ThreeServers()), FailureAction.Inhibit);
        DirectorEngine engine = Engine(ThreeServers());
        int[] servers = OpenConnections(engine);
        var rs2 = new RealServerEndpoint(RealServerIps[1], 80);

        Assert.True(live.MarkDown(rs2));
        engine.Apply(live.Effective);
        Assert.Equal(0, engine.GetWeight(0, 1));
        Assert.True(live.MarkUp(rs2));
        engine.Apply(live.Effective);

        Assert.Equal(0, engine.StateRemaps);
        Assert.Equal(1, engine.GetWeight(0, 1));
        Assert.Equal(ConnectionCount, engine.Connections.Count);
        Assert.Equal(servers[1], Ack(engine, 20001, now: 3));
    }

    [Fact]
    public void ApplyingTheConfiguredWeightsUndoesSetWeightWithoutARemap()
    {
        DirectorEngine engine = Engine(ThreeServers(w1: 2));
        engine.SetWeight(0, 0, 0);

        engine.Apply(Parse(ThreeServers(w1: 2)));

        Assert.Equal(0, engine.StateRemaps);
        Assert.Equal(2, engine.GetWeight(0, 0));
    }

    [Fact]
    public void AStructuralChangeStillRemapsAndCarriesStateByIdentity()
    {
        DirectorEngine engine = Engine(ThreeServers());
        int[] servers = OpenConnections(engine);
        DirectorCounters counters = engine.Counters;
        long rs3Packets = counters.GetRealServerTraffic(0, 2).Packets;
        RealServerConnections rs3 = engine.GetRealServerConnections(0, 2);

        // rs1 deleted, rs3 moved in front of rs2, and a weight changed too.
        engine.Apply(Parse("""
            -A -t 10.0.0.100:80 -s rr
            -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 5
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
            """));

        Assert.Equal(1, engine.StateRemaps);
        Assert.NotSame(counters, engine.Counters);
        Assert.Equal(5, engine.GetWeight(0, 0));
        Assert.Equal(ConnectionCount - servers.Count(server => server == 0), engine.Connections.Count);
        Assert.Equal(rs3, engine.GetRealServerConnections(0, 0));
        Assert.Equal(rs3Packets, engine.Counters.GetRealServerTraffic(0, 0).Packets);
        for (int i = 0; i < ConnectionCount; i += 101)
        {
            ushort port = (ushort)(20000 + i);
            if (servers[i] == 0)
            {
                Assert.Equal(DropReason.NoConnection, engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Ack), _output, 3).Reason);
            }
            else
            {
                Assert.Equal(servers[i], Ack(engine, port, now: 3));
            }
        }

        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void AnythingButAWeightIsAStructuralChange()
    {
        string[] changes =
        [
            ThreeServers(scheduler: "wlc"),
            ThreeServers().Replace("10.0.0.13:80 -g", "10.0.0.13:80 -m", StringComparison.Ordinal),
            ThreeServers().Replace("-s rr", "-s rr -p 60", StringComparison.Ordinal),
            ThreeServers().Replace("10.0.0.13:80", "10.0.0.14:80", StringComparison.Ordinal),
            """
            -A -t 10.0.0.100:80 -s rr
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
            """,
            ThreeServers() + SecondService,
        ];
        // A different scheduler, forwarding method, persistence, real server, order of real
        // servers, or another service.
        foreach (string change in changes)
        {
            DirectorEngine engine = Engine(ThreeServers());
            engine.Apply(Parse(change));
            Assert.Equal(1, engine.StateRemaps);
        }
    }
}
