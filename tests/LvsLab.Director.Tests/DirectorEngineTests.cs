using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests;

public class DirectorEngineTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void PacketsOfOneConnectionGoToOneServer()
    {
        DirectorEngine engine = Engine();
        TcpFlags[] sequence = [TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Ack | TcpFlags.Psh, TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Ack];
        var servers = new HashSet<MacAddress>();
        long now = 0;
        foreach (TcpFlags flags in sequence)
        {
            Decision decision = engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, flags), _output, now += 10);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            servers.Add(MacAddress.ReadFrom(_output));
        }

        Assert.Equal(RealServerMacs[0], Assert.Single(servers));
        Assert.Equal(1, engine.Connections.Count);

        // A second connection from another port is scheduled to the next server.
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn), _output, now);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void ThirtySynsOverThreeServersWithRoundRobinGiveTenEach()
    {
        DirectorEngine engine = Engine();
        int[] perServer = new int[3];
        for (ushort port = 50000; port < 50030; port++)
        {
            Decision decision = engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, 5);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            perServer[RealServerOf(MacAddress.ReadFrom(_output))]++;
        }

        Assert.Equal([10, 10, 10], perServer);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(10, engine.Counters.GetRealServerTraffic(0, i).Packets);
        }

        Assert.Equal(30, engine.Counters.GetServiceTraffic(0).Packets);
        Assert.Equal(0, engine.Counters.GetServiceTraffic(1).Packets);
        Assert.Equal(30, engine.Counters.ForwardedPackets);
        Assert.Equal(30L * 54, engine.Counters.ForwardedBytes);
    }

    [Fact]
    public void UnresolvedNeighbourSendsOneArpRequestPerSecondThenForwardsToTheSameServer()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        byte[] syn = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);

        Decision first = engine.Process(syn, _output, 1_000);
        Assert.Equal(new Decision(DecisionKind.ArpRequest, 42, DropReason.NeighbourUnresolved), first);
        byte[] expectedRequest = new byte[42];
        engine.WriteArpRequest(RealServerIps[0], expectedRequest);
        Assert.Equal(expectedRequest, _output[..42]);

        // The retransmitted SYN within the second: no second ARP request.
        Assert.Equal(Decision.Drop(DropReason.NeighbourUnresolved), engine.Process(syn, _output, 1_500));

        // The real server answers; the director learns its MAC.
        Decision learned = engine.Process(Frames.ArpReply(RealServerMacs[0], RealServerIps[0], DirectorMac, DirectorIp), _output, 1_600);
        Assert.Equal(DecisionKind.Ignore, learned.Kind);
        Assert.True(engine.Neighbours.TryGet(RealServerIps[0], out MacAddress mac));
        Assert.Equal(RealServerMacs[0], mac);

        // The next retransmission goes to the server chosen first.
        Assert.Equal(DecisionKind.Forward, engine.Process(syn, _output, 3_000).Kind);
        Assert.Equal(Frames.DirectRouted(syn, RealServerMacs[0]), _output[..syn.Length]);

        Assert.Equal(1, engine.Counters.ArpRequests);
        Assert.Equal(2, engine.Counters.GetDrops(DropReason.NeighbourUnresolved));
        Assert.Equal(1, engine.Counters.ForwardedPackets);
        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void ArpRequestIsRepeatedAfterOneSecond()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        byte[] syn = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
        Assert.Equal(DecisionKind.ArpRequest, engine.Process(syn, _output, 0).Kind);
        Assert.Equal(DecisionKind.Drop, engine.Process(syn, _output, 999).Kind);
        Assert.Equal(DecisionKind.ArpRequest, engine.Process(syn, _output, 1_000).Kind);
    }

    [Fact]
    public void GratuitousArpFromRealServerUpdatesItsMac()
    {
        DirectorEngine engine = Engine();
        var newMac = MacAddress.Parse("02:00:00:00:09:99");
        byte[] gratuitous = Frames.ArpRequest(newMac, RealServerIps[0], RealServerIps[0]);
        Assert.Equal(DecisionKind.Ignore, engine.Process(gratuitous, _output, 0).Kind);

        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 1);
        Assert.Equal(newMac, MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void ArpRequestFromRealServerTeachesItsMacButOtherSendersAreNotLearned()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        engine.Process(Frames.ArpRequest(RealServerMacs[1], RealServerIps[1], DirectorIp), _output, 0);
        engine.Process(Frames.ArpRequest(ClientMac, ClientIp, DirectorIp), _output, 0);
        engine.Process(Frames.ArpRequest(RealServerMacs[2], RealServerIps[2], ClientIp, ClientMac), _output, 0);

        Assert.True(engine.Neighbours.TryGet(RealServerIps[1], out MacAddress mac));
        Assert.Equal(RealServerMacs[1], mac);
        Assert.True(engine.Neighbours.TryGet(RealServerIps[2], out mac));
        Assert.Equal(RealServerMacs[2], mac);
        Assert.False(engine.Neighbours.TryGet(ClientIp, out _));
        Assert.Equal(2, engine.Neighbours.Count);
    }

    [Fact]
    public void ExpiredConnectionIsScheduledAgain()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 1_000);

        // Established: 900 s of silence are allowed, not more.
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 900_999).Kind);
        Assert.Equal(Decision.Drop(DropReason.NoConnection), engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 1_801_000));

        // A new SYN on the same ports is a new connection: the next server in rotation.
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 1_801_001);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
        Assert.Equal(1, engine.Connections.Count);
    }

    [Fact]
    public void ConnectionsNoPacketLooksUpAgainAreSweptOnceExpired()
    {
        DirectorEngine engine = Engine();
        for (ushort port = 41000; port < 41100; port++)
        {
            engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, 10);
        }

        Assert.Equal(100, engine.Connections.Count);

        // Any later frame, even one not for a VIP, lets the engine sweep (at most once a second).
        engine.Process(Frames.Tcp(ClientIp, 40000, Ipv4Address.Parse("10.0.0.200"), 80, TcpFlags.Syn), _output, 60_000);
        Assert.Equal(100, engine.Connections.Count);
        engine.Process(Frames.Tcp(ClientIp, 40000, Ipv4Address.Parse("10.0.0.200"), 80, TcpFlags.Syn), _output, 120_010);
        Assert.Equal(0, engine.Connections.Count);
    }

    [Fact]
    public void SynOnlyConnectionExpiresAfter120Seconds()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 119_999).Kind);

        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn), _output, 0);
        Assert.Equal(DecisionKind.Drop, engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 120_000).Kind);
    }

    [Fact]
    public void UdpFlowSticksToOneServerAndExpiresAfter300Seconds()
    {
        DirectorEngine engine = Engine();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, i * 1000).Kind);
            Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
        }

        engine.Process(Frames.Udp(ClientIp, 5000, Vip, 53), _output, 2_000 + 300_000);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
        Assert.Equal(4, engine.Counters.GetServiceTraffic(1).Packets);
    }

    [Fact]
    public void ServiceWithOnlyZeroWeightsDropsNewConnections()
    {
        DirectorEngine engine = Engine("-A -t 10.0.0.100:80 -s wrr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -g -w 0\n");
        Assert.Equal(Decision.Drop(DropReason.NoRealServer), engine.Process(Frames.Tcp(ClientIp, 1, Vip, 80, TcpFlags.Syn), _output, 0));
    }

    [Fact]
    public void RealServerWithAnUndefinedForwardingMethodIsNotForwarded()
    {
        var rules = new RuleSet(
        [
            new VirtualService(ServiceProtocol.Tcp, Vip, 80, "rr", [new RealServer(RealServerIps[0], 80, (ForwardingMethod)99, 1)]),
        ]);
        var engine = new DirectorEngine(new DirectorOptions(DirectorMac, DirectorIp), rules);
        engine.Neighbours.Set(RealServerIps[0], RealServerMacs[0]);
        Assert.Equal(Decision.Drop(DropReason.UnsupportedForwardingMethod), engine.Process(Frames.Tcp(ClientIp, 2, Vip, 80, TcpFlags.Syn), _output, 0));
    }

    [Fact]
    public void OutputBufferSmallerThanTheFrameIsRefusedWithoutWriting()
    {
        DirectorEngine engine = Engine();
        byte[] syn = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
        byte[] small = new byte[syn.Length - 1];
        Assert.Equal(Decision.Drop(DropReason.OutputTooSmall), engine.Process(syn, small, 0));
        Assert.All(small, b => Assert.Equal(0, b));
    }

    [Fact]
    public void WriteArpRequestMatchesPacketDotNet()
    {
        DirectorEngine engine = Engine();
        byte[] output = new byte[64];
        int length = engine.WriteArpRequest(RealServerIps[2], output);
        Assert.Equal(42, length);
        Assert.Equal(
            Frames.Arp(ArpOperation.Request, DirectorMac, DirectorIp, MacAddress.Zero, RealServerIps[2], MacAddress.Broadcast),
            output[..length]);
        Assert.Throws<ArgumentException>(() => engine.WriteArpRequest(RealServerIps[2], new byte[41]));
    }

    [Fact]
    public void RealServerAddressesAreDistinctInRuleOrder()
    {
        DirectorEngine engine = Engine();
        Assert.Equal(RealServerIps.Select(ip => (IpAddress)ip), engine.RealServerAddresses);
    }

    [Fact]
    public void EngineRefusesSchedulerItDoesNotImplement()
    {
        var rules = new RuleSet([new VirtualService(ServiceProtocol.Tcp, Vip, 80, "lblc", [])]);
        ArgumentException error = Assert.Throws<ArgumentException>(() => new DirectorEngine(new DirectorOptions(DirectorMac, DirectorIp), rules));
        Assert.Contains("lblc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EngineRefusesMulticastMac() =>
        Assert.Throws<ArgumentException>(() => new DirectorEngine(new DirectorOptions(MacAddress.Broadcast, DirectorIp), RuleSet.Empty));

    [Fact]
    public void CountersEnumerateEveryDropReason()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 1, Vip, 80, TcpFlags.Ack), _output, 0);
        engine.Process(Frames.Tcp(ClientIp, 1, Vip, 81, TcpFlags.Syn), _output, 0);
        engine.Process(Frames.Tcp(ClientIp, 1, Vip, 81, TcpFlags.Syn), _output, 0);
        engine.Process(Frames.Tcp(ClientIp, 1, OtherIp, 81, TcpFlags.Syn), _output, 0);
        engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0);

        var drops = engine.Counters.EnumerateDrops().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(Enum.GetValues<DropReason>().Length - 1, drops.Count);
        Assert.Equal(1, drops[DropReason.NoConnection]);
        Assert.Equal(2, drops[DropReason.NoService]);
        Assert.Equal(3, engine.Counters.Dropped);
        Assert.Equal(1, engine.Counters.Ignored);
        Assert.Equal(1, engine.Counters.ArpReplies);
        Assert.Equal(5, engine.Counters.FramesIn);
        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void HotPathDoesNotAllocate()
    {
        DirectorEngine engine = Engine();
        byte[][] frames =
        [
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack),
            Frames.Udp(ClientIp, 5000, Vip, 53),
            Frames.ArpRequest(ClientMac, ClientIp, Vip),
            Frames.ArpRequest(RealServerMacs[0], RealServerIps[0], DirectorIp),
            Frames.Tcp(ClientIp, 40000, OtherIp, 80, TcpFlags.Ack),
            Frames.Tcp(ClientIp, 40000, Vip, 81, TcpFlags.Ack),
            Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack),
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack, ttl: 1),
        ];
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        foreach (byte[] frame in frames)
        {
            engine.Process(frame, _output, 1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            engine.Process(frames[i % frames.Length], _output, 2 + i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        // NAT on two ports: both directions, UDP, orphans, ARP on either port, rate-limited
        // ARP for an unknown client, our own frames.
        DirectorEngine nat = NatLab.Engine();
        nat.Neighbours.Set(TwoPortLab.ClientIp, TwoPortLab.ClientMac);
        var stranger = Ipv4Address.Parse("10.1.0.77");
        (int Port, byte[] Frame)[] natFrames =
        [
            (TwoPortLab.Ext, TwoPortLab.FromClient(40000, 80, TcpFlags.Ack, payload: [1, 2, 3])),
            (TwoPortLab.Int, NatLab.FromServer(TwoPortLab.Rs1, TwoPortLab.Rs1Mac, 8080, 40000, TcpFlags.Ack, payload: [4, 5, 6])),
            (TwoPortLab.Ext, Frames.Udp(TwoPortLab.ClientIp, 5000, TwoPortLab.Vip, 53, sourceMac: TwoPortLab.ClientMac, destinationMac: TwoPortLab.ExtMac)),
            (TwoPortLab.Int, Frames.Udp(TwoPortLab.Rs1, 53, TwoPortLab.ClientIp, 5000, sourceMac: TwoPortLab.Rs1Mac, destinationMac: TwoPortLab.IntMac)),
            (TwoPortLab.Int, NatLab.FromServer(TwoPortLab.Rs1, TwoPortLab.Rs1Mac, 8080, 40999, TcpFlags.Ack)),
            (TwoPortLab.Int, NatLab.FromServer(TwoPortLab.Rs2, TwoPortLab.Rs2Mac, 8080, 41000, TcpFlags.Ack, client: stranger)),
            (TwoPortLab.Ext, Frames.ArpRequest(TwoPortLab.ClientMac, TwoPortLab.ClientIp, TwoPortLab.Vip)),
            (TwoPortLab.Int, Frames.ArpRequest(TwoPortLab.Rs1Mac, TwoPortLab.Rs1, TwoPortLab.Vip)),
            (TwoPortLab.Ext, Frames.ArpReply(TwoPortLab.RouterMac, TwoPortLab.RouterIp, TwoPortLab.ExtMac, TwoPortLab.ExtIp)),
            (TwoPortLab.Int, Frames.Tcp(TwoPortLab.ClientIp, 1, TwoPortLab.Vip, 80, TcpFlags.Ack, sourceMac: TwoPortLab.ExtMac, destinationMac: TwoPortLab.IntMac)),
            (TwoPortLab.Int, Frames.Tcp(TwoPortLab.Rs1, 8080, TwoPortLab.IntIp, 9, TcpFlags.Ack, sourceMac: TwoPortLab.Rs1Mac, destinationMac: TwoPortLab.IntMac)),
            (TwoPortLab.Ext, TwoPortLab.FromClient(40000, 443, TcpFlags.Ack)),
        ];
        nat.Process(TwoPortLab.Ext, TwoPortLab.FromClient(40000, 80, TcpFlags.Syn), _output, 0);
        nat.Process(TwoPortLab.Ext, TwoPortLab.FromClient(40000, 443, TcpFlags.Syn), _output, 0);
        nat.Process(TwoPortLab.Ext, TwoPortLab.FromClient(41000, 80, TcpFlags.Syn, client: stranger), _output, 0);
        foreach ((int port, byte[] frame) in natFrames)
        {
            nat.Process(port, frame, _output, 1);
        }

        long forwardedBefore = nat.Counters.ForwardedPackets;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            (int port, byte[] frame) = natFrames[i % natFrames.Length];
            nat.Process(port, frame, _output, 2 + i);
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(nat.Counters.ForwardedPackets - forwardedBefore >= 5 * (10_000 / natFrames.Length));
        Assert.True(nat.Counters.ReplyPackets > 0);
    }

    [Fact]
    public void RandomAndMutatedFramesNeverThrowAndAreCountedOnce()
    {
        const int FrameCount = 200_000;
        var random = new Random(20240601);
        DirectorEngine engine = Engine(learnNeighbours: false);
        engine.Neighbours.Set(RealServerIps[0], RealServerMacs[0]);
        byte[][] seeds =
        [
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn),
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack, payload: [1, 2, 3, 4, 5]),
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Fin | TcpFlags.Ack),
            Frames.Udp(ClientIp, 5000, Vip, 53),
            Frames.IcmpEcho(ClientIp, Vip),
            Frames.ArpRequest(ClientMac, ClientIp, Vip),
            Frames.ArpReply(RealServerMacs[1], RealServerIps[1], DirectorMac, DirectorIp),
            WithOptionsAndPadding(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn)),
        ];
        byte[] frame = new byte[1600];
        byte[] output = new byte[frame.Length + 64];
        var kinds = new long[Enum.GetValues<DecisionKind>().Length];

        for (int i = 0; i < FrameCount; i++)
        {
            int length;
            if (random.Next(10) < 3)
            {
                length = random.Next(0, 120);
                random.NextBytes(frame.AsSpan(0, length));
                if (random.Next(2) == 0 && length >= 14)
                {
                    // Random bytes behind a header that reaches the interesting paths.
                    DrLab.DirectorMac.WriteTo(frame);
                    frame[12] = 0x08;
                    frame[13] = random.Next(2) == 0 ? (byte)0x00 : (byte)0x06;
                }
            }
            else
            {
                byte[] seed = seeds[random.Next(seeds.Length)];
                length = seed.Length;
                seed.CopyTo(frame, 0);

                // Vary the client port so new connections keep being made.
                if (length > 36 && frame[12] == 0x08 && frame[13] == 0x00)
                {
                    frame[34] = (byte)random.Next(256);
                }

                int mutations = random.Next(0, 5);
                for (int m = 0; m < mutations; m++)
                {
                    switch (random.Next(4))
                    {
                        case 0:
                            frame[random.Next(length)] ^= (byte)(1 << random.Next(8));
                            break;
                        case 1:
                            frame[random.Next(length)] = (byte)random.Next(256);
                            break;
                        case 2:
                            length = random.Next(0, length + 1);
                            break;
                        default:
                            int extra = random.Next(0, 64);
                            random.NextBytes(frame.AsSpan(length, extra));
                            length += extra;
                            break;
                    }

                    if (length == 0)
                    {
                        break;
                    }
                }

                if (random.Next(2) == 0 && length >= 34 && frame[12] == 0x08 && frame[13] == 0x00 && (frame[14] & 0x0F) >= 5)
                {
                    // Repair the IP checksum half the time so later checks are reached.
                    int headerLength = (frame[14] & 0x0F) * 4;
                    if (14 + headerLength <= length)
                    {
                        new Ipv4Packet(frame.AsSpan(14, headerLength)).UpdateHeaderChecksum();
                    }
                }
            }

            Decision decision = engine.Process(frame.AsSpan(0, length), output, i * 7L);
            kinds[(int)decision.Kind]++;
            Assert.InRange(decision.Length, 0, output.Length);
        }

        DirectorCounters counters = engine.Counters;
        Assert.Equal(FrameCount, counters.FramesIn);
        AssertCountedOnce(counters);
        Assert.Equal(kinds[(int)DecisionKind.Forward], counters.ForwardedPackets);
        Assert.Equal(kinds[(int)DecisionKind.Ignore], counters.Ignored);
        Assert.Equal(kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError], counters.ArpReplies + counters.ArpRequests);

        // The mix reaches every outcome.
        // Every kind of outcome seen (the frames the engine generates taken together).
        Assert.All([kinds[(int)DecisionKind.Ignore], kinds[(int)DecisionKind.Forward], kinds[(int)DecisionKind.Drop], kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError]], count => Assert.True(count > 0));
        Assert.True(counters.GetDrops(DropReason.BadIpChecksum) > 0);
        Assert.True(counters.GetDrops(DropReason.NoConnection) > 0);
        Assert.True(counters.GetDrops(DropReason.NeighbourUnresolved) > 0);
    }

    private static byte[] WithOptionsAndPadding(byte[] frame)
    {
        byte[] result = new byte[frame.Length + 4 + 6];
        frame.AsSpan(0, 34).CopyTo(result);
        result[34] = 1;
        result[35] = 1;
        result[36] = 1;
        result[37] = 0;
        frame.AsSpan(34).CopyTo(result.AsSpan(38));
        var ip = new Ipv4Packet(result.AsSpan(14)) { Ihl = 6 };
        ip.TotalLength += 4;
        ip.UpdateHeaderChecksum();
        return result;
    }
}
