using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TunLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

public class TunEngineTests
{
    private readonly byte[] _output = new byte[70_000];

    [Fact]
    public void CountersCountTunnelledFramesPerRealServerWithTheOuterHeader()
    {
        DirectorEngine engine = Engine();
        engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0);
        byte[] syn = FromClient(40000, 80, TcpFlags.Syn);
        byte[] second = FromClient(40001, 80, TcpFlags.Syn);
        byte[] ack = FromClient(40000, 80, TcpFlags.Ack, payload: [1, 2, 3]);
        byte[] remote = FromClient(40000, 81, TcpFlags.Syn);
        foreach (byte[] frame in (byte[][])[syn, second, ack, remote])
        {
            Assert.Equal(DecisionKind.Forward, engine.Process(Ext, frame, _output, 1).Kind);
        }

        Assert.Equal(DecisionKind.IcmpError, engine.Process(Ext, SynOfLength(1500, clientPort: 40002), _output, 2).Kind);
        Assert.Equal(DropReason.TooBig, engine.Process(Ext, SynOfLength(1500, dontFragment: false, clientPort: 40003), _output, 3).Reason);

        DirectorCounters counters = engine.Counters;
        Assert.Equal(new TrafficCounter(2, (54 + 20) + (57 + 20)), counters.GetRealServerTraffic(0, 0));
        Assert.Equal(new TrafficCounter(1, 54 + 20), counters.GetRealServerTraffic(0, 1));
        Assert.Equal(new TrafficCounter(1, 54 + 20), counters.GetRealServerTraffic(1, 0));
        Assert.Equal(new TrafficCounter(3, (2 * 74) + 77), counters.GetServiceTraffic(0));
        Assert.Equal(4, counters.ForwardedPackets);
        Assert.Equal((3 * 74) + 77, counters.ForwardedBytes);
        Assert.Equal(0, counters.ReplyPackets);
        Assert.Equal(1, counters.IcmpSent);
        Assert.Equal(1, counters.GetDrops(DropReason.FragmentationNeeded));
        Assert.Equal(1, counters.GetDrops(DropReason.TooBig));
        Assert.Equal(0, counters.GetDrops(DropReason.UnsupportedForwardingMethod));
        Assert.Equal(1, counters.ArpReplies);
        Assert.Equal(0, counters.ArpRequests);
        Assert.Equal(7, counters.FramesIn);
        DrLab.AssertCountedOnce(counters);
    }

    [Fact]
    public void IcmpQuotesTheClientHeaderWithItsOptionsAndEightBytes()
    {
        DirectorEngine engine = Engine();
        engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0);
        byte[] withOptions = WithNopOptions(SynOfLength(1500));
        Assert.Equal(1504, (withOptions[16] << 8) | withOptions[17]);

        Decision decision = engine.Process(Ext, withOptions, _output, 1);

        Assert.Equal(new Decision(DecisionKind.IcmpError, 14 + 20 + 8 + 24 + 8, DropReason.FragmentationNeeded, Ext), decision);
        byte[] sent = _output[..decision.Length];
        Assert.Equal(FragmentationNeeded(withOptions, ExtIp, 1480, ExtMac, ClientMac), sent);
        AssertFragmentationNeeded(sent, withOptions, 1480);
    }

    [Fact]
    public void IcmpGoesOutThePortThatRoutesToTheClientFromTheIngressPortsAddress()
    {
        // A client on the int subnet reaching the VIP through the int port: the ICMP comes
        // from the int DIP and goes back out int.
        DirectorEngine engine = Engine(intMtu: 1400);
        var client = Ipv4Address.Parse("10.2.0.77");
        var clientMac = MacAddress.Parse("02:00:00:00:02:77");
        engine.Neighbours.Set(client, clientMac);
        byte[] big = Frames.Tcp(client, 40000, Vip, 80, TcpFlags.Syn, 64, clientMac, IntMac, new byte[1400]);

        Decision decision = engine.Process(Int, big, _output, 0);

        Assert.Equal(DecisionKind.IcmpError, decision.Kind);
        Assert.Equal(Int, decision.Interface);
        Assert.Equal(FragmentationNeeded(big, IntIp, 1380, IntMac, clientMac), _output[..decision.Length]);
    }

    [Fact]
    public void OutputTooSmallForTheWrappedFrameIsRefusedWithoutWriting()
    {
        DirectorEngine engine = Engine();
        byte[] syn = FromClient(40000, 80, TcpFlags.Syn);
        byte[] small = new byte[syn.Length + 19];
        Assert.Equal(Decision.Drop(DropReason.OutputTooSmall), engine.Process(Ext, syn, small, 0));
        Assert.All(small, b => Assert.Equal(0, b));

        // The connection exists: with room, the retransmission is tunnelled to the same server.
        byte[] enough = new byte[syn.Length + 20];
        Decision decision = engine.Process(Ext, syn, enough, 1);
        Assert.Equal(new Decision(DecisionKind.Forward, syn.Length + 20, DropReason.None, Int), decision);
        Assert.Equal(Tunnelled(syn, IntIp, Rs1, IntMac, Rs1Mac), enough);
        DrLab.AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void OuterIdentificationCountsUpAndWraps()
    {
        DirectorEngine engine = Engine();
        byte[] udp = Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac);
        for (int i = 0; i < 65_538; i++)
        {
            Decision decision = engine.Process(Ext, udp, _output, 0);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            if (i is 0 or 1 or 65_535 or 65_536 or 65_537)
            {
                Assert.Equal((ushort)i, new Ipv4Packet(_output.AsSpan(14)).Identification);
                Assert.True(new Ipv4Packet(_output.AsSpan(14, 20)).IsHeaderChecksumValid);
            }
        }
    }

    [Fact]
    public void TunnelRealServerInAServiceWithNatAndDrServersGetsItsShareTunnelled()
    {
        DirectorEngine engine = DrLab.Engine("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:8080 -m\n-a -t 10.0.0.100:80 -r 10.0.0.12 -i\n-a -t 10.0.0.100:80 -r 10.0.0.13 -g\n");
        byte[][] syns = [.. Enumerable.Range(1, 3).Select(p => Frames.Tcp(DrLab.ClientIp, (ushort)p, DrLab.Vip, 80, TcpFlags.Syn))];

        Decision nat = engine.Process(syns[0], _output, 0);
        Assert.Equal(DecisionKind.Forward, nat.Kind);
        Assert.Equal(DrLab.RealServerIps[0], Ipv4Address.ReadFrom(_output.AsSpan(30)));

        Decision tunnel = engine.Process(syns[1], _output, 0);
        Assert.Equal(new Decision(DecisionKind.Forward, syns[1].Length + 20, DropReason.None), tunnel);
        Assert.Equal(Tunnelled(syns[1], DrLab.DirectorIp, DrLab.RealServerIps[1], DrLab.DirectorMac, DrLab.RealServerMacs[1]), _output[..tunnel.Length]);

        Decision direct = engine.Process(syns[2], _output, 0);
        Assert.Equal(Frames.DirectRouted(syns[2], DrLab.RealServerMacs[2]), _output[..direct.Length]);
    }

    [Fact]
    public void MtuIsOnePortPropertyOfTheOptions()
    {
        DirectorOptions options = Options(extMtu: 9000, intMtu: 68);
        Assert.Equal(9000, options.Interfaces[Ext].Mtu);
        Assert.Equal(68, options.Interfaces[Int].Mtu);
        Assert.Equal(DirectorInterface.DefaultMtu, new DirectorInterface("x", ExtMac, ExtIp, 24).Mtu);
        Assert.NotEqual(Options(), options);

        // At the smallest MTU a SYN with 8 bytes of data fits (48 + 20 = 68); one with 9 does not.
        DirectorEngine engine = new(options, IpvsRuleParser.Parse(TunLab.Rules, "tun.ipvs"));
        engine.Neighbours.Set(Rs1, Rs1Mac);
        engine.Neighbours.Set(ClientIp, ClientMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(1, 80, TcpFlags.Syn, payload: new byte[8]), _output, 0).Kind);
        Decision decision = engine.Process(Ext, FromClient(2, 80, TcpFlags.Syn, payload: new byte[9]), _output, 0);
        Assert.Equal(DropReason.FragmentationNeeded, decision.Reason);
        Assert.Equal(48, new IcmpMessage(_output.AsSpan(34)).NextHopMtu);
    }

    [Fact]
    public void TunForwardsAndIcmpRepliesDoNotAllocate()
    {
        DirectorEngine engine = Engine(intMtu: 1400);
        engine.Neighbours.Set(ClientIp, ClientMac);
        var stranger = Ipv4Address.Parse("10.1.0.77");
        (int Port, byte[] Frame)[] frames =
        [
            (Ext, FromClient(40000, 80, TcpFlags.Ack, payload: [1, 2, 3])),
            (Ext, FromClient(40001, 80, TcpFlags.Ack, payload: new byte[1300])),
            (Ext, Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac)),
            (Ext, FromClient(40000, 81, TcpFlags.Ack)),
            (Ext, SynOfLength(1400, clientPort: 40010)),
            (Ext, SynOfLength(1500, clientPort: 40011)),
            (Ext, SynOfLength(1500, dontFragment: false, clientPort: 40012)),
            (Ext, SynOfLength(1500, clientPort: 40013, client: stranger)),
            (Ext, FromClient(40000, 8080, TcpFlags.Ack)),
            (Int, Frames.Tcp(Rs2, 8080, ClientIp, 40000, TcpFlags.Ack, 64, Rs2Mac, IntMac)),
            (Ext, FromClient(40000, 443, TcpFlags.Ack)),
            (Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip)),
        ];
        engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 0);
        engine.Process(Ext, FromClient(40001, 80, TcpFlags.Syn), _output, 0);
        engine.Process(Ext, FromClient(40000, 81, TcpFlags.Syn), _output, 0);
        engine.Process(Ext, FromClient(40000, 8080, TcpFlags.Syn), _output, 0);
        engine.Process(Ext, FromClient(40000, 443, TcpFlags.Syn), _output, 0);
        foreach ((int port, byte[] frame) in frames)
        {
            engine.Process(port, frame, _output, 1);
        }

        long forwardedBefore = engine.Counters.ForwardedPackets;
        long icmpBefore = engine.Counters.IcmpSent;
        long arpBefore = engine.Counters.ArpRequests;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 12_000; i++)
        {
            (int port, byte[] frame) = frames[i % frames.Length];
            engine.Process(port, frame, _output, 2 + i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(7 * 1_000, engine.Counters.ForwardedPackets - forwardedBefore);
        Assert.Equal(2 * 1_000, engine.Counters.IcmpSent - icmpBefore);
        Assert.True(engine.Counters.ArpRequests - arpBefore > 0);
        DrLab.AssertCountedOnce(engine.Counters);
    }

    // Adds a 4-byte option (NOP, NOP, NOP, end of list) to the IPv4 header: IHL 6.
    private static byte[] WithNopOptions(byte[] frame)
    {
        byte[] result = new byte[frame.Length + 4];
        frame.AsSpan(0, 34).CopyTo(result);
        result.AsSpan(34, 4).Fill(1);
        result[37] = 0;
        frame.AsSpan(34).CopyTo(result.AsSpan(38));
        var ip = new Ipv4Packet(result.AsSpan(14)) { Ihl = 6 };
        ip.TotalLength += 4;
        ip.UpdateHeaderChecksum();
        return result;
    }
}
