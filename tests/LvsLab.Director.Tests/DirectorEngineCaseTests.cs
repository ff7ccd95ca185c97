using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using LvsLab.Testing.Expectations;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests;

/// <summary>
/// DR on a one-port director: frame in → decision and frame out, one <see cref="FrameCase"/> per
/// row (Katran tester style); expected frames are the packet expectations' templates.
/// </summary>
public class DirectorEngineCaseTests
{
    // The DR lab's only port.
    private const int Lan = 0;

    private static readonly byte[] Syn = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
    private static readonly byte[] Dns = Frames.Udp(ClientIp, 40001, Vip, 53);
    private static readonly byte[] SynTtl2 = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 2);
    private static readonly byte[] PaddedSyn = [.. Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, payload: [1, 2, 3]), 0, 0, 0, 0];

    private static readonly FrameCase[] Cases =
    [
        new("ARP request for the VIP is answered with the director's MAC",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, Vip),
            DecisionKind.ArpReply,
            Expected: ExpectedFrames.ArpReply(DirectorMac, Vip, ClientMac, ClientIp, "the director")),
        new("unicast ARP request for the VIP to our MAC is answered",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, Vip, DirectorMac),
            DecisionKind.ArpReply,
            Expected: ExpectedFrames.ArpReply(DirectorMac, Vip, ClientMac, ClientIp, "the director")),
        new("ARP request for another address is ignored",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, OtherIp),
            DecisionKind.Ignore),
        new("ARP request for the DIP is left to the kernel",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, DirectorIp),
            DecisionKind.Ignore),
        new("unicast ARP request for the VIP to another host is not answered",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, Vip, RealServerMacs[0]),
            DecisionKind.Ignore),
        new("ARP reply is not answered",
            Dr(), [], Lan, Frames.ArpReply(ClientMac, ClientIp, DirectorMac, DirectorIp),
            DecisionKind.Ignore),
        new("ARP with our own source MAC is ignored",
            Dr(), [], Lan, Frames.ArpRequest(DirectorMac, DirectorIp, Vip),
            DecisionKind.Ignore),
        new("ARP truncated to 20 bytes of payload is dropped",
            Dr(), [], Lan, Frames.ArpRequest(ClientMac, ClientIp, Vip)[..34],
            DecisionKind.Drop, DropReason.TruncatedArp),
        new("TCP SYN to VIP:80 goes to the first real server; only the MACs change",
            Dr(), [], Lan, Syn,
            DecisionKind.Forward,
            Expected: ToRealServer(0, Syn)),
        new("UDP to VIP:53 goes to the first real server; only the MACs change",
            Dr(), [], Lan, Dns,
            DecisionKind.Forward,
            Expected: ToRealServer(0, Dns)),
        new("TTL 2 is forwarded with TTL unchanged",
            Dr(), [], Lan, SynTtl2,
            DecisionKind.Forward,
            Expected: ToRealServer(0, SynTtl2)),
        new("SYN with payload and Ethernet padding is forwarded byte for byte",
            Dr(), [], Lan, PaddedSyn,
            DecisionKind.Forward,
            Expected: ToRealServer(0, PaddedSyn))
        {
            Padding = [0, 0, 0, 0],
        },
        new("IPv4 options are allowed and forwarded unchanged",
            Dr(), [], Lan, WithOptions(Syn),
            DecisionKind.Forward,
            Expected: ToRealServer(0, WithOptions(Syn))),
        new("unknown real server MAC: ARP request for the RIP instead",
            Dr(learnNeighbours: false), [], Lan, Syn,
            DecisionKind.ArpRequest, DropReason.NeighbourUnresolved,
            Expected: ExpectedFrames.ArpRequest(DirectorMac, DirectorIp, RealServerIps[0], "rs1")),
        new("TCP ACK without a connection is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("TCP SYN+ACK without a connection is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn | TcpFlags.Ack),
            DecisionKind.Drop, DropReason.NoConnection),
        new("TCP RST without a connection is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Rst),
            DecisionKind.Drop, DropReason.NoConnection),
        new("TCP to a VIP port without a service is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 443, TcpFlags.Syn),
            DecisionKind.Drop, DropReason.NoService),
        new("UDP to a TCP-only port is dropped",
            Dr(), [], Lan, Frames.Udp(ClientIp, 40000, Vip, 80),
            DecisionKind.Drop, DropReason.NoService),
        new("ICMP to the VIP is dropped (no service)",
            Dr(), [], Lan, Frames.IcmpEcho(ClientIp, Vip),
            DecisionKind.Drop, DropReason.NoService),
        new("TCP to another address is ignored",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, OtherIp, 80, TcpFlags.Syn),
            DecisionKind.Ignore),
        new("TCP to the VIP but to another MAC is ignored",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, destinationMac: RealServerMacs[1]),
            DecisionKind.Ignore),
        new("our own forwarded frame seen again is ignored",
            Dr(), [], Lan, Frames.DirectRouted(Syn, RealServerMacs[0]),
            DecisionKind.Ignore),
        new("an IPv4 packet under the IPv6 EtherType is dropped (the director reads IPv6 now)",
            Dr(), [], Lan, WithEtherType(Syn, EtherType.Ipv6),
            DecisionKind.Drop, DropReason.BadIpVersion),
        new("frame shorter than an Ethernet header is dropped",
            Dr(), [], Lan, Syn[..13],
            DecisionKind.Drop, DropReason.TruncatedEthernet),
        new("IPv4 header cut at 19 bytes is dropped",
            Dr(), [], Lan, Syn[..33],
            DecisionKind.Drop, DropReason.TruncatedIpv4),
        new("IP version 6 in an IPv4 EtherType is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[14] = 0x65),
            DecisionKind.Drop, DropReason.BadIpVersion),
        new("IHL 4 is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[14] = 0x44, fixChecksum: false),
            DecisionKind.Drop, DropReason.BadIpHeaderLength),
        new("IHL beyond the frame is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn[..40], f => f[14] = 0x4F, fixChecksum: false),
            DecisionKind.Drop, DropReason.BadIpHeaderLength),
        new("total length beyond the frame is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[17] += 1),
            DecisionKind.Drop, DropReason.BadIpTotalLength),
        new("total length below the header length is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => { f[16] = 0; f[17] = 19; }),
            DecisionKind.Drop, DropReason.BadIpTotalLength),
        new("bad IP header checksum is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[25] ^= 0xFF, fixChecksum: false),
            DecisionKind.Drop, DropReason.BadIpChecksum),
        new("first fragment (MF) to the VIP is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[20] |= 0x20),
            DecisionKind.Drop, DropReason.Fragment),
        new("later fragment (offset) to the VIP is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[21] = 0x10),
            DecisionKind.Drop, DropReason.Fragment),
        new("TTL 1 is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop, DropReason.TtlExpired),
        new("TTL 0 is dropped",
            Dr(), [], Lan, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 0),
            DecisionKind.Drop, DropReason.TtlExpired),
        new("TCP header cut at 19 bytes is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn[..53], f => { f[16] = 0; f[17] = 39; }),
            DecisionKind.Drop, DropReason.TruncatedTcp),
        new("TCP data offset beyond the packet is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[46] = 0xF0),
            DecisionKind.Drop, DropReason.BadTcpDataOffset),
        new("TCP data offset 4 is dropped",
            Dr(), [], Lan, Frames.WithIp(Syn, f => f[46] = 0x40),
            DecisionKind.Drop, DropReason.BadTcpDataOffset),
        new("UDP header cut at 7 bytes is dropped",
            Dr(), [], Lan, Frames.WithIp(Dns[..41], f => { f[16] = 0; f[17] = 27; }),
            DecisionKind.Drop, DropReason.TruncatedUdp),
        new("UDP length beyond the packet is dropped",
            Dr(), [], Lan, Frames.WithIp(Dns, f => f[39] = 200),
            DecisionKind.Drop, DropReason.BadUdpLength),
    ];

    public static TheoryData<string> CaseNames() => FrameCaseRunner.Names(Cases);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FrameGivesExpectedDecisionAndOutput(string description) => FrameCaseRunner.Run(Case(description));

    [Fact]
    public void CaseDescriptionsAreUnique() =>
        Assert.Equal(Cases.Length, Cases.Select(c => c.Description).Distinct().Count());

    /// <summary>The case described so.</summary>
    internal static FrameCase Case(string description) => FrameCaseRunner.Find(Cases, description);

    private static Func<DirectorEngine> Dr(bool learnNeighbours = true) => () => Engine(learnNeighbours: learnNeighbours);

    private static PacketTemplate ToRealServer(int server, byte[] input) =>
        ExpectedFrames.DirectRouted(input, DirectorMac, RealServerMacs[server], $"rs{server + 1}");

    private static byte[] WithOptions(byte[] frame)
    {
        // Insert 4 bytes of options (NOP, NOP, NOP, EOL) after the 20-byte IPv4 header.
        byte[] result = new byte[frame.Length + 4];
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

    private static byte[] WithEtherType(byte[] frame, ushort etherType)
    {
        byte[] copy = (byte[])frame.Clone();
        new EthernetFrame(copy).EtherType = etherType;
        return copy;
    }
}
