using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using LvsLab.Testing.Expectations;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TunLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>
/// LVS-TUN on a two-port director, next to NAT and DR: frame in on a port → decision, egress
/// port and frame out, one <see cref="FrameCase"/> per row. Expected frames are the packet
/// expectations' rewrite models (masked where a correct director may choose, with this engine's
/// choices pinned) and templates of frames built with PacketDotNet.
/// </summary>
public class TunEngineCaseTests
{
    private static readonly byte[] Syn = FromClient(40000, 80, TcpFlags.Syn);
    private static readonly byte[] SynWithData = FromClient(40000, 80, TcpFlags.Syn, payload: [1, 2, 3, 4, 5], ttl: 2);
    private static readonly byte[] SecondSyn = FromClient(40001, 80, TcpFlags.Syn);
    private static readonly byte[] RemoteRsSyn = FromClient(40000, 81, TcpFlags.Syn);
    private static readonly byte[] RemoteClientSyn = FromClient(41000, 80, TcpFlags.Syn, client: RemoteClientIp, clientMac: RouterMac);
    private static readonly byte[] Dns = Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [7, 7, 7]);
    private static readonly byte[] DnsNoChecksum = Frames.WithUdpChecksum(Dns, 0);
    private static readonly byte[] SynNoDf = WithoutDf(Syn);
    private static readonly byte[] SynTos = Frames.WithIp(Syn, f => f[15] = 0x10);
    private static readonly byte[] PaddedDns = Padded(Frames.Udp(ClientIp, 5002, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac, payload: [1]));
    private static readonly byte[] ClientAsksForVip = Frames.ArpRequest(ClientMac, ClientIp, Vip);
    private static readonly byte[] RouterAsksForVip = Frames.ArpRequest(RouterMac, RouterIp, Vip);
    private static readonly byte[] Full1500 = SynOfLength(1500);
    private static readonly byte[] Fits1480 = SynOfLength(1480);
    private static readonly byte[] Over1481 = SynOfLength(1481);
    private static readonly byte[] Full1500NoDf = SynOfLength(1500, dontFragment: false);
    private static readonly byte[] RemoteFull1500 = SynOfLength(1500, clientPort: 41000, client: RemoteClientIp, clientMac: RouterMac);
    private static readonly byte[] Remote1500ToGatewayRs = SynOfLength(1500, vipPort: 81);
    private static readonly byte[] Syn600 = SynOfLength(600);
    private static readonly byte[] FromZero1500 = SynOfLength(1500, client: Ipv4Address.Any);
    private static readonly byte[] FromMulticast1500 = SynOfLength(1500, client: Ipv4Address.Parse("224.0.0.9"));
    private static readonly byte[] FromSubnetBroadcast1500 = SynOfLength(1500, client: Ipv4Address.Parse("10.1.0.255"));
    private static readonly byte[] NatSyn = FromClient(40000, 8080, TcpFlags.Syn);
    private static readonly byte[] DrSyn = FromClient(40000, 443, TcpFlags.Syn);
    private static readonly byte[] AckWithData = FromClient(40000, 80, TcpFlags.Ack, payload: [9]);
    private static readonly byte[] NatSynAck = Frames.Tcp(Rs2, 8080, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, 64, Rs2Mac, IntMac);

    private static readonly FrameCase[] Cases =
    [
        // Tunnelling: the client's packet unchanged inside an outer header DIP -> RIP.
        new("TUN TCP SYN to an on-link RIP: outer 10.2.0.1 -> 10.2.0.11, protocol 4, TTL 64, DF copied, out int to the RIP's MAC",
            Tun(), [], Ext, Syn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(Syn, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(Syn)),
        new("TUN keeps the inner packet byte for byte: TTL 2 stays 2, payload and checksums untouched",
            Tun(), [], Ext, SynWithData,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(SynWithData, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(SynWithData)),
        new("TUN second connection goes round robin to 10.2.0.12 with the next identification",
            Tun(), [(Ext, Syn)], Ext, SecondSyn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(SecondSyn, IntIp, Rs2, IntMac, Rs2Mac), Pinned: OuterHeader(SecondSyn, id: 1)),
        new("TUN later packets of a connection follow it",
            Tun(), [(Ext, Syn), (Ext, SecondSyn)], Ext, AckWithData,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(AckWithData, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(AckWithData, id: 2)),
        new("TUN UDP (--tun-type ipip) with a checksum",
            Tun(), [], Ext, Dns,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(Dns, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(Dns)),
        new("TUN UDP with checksum 0 keeps checksum 0",
            Tun(), [], Ext, DnsNoChecksum,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(DnsNoChecksum, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(DnsNoChecksum)),
        new("TUN without DF: the outer header has DF clear too",
            Tun(), [], Ext, SynNoDf,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(SynNoDf, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(SynNoDf)),
        new("TUN copies the type of service to the outer header",
            Tun(), [], Ext, SynTos,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(SynTos, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(SynTos)),
        new("TUN leaves the Ethernet padding out of the tunnel",
            Tun(), [], Ext, PaddedDns,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(PaddedDns, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(PaddedDns)),
        new("TUN from a remote client via the router is tunnelled the same way",
            Tun(), [], Ext, RemoteClientSyn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(RemoteClientSyn, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(RemoteClientSyn)),
        new("TUN to a RIP behind the gateway: outer from the ext DIP, out ext to the gateway's MAC",
            Tun(), [], Ext, RemoteRsSyn,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: ExpectedFrames.Tunnelled(RemoteRsSyn, ExtIp, RemoteRs, ExtMac, RouterMac), Pinned: OuterHeader(RemoteRsSyn)),
        new("TUN with the RIP's MAC unknown: ARP request for the RIP on int, from the int DIP",
            Tun(learn: false), [], Ext, Syn,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Int,
            Expected: ExpectedFrames.ArpRequest(IntMac, IntIp, Rs1, "rs1")),
        new("TUN to a RIP behind the gateway with the gateway's MAC unknown: ARP request for the gateway on ext",
            Tun(learn: false), [], Ext, RemoteRsSyn,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Ext,
            Expected: ExpectedFrames.ArpRequest(ExtMac, ExtIp, RouterIp, "the gateway")),
        new("TUN TCP ACK without a connection is dropped",
            Tun(), [], Ext, FromClient(40000, 80, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("TUN TTL 1 is dropped",
            Tun(), [], Ext, FromClient(40000, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),

        // Path MTU: wrapped length = IP length + 20 against the egress port's MTU.
        new("TUN DF packet of 1480 bytes fits a 1500 MTU exactly: 1500 bytes on the wire",
            Tun(), [], Ext, Fits1480,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(Fits1480, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(Fits1480)),
        new("TUN DF packet of 1500 bytes on a 1500 MTU port: ICMP fragmentation needed, MTU 1480, to the client's MAC",
            Tun(), [(Ext, ClientAsksForVip)], Ext, Full1500,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(Full1500, 1480, ClientMac)),
        new("TUN DF packet of 1481 bytes: ICMP fragmentation needed, MTU 1480",
            Tun(), [(Ext, ClientAsksForVip)], Ext, Over1481,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(Over1481, 1480, ClientMac)),
        new("TUN DF packet of 600 bytes on a 576 MTU port: ICMP fragmentation needed, MTU 556",
            Tun(intMtu: 576), [(Ext, ClientAsksForVip)], Ext, Syn600,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(Syn600, 556, ClientMac)),
        new("TUN DF packet of 1500 bytes on a 9000 MTU port is tunnelled (1520 bytes)",
            Tun(intMtu: 9000), [], Ext, Full1500,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.Tunnelled(Full1500, IntIp, Rs1, IntMac, Rs1Mac), Pinned: OuterHeader(Full1500)),
        new("TUN DF packet too big from a remote client: ICMP to the remote client through the router's MAC",
            Tun(), [(Ext, RouterAsksForVip)], Ext, RemoteFull1500,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(RemoteFull1500, 1480, RouterMac)),
        new("TUN DF packet too big for the tunnel through the gateway (ext, MTU 1500): ICMP MTU 1480",
            Tun(), [(Ext, ClientAsksForVip)], Ext, Remote1500ToGatewayRs,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(Remote1500ToGatewayRs, 1480, ClientMac)),
        new("TUN ICMP identification follows the tunnelled packets'",
            Tun(), [(Ext, ClientAsksForVip), (Ext, SecondSyn)], Ext, Full1500,
            DecisionKind.IcmpError, DropReason.FragmentationNeeded, OutInterface: Ext,
            Expected: TooBig(Full1500, 1480, ClientMac), Pinned: [new(PacketField.IpIdentification, 1)]),
        new("TUN DF packet too big with the client's MAC unknown: ARP request for the client instead of the ICMP",
            Tun(), [], Ext, Full1500,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved, OutInterface: Ext,
            Expected: ExpectedFrames.ArpRequest(ExtMac, ExtIp, ClientIp, "the client")),
        new("TUN packet too big without DF: dropped as TooBig (no fragmentation)",
            Tun(), [(Ext, ClientAsksForVip)], Ext, Full1500NoDf,
            DecisionKind.Drop, DropReason.TooBig),
        new("TUN DF packet too big from 0.0.0.0: dropped, no ICMP",
            Tun(), [], Ext, FromZero1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),
        new("TUN DF packet too big from a multicast source: dropped, no ICMP",
            Tun(), [], Ext, FromMulticast1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),
        new("TUN DF packet too big from the ext subnet's broadcast address: dropped, no ICMP",
            Tun(), [], Ext, FromSubnetBroadcast1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),

        // NAT and DR next to TUN on one engine.
        new("NAT service next to TUN: destination 10.1.0.100:8080 becomes 10.2.0.12:8080, TTL 63, out int",
            Tun(), [], Ext, NatSyn,
            DecisionKind.Forward, OutInterface: Int,
            Expected: ExpectedFrames.NatRequest(NatSyn, Rs2, 8080, IntMac, Rs2Mac)),
        new("NAT reply next to TUN: source 10.2.0.12:8080 becomes 10.1.0.100:8080 towards the client",
            Tun(), [(Ext, ClientAsksForVip), (Ext, NatSyn)], Int, NatSynAck,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: ExpectedFrames.NatReply(NatSynAck, Vip, 8080, ExtMac, ClientMac)),
        new("DR service next to TUN: only the MACs change, out ext",
            Tun(), [], Ext, DrSyn,
            DecisionKind.Forward, OutInterface: Ext,
            Expected: ExpectedFrames.DirectRouted(DrSyn, ExtMac, DrServerMac, "the DR server")),
        new("a TUN real server's own traffic (its reply from the VIP) is not the director's",
            Tun(), [], Int, Frames.Tcp(Rs1, 80, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, 64, Rs1Mac, IntMac),
            DecisionKind.Ignore),
        new("ARP request for the VIP on ext is answered from ext's MAC",
            Tun(), [], Ext, ClientAsksForVip,
            DecisionKind.ArpReply, OutInterface: Ext,
            Expected: ExpectedFrames.ArpReply(ExtMac, Vip, ClientMac, ClientIp, "ext")),
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

    private static Func<DirectorEngine> Tun(bool learn = true, int intMtu = DirectorInterface.DefaultMtu) => () => Engine(learn, intMtu: intMtu);

    // This engine's choices in the fields the model leaves free, which the old per-case checks
    // held it to: outer TTL 64 and DF copied from the inner header; in the cases about it, the
    // identification from its counter (one per packet it sends). Elsewhere the identification
    // (and ECN) stay free: any value passes.
    private static PinnedField[] OuterHeader(byte[] input, ushort? id = null)
    {
        var inner = PacketTemplate.FromFrame(input, "inner");
        PinnedField[] policy =
        [
            new(PacketField.IpTtl, 64),
            new(PacketField.IpDontFragment, inner.ReadNumber(PacketField.IpDontFragment)),
        ];
        return id is ushort identification ? [.. policy, new(PacketField.IpIdentification, identification)] : policy;
    }

    // ICMP fragmentation needed (type 3 code 4), which the engine writes itself, from the ext DIP
    // and its MAC: the exact bytes TunLab.FragmentationNeeded builds with PacketDotNet (next-hop
    // MTU, the client's IP header and 8 bytes quoted, ICMP checksum, TOS 0xC0, TTL 64, DF clear)
    // except the IP identification, which varies from packet to packet (each sender numbers its
    // own datagrams, RFC 6864); the IP checksum covers it, so it is masked too and required valid.
    private static PacketTemplate TooBig(byte[] input, ushort nextHopMtu, MacAddress nextHopMac) =>
        PacketTemplate.FromFrame(FragmentationNeeded(input, ExtIp, nextHopMtu, ExtMac, nextHopMac), $"ICMP fragmentation needed, MTU {nextHopMtu}")
            .Ignore(PacketField.IpIdentification, PacketField.IpChecksum)
            .RequireValidChecksum(PacketField.IpChecksum);

    private static byte[] Padded(byte[] frame)
    {
        byte[] padded = new byte[Math.Max(60, frame.Length)];
        frame.CopyTo(padded, 0);
        padded.AsSpan(frame.Length).Fill(0xEE);
        return padded;
    }
}
