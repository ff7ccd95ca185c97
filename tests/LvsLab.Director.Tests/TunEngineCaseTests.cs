using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TunLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>
/// LVS-TUN on a two-port director, next to NAT and DR: frame in on a port → decision, egress
/// port and frame out, one case per row. Expected frames are built with PacketDotNet.
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

    private static readonly TunFrameCase[] Cases =
    [
        // Tunnelling: the client's packet unchanged inside an outer header DIP -> RIP.
        new("TUN TCP SYN to an on-link RIP: outer 10.2.0.1 -> 10.2.0.11, protocol 4, TTL 64, DF copied, out int to the RIP's MAC",
            [], Ext, Syn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(Syn, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN keeps the inner packet byte for byte: TTL 2 stays 2, payload and checksums untouched",
            [], Ext, SynWithData,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(SynWithData, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN second connection goes round robin to 10.2.0.12 with the next identification",
            [(Ext, Syn)], Ext, SecondSyn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(SecondSyn, IntIp, Rs2, IntMac, Rs2Mac, id: 1)),
        new("TUN later packets of a connection follow it",
            [(Ext, Syn), (Ext, SecondSyn)], Ext, FromClient(40000, 80, TcpFlags.Ack, payload: [9]),
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(FromClient(40000, 80, TcpFlags.Ack, payload: [9]), IntIp, Rs1, IntMac, Rs1Mac, id: 2)),
        new("TUN UDP (--tun-type ipip) with a checksum",
            [], Ext, Dns,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(Dns, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN UDP with checksum 0 keeps checksum 0",
            [], Ext, DnsNoChecksum,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(DnsNoChecksum, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN without DF: the outer header has DF clear too",
            [], Ext, SynNoDf,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(SynNoDf, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN copies the type of service to the outer header",
            [], Ext, SynTos,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(SynTos, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN leaves the Ethernet padding out of the tunnel",
            [], Ext, PaddedDns,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(PaddedDns, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN from a remote client via the router is tunnelled the same way",
            [], Ext, RemoteClientSyn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(RemoteClientSyn, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN to a RIP behind the gateway: outer from the ext DIP, out ext to the gateway's MAC",
            [], Ext, RemoteRsSyn,
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Tunnelled(RemoteRsSyn, ExtIp, RemoteRs, ExtMac, RouterMac)),
        new("TUN with the RIP's MAC unknown: ARP request for the RIP on int, from the int DIP",
            [], Ext, Syn,
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Int,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, IntMac, IntIp, MacAddress.Zero, Rs1, MacAddress.Broadcast),
            Learn: false),
        new("TUN to a RIP behind the gateway with the gateway's MAC unknown: ARP request for the gateway on ext",
            [], Ext, RemoteRsSyn,
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Ext,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, RouterIp, MacAddress.Broadcast),
            Learn: false),
        new("TUN TCP ACK without a connection is dropped",
            [], Ext, FromClient(40000, 80, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("TUN TTL 1 is dropped",
            [], Ext, FromClient(40000, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),

        // Path MTU: wrapped length = IP length + 20 against the egress port's MTU.
        new("TUN DF packet of 1480 bytes fits a 1500 MTU exactly: 1500 bytes on the wire",
            [], Ext, Fits1480,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(Fits1480, IntIp, Rs1, IntMac, Rs1Mac)),
        new("TUN DF packet of 1500 bytes on a 1500 MTU port: ICMP fragmentation needed, MTU 1480, to the client's MAC",
            [(Ext, ClientAsksForVip)], Ext, Full1500,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(Full1500, ExtIp, 1480, ExtMac, ClientMac)),
        new("TUN DF packet of 1481 bytes: ICMP fragmentation needed, MTU 1480",
            [(Ext, ClientAsksForVip)], Ext, Over1481,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(Over1481, ExtIp, 1480, ExtMac, ClientMac)),
        new("TUN DF packet of 600 bytes on a 576 MTU port: ICMP fragmentation needed, MTU 556",
            [(Ext, ClientAsksForVip)], Ext, Syn600,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(Syn600, ExtIp, 556, ExtMac, ClientMac),
            IntMtu: 576),
        new("TUN DF packet of 1500 bytes on a 9000 MTU port is tunnelled (1520 bytes)",
            [], Ext, Full1500,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Tunnelled(Full1500, IntIp, Rs1, IntMac, Rs1Mac),
            IntMtu: 9000),
        new("TUN DF packet too big from a remote client: ICMP to the remote client through the router's MAC",
            [(Ext, RouterAsksForVip)], Ext, RemoteFull1500,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(RemoteFull1500, ExtIp, 1480, ExtMac, RouterMac)),
        new("TUN DF packet too big for the tunnel through the gateway (ext, MTU 1500): ICMP MTU 1480",
            [(Ext, ClientAsksForVip)], Ext, Remote1500ToGatewayRs,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(Remote1500ToGatewayRs, ExtIp, 1480, ExtMac, ClientMac)),
        new("TUN ICMP identification follows the tunnelled packets'",
            [(Ext, ClientAsksForVip), (Ext, SecondSyn)], Ext, Full1500,
            DecisionKind.Reply, DropReason.FragmentationNeeded, OutPort: Ext,
            ExpectedOutput: FragmentationNeeded(Full1500, ExtIp, 1480, ExtMac, ClientMac, id: 1)),
        new("TUN DF packet too big with the client's MAC unknown: ARP request for the client instead of the ICMP",
            [], Ext, Full1500,
            DecisionKind.Reply, DropReason.NeighbourUnresolved, OutPort: Ext,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, ExtMac, ExtIp, MacAddress.Zero, ClientIp, MacAddress.Broadcast)),
        new("TUN packet too big without DF: dropped as TooBig (no fragmentation)",
            [(Ext, ClientAsksForVip)], Ext, Full1500NoDf,
            DecisionKind.Drop, DropReason.TooBig),
        new("TUN DF packet too big from 0.0.0.0: dropped, no ICMP",
            [], Ext, FromZero1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),
        new("TUN DF packet too big from a multicast source: dropped, no ICMP",
            [], Ext, FromMulticast1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),
        new("TUN DF packet too big from the ext subnet's broadcast address: dropped, no ICMP",
            [], Ext, FromSubnetBroadcast1500,
            DecisionKind.Drop, DropReason.FragmentationNeeded),

        // NAT and DR next to TUN on one engine.
        new("NAT service next to TUN: destination 10.1.0.100:8080 becomes 10.2.0.12:8080, TTL 63, out int",
            [], Ext, NatSyn,
            DecisionKind.Forward, OutPort: Int,
            ExpectedOutput: Frames.Tcp(ClientIp, 40000, Rs2, 8080, TcpFlags.Syn, 63, IntMac, Rs2Mac)),
        new("NAT reply next to TUN: source 10.2.0.12:8080 becomes 10.1.0.100:8080 towards the client",
            [(Ext, ClientAsksForVip), (Ext, NatSyn)], Int, Frames.Tcp(Rs2, 8080, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, 64, Rs2Mac, IntMac),
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Frames.Tcp(Vip, 8080, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, 63, ExtMac, ClientMac)),
        new("DR service next to TUN: only the MACs change, out ext",
            [], Ext, DrSyn,
            DecisionKind.Forward, OutPort: Ext,
            ExpectedOutput: Frames.Tcp(ClientIp, 40000, Vip, 443, TcpFlags.Syn, 64, ExtMac, DrServerMac)),
        new("a TUN real server's own traffic (its reply from the VIP) is not the director's",
            [], Int, Frames.Tcp(Rs1, 80, ClientIp, 40000, TcpFlags.Syn | TcpFlags.Ack, 64, Rs1Mac, IntMac),
            DecisionKind.Ignore),
        new("ARP request for the VIP on ext is answered from ext's MAC",
            [], Ext, ClientAsksForVip,
            DecisionKind.Reply, OutPort: Ext,
            ExpectedOutput: Frames.ArpReply(ExtMac, Vip, ClientMac, ClientIp)),
    ];

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (TunFrameCase frameCase in Cases)
        {
            names.Add(frameCase.Description);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FrameGivesExpectedDecisionPortAndOutput(string description)
    {
        TunFrameCase frameCase = Array.Find(Cases, c => c.Description == description)!;
        DirectorEngine engine = Engine(frameCase.Learn, intMtu: frameCase.IntMtu);
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
            if (decision.Kind == DecisionKind.Forward && actual[23] == IpProtocol.IpInIp)
            {
                AssertTunnelled(actual, frameCase.Input, new Ipv4Packet(actual.AsSpan(14)).Source, new Ipv4Packet(actual.AsSpan(14)).Destination);
            }
            else if (decision.Reason == DropReason.FragmentationNeeded)
            {
                AssertFragmentationNeeded(actual, frameCase.Input, new IcmpMessage(actual.AsSpan(34)).NextHopMtu);
            }
            else if (decision.Kind == DecisionKind.Forward)
            {
                NatLab.AssertChecksumsValid(actual);
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

    private static byte[] Padded(byte[] frame)
    {
        byte[] padded = new byte[Math.Max(60, frame.Length)];
        frame.CopyTo(padded, 0);
        padded.AsSpan(frame.Length).Fill(0xEE);
        return padded;
    }
}
