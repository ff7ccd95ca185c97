using System.Buffers.Binary;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.Ipv6Lab;

namespace LvsLab.Director.Tests.Ipv6;

public class Ipv6EngineTests
{
    private readonly byte[] _output = new byte[4096];

    [Fact]
    public void ASolicitationForTheVipIsAnsweredWithTheDirectorsMac()
    {
        DirectorEngine engine = Engine();
        Decision decision = engine.Process(Solicitation(RouterMac, RouterIp, Vip), _output, 0);

        Assert.Equal(DecisionKind.ArpReply, decision.Kind);
        Assert.Equal(NeighbourAdvertisement.FrameLength, decision.Length);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        Assert.Equal(DirectorMac, MacAddress.ReadFrom(_output.AsSpan(6)));
        var ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.True(NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement advertisement, out PacketError error), error.ToString());
        Assert.Equal(Vip, advertisement.Target);
        Assert.Equal(RouterIp, ip.Destination);
        Assert.True(advertisement.Solicited);
        Assert.True(advertisement.TryGetTargetLinkLayerAddress(out MacAddress mac));
        Assert.Equal(DirectorMac, mac);

        // The router asked for the VIP, so its MAC is learned (NAT replies will go to it).
        Assert.True(engine.Neighbours.TryGet(RouterIp, out MacAddress learned));
        Assert.Equal(RouterMac, learned);
    }

    [Fact]
    public void SolicitationsForOtherAddressesFromNobodyOrWhileStandingByAreNotAnswered()
    {
        DirectorEngine engine = Engine();
        Assert.Equal(DecisionKind.Ignore, engine.Process(Solicitation(RouterMac, RouterIp, DirectorIp), _output, 0).Kind);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Solicitation(RouterMac, RouterIp, RealServerIps[0]), _output, 0).Kind);
        byte[] probe = DuplicateAddressProbe(RouterMac, Vip);
        Assert.True(NeighbourSolicitation.TryRead(new Ipv6Packet(probe.AsSpan(14)), out _, out PacketError error), error.ToString());
        Assert.Equal(DecisionKind.Ignore, engine.Process(probe, _output, 0).Kind);
        engine.Standby = true;
        Assert.Equal(DecisionKind.Ignore, engine.Process(Solicitation(RouterMac, RouterIp, Vip), _output, 0).Kind);
        Assert.Equal(0, engine.Counters.ArpReplies);
    }

    [Fact]
    public void DirectRoutingSpreadsConnectionsAndChangesOnlyTheMacs()
    {
        DirectorEngine engine = Engine();
        int[] perServer = new int[3];
        for (ushort port = 40000; port < 40030; port++)
        {
            byte[] frame = Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn);
            Decision decision = engine.Process(frame, _output, 5);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            Assert.Equal(frame.Length, decision.Length);
            int server = RealServerOf(MacAddress.ReadFrom(_output));
            perServer[server]++;
            Assert.Equal(DirectorMac, MacAddress.ReadFrom(_output.AsSpan(6)));

            // The IPv6 packet is byte for byte the client's, hop limit included.
            Assert.True(frame.AsSpan(12).SequenceEqual(_output.AsSpan(12, frame.Length - 12)));
        }

        Assert.Equal([10, 10, 10], perServer);
        Assert.Equal(30, engine.Connections.Count);

        // The connection's next segments follow it.
        engine.Process(Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 6);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void AnUnknownRealServerIsSolicitedOnceAndTheRetransmissionFollowsItsAnswer()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        byte[] syn = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);

        Decision first = engine.Process(syn, _output, 0);
        Assert.Equal(DecisionKind.ArpRequest, first.Kind);
        var ip = new Ipv6Packet(_output.AsSpan(14, first.Length - 14));
        Assert.True(NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation solicitation, out PacketError error), error.ToString());
        Assert.Equal(RealServerIps[0], solicitation.Target);
        Assert.Equal(RealServerIps[0].SolicitedNodeMulticast, ip.Destination);
        Assert.Equal(RealServerIps[0].SolicitedNodeMulticast.MulticastMacAddress, MacAddress.ReadFrom(_output));
        Assert.Equal(DirectorIp, ip.Source);

        // Within the second: no second solicitation.
        Assert.Equal(DecisionKind.Drop, engine.Process(syn, _output, 500).Kind);

        // The real server answers; the retransmitted SYN goes to it.
        Assert.Equal(DecisionKind.Ignore, engine.Process(Advertisement(RealServerMacs[0], RealServerIps[0]), _output, 600).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(syn, _output, 1000).Kind);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void AnAdvertisementNobodyAskedForTeachesNothing()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        Ipv6Address stranger = Ipv6Address.Parse("fd00:10:77:1::99");
        engine.Process(Advertisement(MacAddress.Parse("02:00:00:00:09:99"), stranger), _output, 0);
        Assert.False(engine.Neighbours.TryGet(stranger, out _));
    }

    [Fact]
    public void NatRewritesTheDestinationAndTheRepliesSourceWithValidChecksums()
    {
        DirectorEngine engine = Engine(NatRules);
        engine.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        engine.Neighbours.Set(NatRealServerIps[1], RealServerMacs[1]);

        byte[] syn = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, hopLimit: 63, payloadLength: 5);
        Decision decision = engine.Process(syn, _output, 0);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        var ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(NatRealServerIps[0], ip.Destination);
        Assert.Equal(ClientIp, ip.Source);
        Assert.Equal(62, ip.HopLimit);
        Assert.Equal(8080, BinaryPrimitives.ReadUInt16BigEndian(ip.Payload[2..]));
        Assert.True(TransportChecksumVerifies(_output.AsSpan(0, decision.Length)));

        // The reply from RIP:8080 leaves as VIP:80 towards the router.
        byte[] reply = Tcp(NatRealServerIps[0], 8080, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, sourceMac: RealServerMacs[0], payloadLength: 3);
        decision = engine.Process(reply, _output, 1);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(Vip, ip.Source);
        Assert.Equal(ClientIp, ip.Destination);
        Assert.Equal(63, ip.HopLimit);
        Assert.Equal(80, BinaryPrimitives.ReadUInt16BigEndian(ip.Payload));
        Assert.True(TransportChecksumVerifies(_output.AsSpan(0, decision.Length)));
        Assert.Equal(1, engine.Counters.GetServiceReplyTraffic(0).Packets);
    }

    [Fact]
    public void NatOverUdpKeepsAValidChecksumAndAnOrphanReplyIsDropped()
    {
        DirectorEngine engine = Engine(NatRules);
        engine.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        Decision decision = engine.Process(Udp(ClientIp, 5000, Vip, 53), _output, 0);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.True(TransportChecksumVerifies(_output.AsSpan(0, decision.Length)));
        Assert.Equal(5353, BinaryPrimitives.ReadUInt16BigEndian(_output.AsSpan(14 + 40 + 2)));

        // From the real server's service endpoint to a client it has no connection with.
        decision = engine.Process(Tcp(NatRealServerIps[1], 8080, ClientIp, 41000, TcpFlags.Ack, sourceMac: RealServerMacs[1]), _output, 1);
        Assert.Equal(DropReason.OrphanReply, decision.Reason);
    }

    [Fact]
    public void TunnellingWrapsTheClientsPacketInIpv6AndAnIpv4PacketToo()
    {
        DirectorEngine engine = Engine(TunRules);
        engine.Neighbours.Set(RouterIp, RouterMac);

        byte[] syn = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
        Decision decision = engine.Process(syn, _output, 0);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(syn.Length + 40, decision.Length);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        var outer = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(IpProtocol.Ipv6, outer.NextHeader);
        Assert.Equal(DirectorIp, outer.Source);
        Assert.Equal(TunRealServerIp, outer.Destination);
        Assert.True(syn.AsSpan(14).SequenceEqual(_output.AsSpan(14 + 40, syn.Length - 14)));

        // An IPv4 service's packet to an IPv6 real server: IPv4 in IPv6 (next header 4).
        byte[] v4 = Fixtures.Frames.Tcp(Ipv4Address.Parse("10.0.0.50"), 40000, Ipv4Address.Parse("10.0.0.100"), 80, TcpFlags.Syn, destinationMac: DirectorMac);
        decision = engine.Process(v4, _output, 1);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        outer = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(IpProtocol.IpInIp, outer.NextHeader);
        Assert.Equal(EtherType.Ipv6, BinaryPrimitives.ReadUInt16BigEndian(_output.AsSpan(12)));
        Assert.True(v4.AsSpan(14).SequenceEqual(_output.AsSpan(14 + 40, v4.Length - 14)));
    }

    [Fact]
    public void ATunnelledPacketTooBigForTheLinkIsAnsweredWithPacketTooBig()
    {
        DirectorEngine engine = Engine(TunRules, mtu: 1400);
        byte[] big = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, payloadLength: 1400 - 40 - 20 - 10);
        Decision decision = engine.Process(big, _output, 0);

        Assert.Equal(DecisionKind.IcmpError, decision.Kind);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        var ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(IpProtocol.Icmpv6, ip.NextHeader);
        Assert.Equal(ClientIp, ip.Destination);
        Assert.Equal(DirectorIp, ip.Source);
        Assert.True(Icmpv6Message.TryRead(ip.Payload, out Icmpv6Message icmp, out _));
        Assert.Equal(Icmpv6Message.TypePacketTooBig, icmp.Type);
        Assert.Equal(1400u - 40, icmp.Mtu);
        Assert.True(TransportChecksumVerifies(_output.AsSpan(0, decision.Length)));

        // One that fits is wrapped.
        byte[] fits = Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn, payloadLength: 1400 - 40 - 20 - 40);
        Assert.Equal(DecisionKind.Forward, engine.Process(fits, _output, 1).Kind);
    }

    [Fact]
    public void PersistenceWithAPrefixKeepsAClientNetworkOnOneRealServer()
    {
        DirectorEngine engine = Engine(DrRules.Replace("-s rr\n", "-s rr -p 60 -M 64\n", StringComparison.Ordinal));
        var servers = new HashSet<MacAddress>();
        for (int host = 1; host <= 20; host++)
        {
            Ipv6Address client = new(ClientIp.High, (ulong)host);
            Assert.Equal(DecisionKind.Forward, engine.Process(Tcp(client, 40000, Vip, 80, TcpFlags.Syn), _output, host).Kind);
            servers.Add(MacAddress.ReadFrom(_output));
        }

        Assert.Single(servers);

        // Another /64 is another client network, free to go elsewhere.
        Ipv6Address other = Ipv6Address.Parse("fd00:10:78::10");
        engine.Process(Tcp(other, 40000, Vip, 80, TcpFlags.Syn), _output, 50);
        Assert.NotEqual(servers.Single(), MacAddress.ReadFrom(_output));
    }

    [Theory]
    [InlineData("fragment", DropReason.Fragment)]
    [InlineData("later fragment", DropReason.Fragment)]
    [InlineData("ah", DropReason.BadIpv6ExtensionHeaders)]
    [InlineData("hop limit 1", DropReason.TtlExpired)]
    [InlineData("truncated", DropReason.TruncatedIpv6)]
    [InlineData("short tcp", DropReason.TruncatedTcp)]
    [InlineData("udp checksum 0", DropReason.ZeroUdpChecksum)]
    [InlineData("version 4 in an ipv6 frame", DropReason.BadIpVersion)]
    public void MalformedIpv6IsCountedAndDropped(string what, DropReason expected)
    {
        DirectorEngine engine = Engine(NatRules);
        byte[] frame = what switch
        {
            "fragment" => Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, extensionType: IpProtocol.Ipv6Fragment, moreFragments: true),
            "later fragment" => Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, extensionType: IpProtocol.Ipv6Fragment, fragmentOffset: 10),
            "ah" => Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, extensionType: IpProtocol.Ah),
            "hop limit 1" => Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, hopLimit: 1),
            "truncated" => Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn)[..50],
            "short tcp" => ShortTcp(),
            "udp checksum 0" => Udp(ClientIp, 5000, Vip, 53, checksum: 0),
            _ => VersionFour(),
        };

        Decision decision = engine.Process(frame, _output, 0);
        Assert.Equal(DecisionKind.Drop, decision.Kind);
        Assert.Equal(expected, decision.Reason);
        Assert.Equal(1, engine.Counters.GetDrops(expected));

        static byte[] ShortTcp()
        {
            byte[] full = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
            byte[] cut = full[..(14 + 40 + 12)];
            BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(14 + 4), 12);
            return cut;
        }

        static byte[] VersionFour()
        {
            byte[] frame = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
            frame[14] = (byte)((4 << 4) | (frame[14] & 0x0F));
            return frame;
        }
    }

    [Fact]
    public void AnExtensionHeaderBeforeTcpIsPassedOver()
    {
        DirectorEngine engine = Engine();
        byte[] frame = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, extensionType: IpProtocol.Ipv6DestinationOptions);
        Decision decision = engine.Process(frame, _output, 0);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(1, engine.Connections.Count);
    }

    [Fact]
    public void ARandomlyMutatedIpv6FrameNeverThrowsAndEveryFrameIsCountedOnce()
    {
        var random = new Random(6);
        DirectorEngine engine = Engine(NatRules);
        engine.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        engine.Neighbours.Set(NatRealServerIps[1], RealServerMacs[1]);
        byte[][] seeds =
        [
            Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, payloadLength: 8),
            Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, extensionType: IpProtocol.Ipv6DestinationOptions),
            Tcp(NatRealServerIps[0], 8080, ClientIp, 40000, TcpFlags.Ack, sourceMac: RealServerMacs[0]),
            Udp(ClientIp, 5000, Vip, 53),
            Solicitation(RouterMac, RouterIp, Vip),
            Advertisement(RealServerMacs[0], NatRealServerIps[0]),
        ];
        for (int i = 0; i < 100_000; i++)
        {
            byte[] frame = (byte[])seeds[i % seeds.Length].Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
            {
                frame[14 + random.Next(frame.Length - 14)] = (byte)random.Next(256);
            }

            if (random.Next(8) == 0)
            {
                frame = frame[..random.Next(14, frame.Length)];
            }

            _ = engine.Process(frame, _output, i);
        }

        Assert.Equal(100_000, engine.Counters.FramesIn);
        Assert.Equal(
            engine.Counters.FramesIn,
            engine.Counters.Ignored + engine.Counters.ForwardedPackets + engine.Counters.ArpReplies + engine.Counters.Dropped);
    }

    [Fact]
    public void ForwardingAnIpv6ConnectionAllocatesNothing()
    {
        DirectorEngine engine = Engine(NatRules);
        engine.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        engine.Neighbours.Set(NatRealServerIps[1], RealServerMacs[1]);
        byte[] syn = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
        byte[] ack = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack);
        byte[] reply = Tcp(NatRealServerIps[0], 8080, ClientIp, 40000, TcpFlags.Ack, sourceMac: RealServerMacs[0]);
        engine.Process(syn, _output, 0);
        engine.Process(ack, _output, 1);
        engine.Process(reply, _output, 2);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            engine.Process(ack, _output, 3);
            engine.Process(reply, _output, 3);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheMutantsMisbehaveOverIpv6AsOverIpv4()
    {
        // The faults the conformance suite's mutants use, so a check over IPv6 can be shown to bite.
        byte[] syn = Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
        DirectorEngine wrongMac = Engine(faults: DirectorFaults.DrSourceMac);
        wrongMac.Process(syn, _output, 0);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output.AsSpan(6)));

        DirectorEngine hop = Engine(faults: DirectorFaults.Ttl);
        hop.Process(syn, _output, 0);
        Assert.Equal(63, new Ipv6Packet(_output.AsSpan(14)).HopLimit);

        DirectorEngine first = Engine(faults: DirectorFaults.FirstServer);
        for (ushort port = 40000; port < 40010; port++)
        {
            first.Process(Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, 0);
            Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
        }

        DirectorEngine checksum = Engine(NatRules, faults: DirectorFaults.NatChecksum);
        checksum.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        Decision decision = checksum.Process(syn, _output, 0);
        Assert.False(TransportChecksumVerifies(_output.AsSpan(0, decision.Length)));

        DirectorEngine silent = Engine(faults: DirectorFaults.ArpSilent);
        Assert.Equal(DecisionKind.Ignore, silent.Process(Solicitation(RouterMac, RouterIp, Vip), _output, 0).Kind);
    }
}
