using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.Lab;

namespace LvsLab.Director.Tests;

/// <summary>Frame in → decision and frame out, one case per row (Katran tester style).</summary>
public class DirectorEngineCaseTests
{
    private static readonly byte[] Syn = Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn);
    private static readonly byte[] Dns = Frames.Udp(ClientIp, 40001, Vip, 53);

    private static readonly FrameCase[] Cases =
    [
        new("ARP request for the VIP is answered with the director's MAC",
            Frames.ArpRequest(ClientMac, ClientIp, Vip),
            DecisionKind.Reply,
            ExpectedOutput: Frames.ArpReply(DirectorMac, Vip, ClientMac, ClientIp)),
        new("unicast ARP request for the VIP to our MAC is answered",
            Frames.ArpRequest(ClientMac, ClientIp, Vip, DirectorMac),
            DecisionKind.Reply,
            ExpectedOutput: Frames.ArpReply(DirectorMac, Vip, ClientMac, ClientIp)),
        new("ARP request for another address is ignored",
            Frames.ArpRequest(ClientMac, ClientIp, OtherIp),
            DecisionKind.Ignore),
        new("ARP request for the DIP is left to the kernel",
            Frames.ArpRequest(ClientMac, ClientIp, DirectorIp),
            DecisionKind.Ignore),
        new("unicast ARP request for the VIP to another host is not answered",
            Frames.ArpRequest(ClientMac, ClientIp, Vip, RealServerMacs[0]),
            DecisionKind.Ignore),
        new("ARP reply is not answered",
            Frames.ArpReply(ClientMac, ClientIp, DirectorMac, DirectorIp),
            DecisionKind.Ignore),
        new("ARP with our own source MAC is ignored",
            Frames.ArpRequest(DirectorMac, DirectorIp, Vip),
            DecisionKind.Ignore),
        new("ARP truncated to 20 bytes of payload is dropped",
            Frames.ArpRequest(ClientMac, ClientIp, Vip)[..34],
            DecisionKind.Drop,
            DropReason.TruncatedArp),
        new("TCP SYN to VIP:80 goes to the first real server; only the MACs change",
            Syn,
            DecisionKind.Forward,
            ExpectedOutput: Frames.DirectRouted(Syn, RealServerMacs[0])),
        new("UDP to VIP:53 goes to the first real server; only the MACs change",
            Dns,
            DecisionKind.Forward,
            ExpectedOutput: Frames.DirectRouted(Dns, RealServerMacs[0])),
        new("TTL 2 is forwarded with TTL unchanged",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 2),
            DecisionKind.Forward,
            ExpectedOutput: Frames.DirectRouted(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 2), RealServerMacs[0])),
        new("SYN with payload and Ethernet padding is forwarded byte for byte",
            [.. Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, payload: [1, 2, 3]), 0, 0, 0, 0],
            DecisionKind.Forward,
            ExpectedOutput: Frames.DirectRouted([.. Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, payload: [1, 2, 3]), 0, 0, 0, 0], RealServerMacs[0])),
        new("IPv4 options are allowed and forwarded unchanged",
            WithOptions(Syn),
            DecisionKind.Forward,
            ExpectedOutput: Frames.DirectRouted(WithOptions(Syn), RealServerMacs[0])),
        new("unknown real server MAC: ARP request for the RIP instead",
            Syn,
            DecisionKind.Reply,
            DropReason.NeighbourUnresolved,
            ExpectedOutput: Frames.Arp(ArpOperation.Request, DirectorMac, DirectorIp, MacAddress.Zero, RealServerIps[0], MacAddress.Broadcast),
            LearnNeighbours: false),
        new("TCP ACK without a connection is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack),
            DecisionKind.Drop,
            DropReason.NoConnection),
        new("TCP SYN+ACK without a connection is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn | TcpFlags.Ack),
            DecisionKind.Drop,
            DropReason.NoConnection),
        new("TCP RST without a connection is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Rst),
            DecisionKind.Drop,
            DropReason.NoConnection),
        new("TCP to a VIP port without a service is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 443, TcpFlags.Syn),
            DecisionKind.Drop,
            DropReason.NoService),
        new("UDP to a TCP-only port is dropped",
            Frames.Udp(ClientIp, 40000, Vip, 80),
            DecisionKind.Drop,
            DropReason.NoService),
        new("ICMP to the VIP is dropped (no service)",
            Frames.IcmpEcho(ClientIp, Vip),
            DecisionKind.Drop,
            DropReason.NoService),
        new("TCP to another address is ignored",
            Frames.Tcp(ClientIp, 40000, OtherIp, 80, TcpFlags.Syn),
            DecisionKind.Ignore),
        new("TCP to the VIP but to another MAC is ignored",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, destinationMac: RealServerMacs[1]),
            DecisionKind.Ignore),
        new("our own forwarded frame seen again is ignored",
            Frames.DirectRouted(Syn, RealServerMacs[0]),
            DecisionKind.Ignore),
        new("IPv6 EtherType is ignored",
            WithEtherType(Syn, EtherType.Ipv6),
            DecisionKind.Ignore),
        new("frame shorter than an Ethernet header is dropped",
            Syn[..13],
            DecisionKind.Drop,
            DropReason.TruncatedEthernet),
        new("IPv4 header cut at 19 bytes is dropped",
            Syn[..33],
            DecisionKind.Drop,
            DropReason.TruncatedIpv4),
        new("IP version 6 in an IPv4 EtherType is dropped",
            Frames.WithIp(Syn, f => f[14] = 0x65),
            DecisionKind.Drop,
            DropReason.BadIpVersion),
        new("IHL 4 is dropped",
            Frames.WithIp(Syn, f => f[14] = 0x44, fixChecksum: false),
            DecisionKind.Drop,
            DropReason.BadIpHeaderLength),
        new("IHL beyond the frame is dropped",
            Frames.WithIp(Syn[..40], f => f[14] = 0x4F, fixChecksum: false),
            DecisionKind.Drop,
            DropReason.BadIpHeaderLength),
        new("total length beyond the frame is dropped",
            Frames.WithIp(Syn, f => f[17] += 1),
            DecisionKind.Drop,
            DropReason.BadIpTotalLength),
        new("total length below the header length is dropped",
            Frames.WithIp(Syn, f => { f[16] = 0; f[17] = 19; }),
            DecisionKind.Drop,
            DropReason.BadIpTotalLength),
        new("bad IP header checksum is dropped",
            Frames.WithIp(Syn, f => f[25] ^= 0xFF, fixChecksum: false),
            DecisionKind.Drop,
            DropReason.BadIpChecksum),
        new("first fragment (MF) to the VIP is dropped",
            Frames.WithIp(Syn, f => f[20] |= 0x20),
            DecisionKind.Drop,
            DropReason.Fragment),
        new("later fragment (offset) to the VIP is dropped",
            Frames.WithIp(Syn, f => f[21] = 0x10),
            DecisionKind.Drop,
            DropReason.Fragment),
        new("TTL 1 is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 1),
            DecisionKind.Drop,
            DropReason.TtlExpired),
        new("TTL 0 is dropped",
            Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn, ttl: 0),
            DecisionKind.Drop,
            DropReason.TtlExpired),
        new("TCP header cut at 19 bytes is dropped",
            Frames.WithIp(Syn[..53], f => { f[16] = 0; f[17] = 39; }),
            DecisionKind.Drop,
            DropReason.TruncatedTcp),
        new("TCP data offset beyond the packet is dropped",
            Frames.WithIp(Syn, f => f[46] = 0xF0),
            DecisionKind.Drop,
            DropReason.BadTcpDataOffset),
        new("TCP data offset 4 is dropped",
            Frames.WithIp(Syn, f => f[46] = 0x40),
            DecisionKind.Drop,
            DropReason.BadTcpDataOffset),
        new("UDP header cut at 7 bytes is dropped",
            Frames.WithIp(Dns[..41], f => { f[16] = 0; f[17] = 27; }),
            DecisionKind.Drop,
            DropReason.TruncatedUdp),
        new("UDP length beyond the packet is dropped",
            Frames.WithIp(Dns, f => f[39] = 200),
            DecisionKind.Drop,
            DropReason.BadUdpLength),
    ];

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (FrameCase frameCase in Cases)
        {
            names.Add(frameCase.Description);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FrameGivesExpectedDecisionAndOutput(string description)
    {
        FrameCase frameCase = Array.Find(Cases, c => c.Description == description)!;
        DirectorEngine engine = Engine(learnNeighbours: frameCase.LearnNeighbours);
        byte[] output = new byte[frameCase.Input.Length + 64];

        Decision decision = engine.Process(frameCase.Input, output, nowMilliseconds: 1_000);

        Assert.Equal(frameCase.Kind, decision.Kind);
        Assert.Equal(frameCase.Reason, decision.Reason);
        if (frameCase.ExpectedOutput is { } expected)
        {
            Assert.Equal(expected.Length, decision.Length);
            byte[] actual = output[..decision.Length];
            byte[] mask = frameCase.Mask ?? Enumerable.Repeat((byte)0xFF, expected.Length).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    (expected[i] & mask[i]) == (actual[i] & mask[i]),
                    $"byte {i}: expected {expected[i]:x2}, got {actual[i]:x2}\nexpected {Convert.ToHexString(expected)}\nactual   {Convert.ToHexString(actual)}");
            }
        }
        else if (decision.Kind is DecisionKind.Drop or DecisionKind.Ignore)
        {
            Assert.Equal(0, decision.Length);
        }

        Assert.Equal(1, engine.Counters.FramesIn);
        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void CaseDescriptionsAreUnique() =>
        Assert.Equal(Cases.Length, Cases.Select(c => c.Description).Distinct().Count());

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
