using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using LvsLab.Testing.Expectations;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.NatLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>
/// LVS-NAT on a two-port director: frame in on a port → decision, egress port and frame out, one
/// <see cref="FrameCase"/> per row; expected frames are the packet expectations' rewrite models and templates.
/// </summary>
public class NatEngineCaseTests
{
    private static readonly byte[] Syn = FromClient(40000, 80, TcpFlags.Syn);
    private static readonly byte[] SynWithData = FromClient(40000, 80, TcpFlags.Syn, payload: [1, 2, 3, 4, 5], ttl: 2);
    private static readonly byte[] ClientAsksForVip = Frames.ArpRequest(ClientMac, ClientIp, Vip);
    private static readonly byte[] RouterAsksForVip = Frames.ArpRequest(RouterMac, RouterIp, Vip);
    private static readonly byte[] RemoteSyn = FromClient(41000, 80, TcpFlags.Syn, client: RemoteClientIp, clientMac: RouterMac);
    private static readonly byte[] Dns = Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [7, 7, 7]);
    private static readonly byte[] DnsNoChecksum = Frames.WithUdpChecksum(Dns, 0);
    private static readonly byte[] DnsSecond = Frames.Udp(ClientIp, 5001, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [7, 7, 7]);
    private static readonly byte[] SynAck = FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack);
    private static readonly byte[] RemoteSynAck = FromServer(Rs1, Rs1Mac, 8080, 41000, TcpFlags.Syn | TcpFlags.Ack, client: RemoteClientIp);
    private static readonly byte[] DnsReplyFromRs2 = Frames.Udp(Rs2, 5353, ClientIp, 5001, sourceMac: Rs2Mac, destinationMac: IntMac, payload: [9, 9]);
    private static readonly byte[] DnsReplyNoChecksum = Frames.WithUdpChecksum(Frames.Udp(Rs1, 53, ClientIp, 5000, sourceMac: Rs1Mac, destinationMac: IntMac, payload: [9, 9]), 0);
    private static readonly byte[] DrSyn = FromClient(40000, 443, TcpFlags.Syn);

    private static readonly FrameCase[] Cases =
    [
        // Inbound: VIP:VPORT -> RIP:RPORT, TTL - 1, out the real servers' port.
        new("NAT inbound TCP SYN: destination 10.1.0.100:80 becomes 10.2.0.11:8080, TTL 63, out int",
            Nat(), [], Ext, Syn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs1, 8080, Rs1Mac, Syn)),
        new("NAT inbound TCP SYN with payload and IPv4 at TTL 2 leaves with TTL 1",
            Nat(), [], Ext, SynWithData,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs1, 8080, Rs1Mac, SynWithData)),
        new("NAT inbound UDP with a checksum: destination rewritten, checksum updated",
            Nat(), [], Ext, Dns,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs1, 53, Rs1Mac, Dns)),
        new("NAT inbound UDP with checksum 0 keeps checksum 0",
            Nat(), [], Ext, DnsNoChecksum,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs1, 53, Rs1Mac, DnsNoChecksum)),
        new("NAT inbound UDP port mapping 53 -> 5353 for the second real server",
            Nat(), [(Ext, Dns)], Ext, DnsSecond,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs2, 5353, Rs2Mac, DnsSecond)),
        new("NAT inbound from a remote client via the router is forwarded the same way",
            Nat(), [], Ext, RemoteSyn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: Request(Rs1, 8080, Rs1Mac, RemoteSyn)),
        new("NAT inbound with the real server's MAC unknown: ARP request for the RIP on int, from the int DIP",
            Nat(learnServers: false), [], Ext, Syn,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Int,
            Expected: ExpectedFrames.ArpRequest(IntMac, IntIp, Rs1, "rs1")),
        new("NAT inbound TCP ACK without a connection is dropped",
            Nat(), [], Ext, FromClient(40000, 80, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("NAT inbound TTL 1 is dropped",
            Nat(), [], Ext, FromClient(40000, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),

        // Outbound: RIP:RPORT -> VIP:VPORT, TTL - 1, out the client's port.
        new("NAT outbound SYN-ACK from 10.2.0.11:8080 leaves as 10.1.0.100:80 to the client's MAC learned from its ARP for the VIP",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Syn)], Int, SynAck,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: Reply(80, ClientMac, SynAck)),
        new("NAT outbound to a remote client goes to the gateway's MAC",
            Nat(), [(Ext, RouterAsksForVip), (Ext, RemoteSyn)], Int, RemoteSynAck,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: Reply(80, RouterMac, RemoteSynAck)),
        new("NAT outbound UDP reply from 10.2.0.12:5353 leaves as 10.1.0.100:53",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Dns), (Ext, DnsSecond)], Int, DnsReplyFromRs2,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: Reply(53, ClientMac, DnsReplyFromRs2)),
        new("NAT outbound UDP reply with checksum 0 keeps checksum 0",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Dns)], Int, DnsReplyNoChecksum,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: Reply(53, ClientMac, DnsReplyNoChecksum)),
        new("NAT outbound with the client's MAC unknown: ARP request for the CIP on ext, from the ext DIP",
            Nat(), [(Ext, Syn)], Int, SynAck,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Ext,
            Expected: ExpectedFrames.ArpRequest(ExtMac, ExtIp, ClientIp, "the client")),
        new("NAT outbound to a remote client with the gateway's MAC unknown: ARP request for the gateway",
            Nat(), [(Ext, RemoteSyn)], Int, RemoteSynAck,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Ext,
            Expected: ExpectedFrames.ArpRequest(ExtMac, ExtIp, RouterIp, "the gateway")),
        new("NAT outbound to a remote client without any gateway: no route",
            Nat(withGateway: false), [(Ext, RemoteSyn)], Int, RemoteSynAck,
            DecisionKind.Drop, DropReason.NoRoute),
        new("NAT outbound with TTL 1 is dropped",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),
        new("NAT outbound with a bad IP checksum is dropped",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Syn)], Int, Frames.WithIp(FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack), f => f[24] ^= 0x55, fixChecksum: false),
            DecisionKind.Drop, DropReason.BadIpChecksum),
        new("orphan reply: the server's endpoint without a connection is dropped, never leaked",
            Nat(), [(Ext, ClientAsksForVip)], Int, SynAck,
            DecisionKind.Drop, DropReason.OrphanReply),
        new("orphan reply: UDP from a NAT server's endpoint (10.2.0.12:5353) without a connection",
            Nat(), [], Int, Frames.Udp(Rs2, 5353, ClientIp, 5000, sourceMac: Rs2Mac, destinationMac: IntMac),
            DecisionKind.Drop, DropReason.OrphanReply),
        new("reply from the right endpoint to another client port is an orphan",
            Nat(), [(Ext, ClientAsksForVip), (Ext, Syn)], Int, FromServer(Rs1, Rs1Mac, 8080, 40001, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.OrphanReply),
        new("a NAT server's other traffic (from port 22) is ignored",
            Nat(), [], Int, Frames.Tcp(Rs1, 22, ClientIp, 40000, TcpFlags.Ack, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("UDP from a TCP-only NAT endpoint (10.2.0.11:8080) is ignored",
            Nat(), [], Int, Frames.Udp(Rs1, 8080, ClientIp, 40000, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("a NAT server talking to the director's own address is left to the kernel",
            Nat(), [], Int, Frames.Tcp(Rs1, 8080, IntIp, 40000, TcpFlags.Ack, sourceMac: Rs1Mac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("ICMP from a NAT server is ignored",
            Nat(), [], Int, IcmpFrom(Rs1, Rs1Mac, ClientIp),
            DecisionKind.Ignore),

        // ARP and our own frames on two ports.
        new("ARP request for the VIP on its port (ext) is answered from ext's MAC",
            Nat(), [], Ext, ClientAsksForVip,
            DecisionKind.ArpReply, OutInterface: Ext,
            Expected: ExpectedFrames.ArpReply(ExtMac, Vip, ClientMac, ClientIp, "ext")),
        new("ARP request for the VIP arriving on the other port (int) is not answered",
            Nat(), [], Int, Frames.ArpRequest(Rs1Mac, Rs1, Vip),
            DecisionKind.Ignore),
        new("ARP request for the int DIP is left to the kernel",
            Nat(), [], Int, Frames.ArpRequest(Rs1Mac, Rs1, IntIp),
            DecisionKind.Ignore),
        new("our ext port's frame seen on int is ignored",
            Nat(), [], Int, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: ExtMac, destinationMac: IntMac),
            DecisionKind.Ignore),
        new("our int port's frame seen on ext is ignored",
            Nat(), [], Ext, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: IntMac, destinationMac: ExtMac),
            DecisionKind.Ignore),
        new("our int port's ARP seen on ext is ignored",
            Nat(), [], Ext, Frames.ArpRequest(IntMac, IntIp, Vip),
            DecisionKind.Ignore),
        new("IPv4 to the int port's MAC arriving on ext is ignored",
            Nat(), [], Ext, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, sourceMac: ClientMac, destinationMac: IntMac),
            DecisionKind.Ignore),

        // DR next to NAT on a multi-port director.
        new("DR service on the ext link: only the MACs change, out ext from ext's MAC",
            Nat(), [], Ext, DrSyn,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: ExpectedFrames.DirectRouted(DrSyn, ExtMac, DrServerMac, "the DR server")),
    ];

    public static TheoryData<string> CaseNames() => FrameCaseRunner.Names(Cases);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FrameGivesExpectedDecisionPortAndOutput(string description) => FrameCaseRunner.Run(Case(description));

    [Fact]
    public void CaseDescriptionsAreUnique() =>
        Assert.Equal(Cases.Length, Cases.Select(c => c.Description).Distinct().Count());

    /// <summary>The case described so.</summary>
    internal static FrameCase Case(string description) => FrameCaseRunner.Find(Cases, description);

    private static Func<DirectorEngine> Nat(bool learnServers = true, bool withGateway = true) => () => Engine(learnServers, withGateway);

    private static PacketTemplate Request(Ipv4Address rip, ushort ripPort, MacAddress ripMac, byte[] input) =>
        ExpectedFrames.NatRequest(input, rip, ripPort, IntMac, ripMac);

    private static PacketTemplate Reply(ushort vipPort, MacAddress nextHopMac, byte[] input) =>
        ExpectedFrames.NatReply(input, Vip, vipPort, ExtMac, nextHopMac);

    private static byte[] IcmpFrom(Ipv4Address source, MacAddress sourceMac, Ipv4Address destination)
    {
        byte[] frame = Frames.IcmpEcho(source, destination);
        sourceMac.WriteTo(frame.AsSpan(6));
        IntMac.WriteTo(frame);
        return frame;
    }
}
