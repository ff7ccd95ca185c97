using LvsLab.Director.Connections;
using LvsLab.Director.Scheduling;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests;

public class SchedulerEngineTests
{
    private readonly byte[] _output = new byte[2048];

    public static TheoryData<string> SchedulerNames => [.. SchedulerFactory.Supported];

    [Fact]
    public void LeastConnectionSpreadsLongLivedConnectionsAndRefillsTheFirstFreedServer()
    {
        DirectorEngine engine = Engine(RulesFor("lc"));
        int[] servers = new int[3];
        for (int i = 0; i < 3; i++)
        {
            servers[i] = Open(engine, (ushort)(41000 + i), 10);
        }

        Assert.Equal([0, 1, 2], servers.Order().ToArray());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(new RealServerConnections(1, 0), engine.GetRealServerConnections(0, i));
        }

        // The second connection closes: its server keeps one inactive connection and wins.
        engine.Process(Frames.Tcp(ClientIp, 41001, Vip, 80, TcpFlags.Fin | TcpFlags.Ack), _output, 20);
        Assert.Equal(new RealServerConnections(0, 1), engine.GetRealServerConnections(0, servers[1]));
        Assert.Equal(servers[1], Open(engine, 41003, 30));
        Assert.Equal(new RealServerConnections(1, 1), engine.GetRealServerConnections(0, servers[1]));
    }

    [Fact]
    public void CountsFollowEveryStateChangeAndExpiry()
    {
        DirectorEngine engine = Engine(RulesFor("wlc"));
        engine.Process(Frames.Tcp(ClientIp, 42000, Vip, 80, TcpFlags.Syn), _output, 0);
        int server = RealServerOf(MacAddress.ReadFrom(_output));
        Assert.Equal(new RealServerConnections(0, 1), engine.GetRealServerConnections(0, server));
        engine.Process(Frames.Tcp(ClientIp, 42000, Vip, 80, TcpFlags.Ack), _output, 1);
        Assert.Equal(new RealServerConnections(1, 0), engine.GetRealServerConnections(0, server));
        engine.Process(Frames.Tcp(ClientIp, 42000, Vip, 80, TcpFlags.Ack | TcpFlags.Psh), _output, 2);
        Assert.Equal(new RealServerConnections(1, 0), engine.GetRealServerConnections(0, server));
        engine.Process(Frames.Tcp(ClientIp, 42000, Vip, 80, TcpFlags.Rst), _output, 3);
        Assert.Equal(new RealServerConnections(0, 1), engine.GetRealServerConnections(0, server));

        // UDP flows are inactive.
        engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, 4);
        engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, 5);
        int udpServer = RealServerOf(MacAddress.ReadFrom(_output));
        Assert.Equal(new RealServerConnections(0, 1), engine.GetRealServerConnections(1, udpServer));

        // Expiry (the sweep once a second) removes them from the counts.
        long later = 4 + engine.Connections.Timeouts.UdpMilliseconds + DirectorEngine.ExpirySweepIntervalMilliseconds;
        engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, later);
        Assert.Equal(0, engine.Connections.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(default, engine.GetRealServerConnections(0, i));
        }

        Assert.Equal(default, engine.GetRealServerConnections(1, udpServer));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.GetRealServerConnections(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.GetRealServerConnections(2, 0));
    }

    [Fact]
    public void ReplacingAnExpiredEntryMovesItsCount()
    {
        var table = new ConnectionTable();
        var key = new ConnectionKey(LvsLab.Director.Rules.ServiceProtocol.Tcp, ClientIp, 1, Vip, 80);
        table.Create(key, 0, 0, TcpFlags.Syn, 0);
        table.TryTouch(key, TcpFlags.Ack, 1, out _);
        Assert.Equal(new RealServerConnections(1, 0), table.GetRealServerConnections(0, 0));
        table.Create(key, 0, 2, TcpFlags.Syn, 10_000_000);
        Assert.Equal(default, table.GetRealServerConnections(0, 0));
        Assert.Equal(new RealServerConnections(0, 1), table.GetRealServerConnections(0, 2));
        Assert.True(table.Remove(key));
        Assert.Equal(default, table.GetRealServerConnections(0, 2));
    }

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void EverySchedulerForwardsAndCountsInTheEngineWithoutAllocating(string name)
    {
        DirectorEngine engine = Engine(RulesFor(name));
        ushort[] ports = [.. Enumerable.Range(43000, 64).Select(p => (ushort)p)];
        byte[][] syns = [.. ports.Select(p => Frames.Tcp(new Ipv4Address(10, 0, 0, (byte)(50 + (p % 8))), p, Vip, 80, TcpFlags.Syn))];
        byte[][] acks = [.. ports.Select(p => Frames.Tcp(new Ipv4Address(10, 0, 0, (byte)(50 + (p % 8))), p, Vip, 80, TcpFlags.Ack))];
        long now = 0;
        for (int round = 0; round < 2; round++)
        {
            // Warm up: the same keys come back after expiring, reusing the table's slots.
            for (int i = 0; i < syns.Length; i++)
            {
                Assert.Equal(DecisionKind.Forward, engine.Process(syns[i], _output, now).Kind);
                engine.Process(acks[i], _output, now);
            }

            now += engine.Connections.Timeouts.TcpEstablishedMilliseconds + 1;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < syns.Length; i++)
            {
                engine.Process(syns[i], _output, now);
                engine.Process(acks[i], _output, now);
            }

            now += engine.Connections.Timeouts.TcpEstablishedMilliseconds + 1;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        int total = 0;
        for (int i = 0; i < 3; i++)
        {
            RealServerConnections counts = engine.GetRealServerConnections(0, i);
            Assert.Equal(0, counts.Inactive);
            total += counts.Active;
        }

        Assert.Equal(syns.Length, total);
    }

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void FuzzedFramesNeverThrowAndKeepTheCountsInStepWithTheTable(string name)
    {
        DirectorEngine engine = Engine(RulesFor(name), learnNeighbours: false);
        engine.Neighbours.Set(RealServerIps[0], RealServerMacs[0]);
        engine.Neighbours.Set(RealServerIps[2], RealServerMacs[2]);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        TcpFlags[] flags = [TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Ack | TcpFlags.Psh, TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Rst, TcpFlags.Syn | TcpFlags.Ack];
        byte[] output = new byte[2048];
        const int FrameCount = 20_000;
        for (int i = 0; i < FrameCount; i++)
        {
            var client = new Ipv4Address(10, 0, (byte)random.Next(4), (byte)random.Next(1, 255));
            ushort port = (ushort)random.Next(40000, 40064);
            byte[] frame = random.Next(5) == 0
                ? Frames.Udp(client, port, Vip, 53)
                : Frames.Tcp(client, port, Vip, 80, flags[random.Next(flags.Length)]);
            int length = frame.Length;
            if (random.Next(4) == 0)
            {
                frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                length = random.Next(frame.Length + 1);
            }

            Decision decision = engine.Process(frame.AsSpan(0, length), output, i * 50L);
            Assert.InRange(decision.Length, 0, output.Length);
        }

        Assert.Equal(FrameCount, engine.Counters.FramesIn);
        AssertCountedOnce(engine.Counters);
        Assert.True(engine.Counters.ForwardedPackets > 0);

        // The counts are exactly the table's entries per server and state.
        var expected = new Dictionary<(int, int), RealServerConnections>();
        foreach ((ConnectionKey _, ConnectionEntry entry) in engine.Connections.Entries)
        {
            expected.TryGetValue((entry.ServiceIndex, entry.RealServerIndex), out RealServerConnections counts);
            expected[(entry.ServiceIndex, entry.RealServerIndex)] = entry.State == ConnectionState.Established
                ? counts with { Active = counts.Active + 1 }
                : counts with { Inactive = counts.Inactive + 1 };
        }

        for (int service = 0; service < 2; service++)
        {
            for (int server = 0; server < engine.Rules.Services[service].RealServers.Count; server++)
            {
                expected.TryGetValue((service, server), out RealServerConnections counts);
                Assert.Equal(counts, engine.GetRealServerConnections(service, server));
            }
        }
    }

    private static string RulesFor(string scheduler) => DrLab.DefaultRules.Replace("-s rr", "-s " + scheduler, StringComparison.Ordinal);

    // Opens an established connection (SYN, then ACK) and returns its server.
    private int Open(DirectorEngine engine, ushort port, long now)
    {
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, now).Kind);
        int server = RealServerOf(MacAddress.ReadFrom(_output));
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Ack), _output, now + 1).Kind);
        Assert.Equal(server, RealServerOf(MacAddress.ReadFrom(_output)));
        return server;
    }
}
