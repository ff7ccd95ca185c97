using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.NatLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>LVS-NAT on a two-port director: frame in on a port → decision, egress port and frame out, one case per row.</summary>
public class NatEngineCaseTests
{
    private static readonly byte[] Syn = FromClient(40000, 80, TcpFlags.Syn);
    private static readonly byte[] ClientAsksForVip = Frames.ArpRequest(ClientMac, ClientIp, Vip);
    private static readonly byte[] RouterAsksForVip = Frames.ArpRequest(RouterMac, RouterIp, Vip);
    private static readonly byte[] RemoteSyn = FromClient(41000, 80, TcpFlags.Syn, client: RemoteClientIp, clientMac: RouterMac);
    private static readonly byte[] Dns = Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [7, 7, 7]);
    private static readonly byte[] DnsSecond = Frames.Udp(ClientIp, 5001, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [7, 7, 7]);

    private static readonly NatFrameCase[] Cases =
    [
        // Inbound: VIP:VPORT -> RIP:RPORT, TTL - 1, out the real servers' port.
        new("NAT inbound TCP SYN: destination 10.1.0.100:80 becomes 10.2.0.11:8080, TTL 63, out int",
            [], Ext, Syn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: ToServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn)),
        new("NAT inbound TCP SYN with payload and IPv4 at TTL 2 leaves with TTL 1",
            [], Ext, FromClient(40000, 80, TcpFlags.Syn, payload: [1, 2, 3, 4, 5], ttl: 2),
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: ToServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn, payload: [1, 2, 3, 4, 5], ttl: 1)),
        new("NAT inbound UDP with a checksum: destination rewritten, checksum updated",
            [], Ext, Dns,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Frames.Udp(ClientIp, 5000, Rs1, 53, ttl: 63, sourceMac: IntMac, destinationMac: Rs1Mac, payload: [7, 7, 7])),
        new("NAT inbound UDP with checksum 0 keeps checksum 0",
            [], Ext, Frames.WithUdpChecksum(Dns, 0),
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Frames.WithUdpChecksum(Frames.Udp(ClientIp, 5000, Rs1, 53, ttl: 63, sourceMac: IntMac, destinationMac: Rs1Mac, payload: [7, 7, 7]), 0)),
        new("NAT inbound UDP port mapping 53 -> 5353 for the second real server",
            [(Ext, Dns)], Ext, DnsSecond,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Frames.Udp(ClientIp, 5001, Rs2, 5353, ttl: 63, sourceMac: IntMac, destinationMac: Rs2Mac, payload: [7, 7, 7])),
        new("NAT inbound from a remote client via the router is forwarded the same way",
            [], Ext, RemoteSyn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: ToServer(Rs1, Rs1Mac, 8080, 41000, TcpFlags.Syn, client: RemoteClientIp)),
        new("NAT inbound with the real server's MAC unknown: ARP request for the RIP on int, from the int DIP",
            [], Ext, Syn,
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Int,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, IntMac, IntIp, MacAddress.Zero, Rs1, MacAddress.Broadcast),
            LearnServers: false),
        new("NAT inbound TCP ACK without a connection is dropped",
            [], Ext, FromClient(40000, 80, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("NAT inbound TTL 1 is dropped",
            [], Ext, FromClient(40000, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),

        // Outbound: RIP:RPORT -> VIP:VPORT, TTL - 1, out the client's port.
        new("NAT outbound SYN-ACK from 10.2.0.11:8080 leaves as 10.1.0.100:80 to the client's MAC learned from its ARP for the VIP",
            [(Ext, ClientAsksForVip), (Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: ToClient(80, 40000, TcpFlags.Syn | TcpFlags.Ack)),
        new("NAT outbound to a remote client goes to the gateway's MAC",
            [(Ext, RouterAsksForVip), (Ext, RemoteSyn)], Int, FromServer(Rs1, Rs1Mac, 8080, 41000, TcpFlags.Syn | TcpFlags.Ack, client: RemoteClientIp),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: ToClient(80, 41000, TcpFlags.Syn | TcpFlags.Ack, client: RemoteClientIp, nextHopMac: RouterMac)),
        new("NAT outbound UDP reply from 10.2.0.12:5353 leaves as 10.1.0.100:53",
            [(Ext, ClientAsksForVip), (Ext, Dns), (Ext, DnsSecond)], Int,
            Frames.Udp(Rs2, 5353, ClientIp, 5001, sourceMac: Rs2Mac, destinationMac: IntMac, payload: [9, 9]),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Frames.Udp(Vip, 53, ClientIp, 5001, ttl: 63, sourceMac: ExtMac, destinationMac: ClientMac, payload: [9, 9])),
        new("NAT outbound UDP reply with checksum 0 keeps checksum 0",
            [(Ext, ClientAsksForVip), (Ext, Dns)], Int,
            Frames.WithUdpChecksum(Frames.Udp(Rs1, 53, ClientIp, 5000, sourceMac: Rs1Mac, destinationMac: IntMac, payload: [9, 9]), 0),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Frames.WithUdpChecksum(Frames.Udp(Vip, 53, ClientIp, 5000, ttl: 63, sourceMac: ExtMac, destinationMac: ClientMac, payload: [9, 9]), 0)),
        new("NAT outbound with the client's MAC unknown: ARP request for the CIP on ext, from the ext DIP",
            [(Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack),
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Ext,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, ClientIp, MacAddress.Broadcast)),
        new("NAT outbound to a remote client with the gateway's MAC unknown: ARP request for the gateway",
            [(Ext, RemoteSyn)], Int, FromServer(Rs1, Rs1Mac, 8080, 41000, TcpFlags.Syn | TcpFlags.Ack, client: RemoteClientIp),
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Ext,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, RouterIp, MacAddress.Broadcast)),
        new("NAT outbound to a remote client without any gateway: no route",
            [(Ext, RemoteSyn)], Int, FromServer(Rs1, Rs1Mac, 8080, 41000, TcpFlags.Syn | TcpFlags.Ack, client: RemoteClientIp),
            DecisionKind.Drop, DropReason.NoRoute,
            WithGateway: false),
        new("NAT outbound with TTL 1 is dropped",
            [(Ext, ClientAsksForVip), (Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),
        new("NAT outbound with a bad IP checksum is dropped",
            [(Ext, ClientAsksForVip), (Ext, Syn)], Int, Frames.WithIp(FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack), f => f[24] ^= 0x55, fixChecksum: false),
            DecisionKind.Drop, DropReason.BadIpChecksum),
        new("orphan reply: the server's endpoint without a connection is dropped, never leaked",
            [(Ext, ClientAsksForVip)], Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack),
            DecisionKind.Drop, DropReason.OrphanReply),
        new("orphan reply: UDP from a NAT server's endpoint (10.2.0.12:5353) without a connection",
            [], Int, Frames.Udp(Rs2, 5353, ClientIp, 5000, sourceMac: Rs2Mac, destinationMac: IntMac),
            DecisionKind.Drop, DropReason.OrphanReply),
        new("reply from the right endpoint to another client port is an orphan",
            [(Ext, ClientAsksForVip), (Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40001, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.OrphanReply),
        new("a NAT server's other traffic (from port 22) is ignored",
            [], Int, Frames.Tcp(Rs1, 22, ClientIp, 40000, TcpFlags.Ack, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("UDP from a TCP-only NAT endpoint (10.2.0.11:8080) is ignored",
            [], Int, Frames.Udp(Rs1, 8080, ClientIp, 40000, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("a NAT server talking to the director's own address is left to the kernel",
            [], Int, Frames.Tcp(Rs1, 8080, IntIp, 40000, TcpFlags.Ack, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("ICMP from a NAT server is ignored",
            [], Int, IcmpFrom(Rs1, Rs1Mac, ClientIp),
            DecisionKind.Ignore),

        // ARP and our own frames on two ports.
        new("ARP request for the VIP on its port (ext) is answered from ext's MAC",
            [], Ext, ClientAsksForVip,
            DecisionKind.Reply, OutPort: Ext,
            ExpectedOutput: Frames.ArpReply(ExtMac, Vip, ClientMac, ClientIp)),
        new("ARP request for the VIP arriving on the other port (int) is not answered",
            [], Int, Frames.ArpRequest(Rs1Mac, Rs1, Vip),
            DecisionKind.Ignore),
        new("ARP request for the int DIP is left to the kernel",
            [], Int, Frames.ArpRequest(Rs1Mac, Rs1, IntIp),
            DecisionKind.Ignore),
        new("our ext port's frame seen on int is ignored",
            [], Int, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: ExtMac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("our int port's frame seen on ext is ignored",
            [], Ext, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: IntMac, destinationMac: ExtMac),
            DecisionKind.Ignore),
        new("our int port's ARP seen on ext is ignored",
            [], Ext, Frames.ArpRequest(IntMac, IntIp, Vip),
            DecisionKind.Ignore),
        new("IPv4 to the int port's MAC arriving on ext is ignored",
            [], Ext, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: ClientMac, destinationMac: IntMac),
            DecisionKind.Ignore),

        // DR next to NAT on a multi-port director.
        new("DR service on the ext link: only the MACs change, out ext from ext's MAC",
            [], Ext, FromClient(40000, 443, TcpFlags.Syn),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Frames.Tcp(ClientIp, 40000, Vip, 443, TcpFlags.Syn, 64, ExtMac, DrServerMac)),
    ];

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (NatFrameCase frameCase in Cases)
        {
            names.Add(frameCase.Description);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FrameGivesExpectedDecisionPortAndOutput(string description)
    {
        NatFrameCase frameCase = Array.Find(Cases, c => c.Description == description)!;
        DirectorEngine engine = Engine(frameCase.LearnServers, frameCase.WithGateway);
        byte[] scratch = new byte[2048];
        long now = 1_000;
        foreach ((int port, byte[] frame) in frameCase.Prelude)
        {
            Decision step = engine.Process(port, frame, scratch, now++);
            Assert.True(step.Kind is DecisionKind.Forward or DecisionKind.Reply, $"prelude step: {step}");
        }

        byte[] output = new byte[frameCase.Input.Length + 64];
        Decision decision = engine.Process(frameCase.InPort, frameCase.Input, output, now);

        Assert.Equal(frameCase.Kind, decision.Kind);
        Assert.Equal(frameCase.Reason, decision.Reason);
        if (frameCase.ExpectedOutput is { } expected)
        {
            Assert.Equal(frameCase.OutPort, decision.Port);
            Assert.Equal(expected.Length, decision.Length);
            byte[] actual = output[..decision.Length];
            Assert.True(
                expected.AsSpan().SequenceEqual(actual),
                $"expected {Convert.ToHexString(expected)}\nactual   {Convert.ToHexString(actual)}");
            if (decision.Kind == DecisionKind.Forward)
            {
                AssertChecksumsValid(actual);
            }
        }
        else
        {
            Assert.Equal(0, decision.Length);
            Assert.All(output, b => Assert.Equal(0, b));
        }

        Lab.AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void CaseDescriptionsAreUnique() =>
        Assert.Equal(Cases.Length, Cases.Select(c => c.Description).Distinct().Count());

    private static byte[] IcmpFrom(Ipv4Address source, MacAddress sourceMac, Ipv4Address destination)
    {
        byte[] frame = Frames.IcmpEcho(source, destination);
        sourceMac.WriteTo(frame.AsSpan(6));
        IntMac.WriteTo(frame);
        return frame;
    }
}
