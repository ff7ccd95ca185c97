using System.Net;
using LvsLab.Testing.Expectations;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class NatRewriteTests
{
    private static readonly NatRequestRewrite Request = new(Frames.Rip, Frames.DirectorMac, Frames.Rs2Mac, "rs2");
    private static readonly NatReplyRewrite Reply = new(Frames.Vip, Frames.DirectorMac, Frames.RouterMac, "client");

    // What a correct director sends, built with PacketDotNet (its checksums, not ours).
    private static byte[] CorrectRequest() =>
        LabWire.Tcp(Frames.DirectorMac, Frames.Rs2Mac, Frames.Client, Frames.Rip, 62, 1_000_000, syn: true, id: 0x2222, payload: [0x61, 0x62, 0x63]);

    private static byte[] CorrectReply() =>
        LabWire.Tcp(Frames.DirectorMac, Frames.RouterMac, Frames.Vip, Frames.Client, 63, 7_000_000, 1_000_001, syn: true, ack: true, id: 0x0101);

    [Fact]
    public void ACorrectRequestRewriteMatchesWithItsChecksumsCompared()
    {
        var template = Request.Expect(Frames.SynAtDirector());

        Assert.Equal("NAT frame to rs2", template.Description);
        Assert.Equal(template.Length, template.ComparedBytes);
        Assert.True(template.Matches(CorrectRequest()));
    }

    [Fact]
    public void AWrongTcpChecksumIsCaught()
    {
        var sent = Frames.Edit(CorrectRequest(), e => e.Extract<TcpPacket>().Checksum ^= 0x0100);

        var result = PacketVerifier.VerifyPacket(Frames.Capture(sent), Request.Expect(Frames.SynAtDirector()));

        Assert.False(result.Passed);
        Assert.Equal(["TCP checksum"], result.Evidence[0].Comparison!.DifferingFields);
        Assert.StartsWith("NAT frame to rs2: TCP checksum 0x", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncrementallyBotchedIpChecksumIsCaught()
    {
        // TTL lowered but the IP checksum left as it was.
        var sent = Frames.Edit(CorrectRequest(), e => e.Extract<IPv4Packet>().Checksum = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, Frames.SynAtDirector())).Extract<IPv4Packet>().Checksum);

        Assert.Equal(["IP checksum"], Request.Expect(Frames.SynAtDirector()).Compare(sent).DifferingFields);
    }

    [Fact]
    public void ATtlNotLoweredIsCaught()
    {
        var sent = LabWire.Tcp(Frames.DirectorMac, Frames.Rs2Mac, Frames.Client, Frames.Rip, 63, 1_000_000, syn: true, id: 0x2222, payload: [0x61, 0x62, 0x63]);

        Assert.Equal(["IP TTL", "IP checksum"], Request.Expect(Frames.SynAtDirector()).Compare(sent).DifferingFields);
    }

    [Fact]
    public void ACorrectReplyRewriteMatches()
    {
        var template = Reply.Expect(Frames.SynAckFromRealServer());

        Assert.Equal("NAT reply to client", template.Description);
        Assert.True(template.Matches(CorrectReply()));
    }

    [Fact]
    public void AReplyWithTheRealServersPortNotUnmappedIsCaught()
    {
        // Address rewritten, port left at 8080.
        var sent = LabWire.Tcp(Frames.DirectorMac, Frames.RouterMac, new IPEndPoint(Frames.Vip.Address, Frames.Rip.Port), Frames.Client, 63, 7_000_000, 1_000_001, syn: true, ack: true, id: 0x0101);

        var result = PacketVerifier.VerifyPacket(Frames.Capture(sent), Reply.Expect(Frames.SynAckFromRealServer()));

        Assert.False(result.Passed);
        Assert.Equal(["TCP source port", "TCP checksum"], result.Evidence[0].Comparison!.DifferingFields);
        Assert.StartsWith("NAT reply to client: TCP source port 80 expected, 8080 seen; TCP checksum 0x", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void UdpIsRewrittenToo()
    {
        var rs = new IPEndPoint(Frames.Rip.Address, 5353);
        var sent = LabWire.Udp(Frames.DirectorMac, Frames.Rs2Mac, new IPEndPoint(Frames.Client.Address, 5000), rs, 62, [1, 2, 3, 4, 5]);
        var wrongPort = LabWire.Udp(Frames.DirectorMac, Frames.Rs2Mac, new IPEndPoint(Frames.Client.Address, 5000), new IPEndPoint(rs.Address, 53), 62, [1, 2, 3, 4, 5]);

        var template = new NatRequestRewrite(rs, Frames.DirectorMac, Frames.Rs2Mac).Expect(Frames.UdpAtDirector());

        Assert.Equal("NAT frame to 10.0.1.12:5353", template.Description);
        Assert.True(template.Matches(sent));
        Assert.Equal(["UDP destination port", "UDP checksum"], template.Compare(wrongPort).DifferingFields);
    }

    [Fact]
    public void NatNeedsTcpOrUdpAndATtlThatSurvives()
    {
        var expiring = Frames.Edit(Frames.SynAtDirector(), e => e.Extract<IPv4Packet>().TimeToLive = 1);

        Assert.Throws<ArgumentException>(() => Request.Expect(Frames.ArpForVip()));
        var error = Assert.Throws<ArgumentException>(() => Request.Expect(expiring));
        Assert.Contains("TTL 1 expires", error.Message, StringComparison.Ordinal);
    }
}
