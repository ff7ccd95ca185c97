using LvsLab.Testing.Expectations;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class DirectRoutingRewriteTests
{
    private static readonly DirectRoutingRewrite Dr = new(Frames.DirectorMac, Frames.Rs2Mac, "rs2");

    [Fact]
    public void OnlyTheMacsChange()
    {
        var inbound = Frames.SynAtDirector();
        // What a correct director sends: the same IP packet in a new Ethernet header, TTL untouched.
        var sent = LabWire.Routed(inbound, Frames.DirectorMac, Frames.Rs2Mac, hops: 0);

        var template = Dr.Expect(inbound);

        Assert.Equal("DR frame to rs2", template.Description);
        Assert.Equal(template.Length, template.ComparedBytes);
        Assert.True(template.Matches(sent));
        Assert.True(PacketVerifier.VerifyPacket(Frames.Capture(sent), template, MatchCount.ExactlyOne).Passed);
    }

    [Fact]
    public void ASourceMacNotRewrittenIsCaught()
    {
        var inbound = Frames.SynAtDirector();
        var sent = LabWire.Routed(inbound, Frames.RouterMac, Frames.Rs2Mac, hops: 0);

        var result = PacketVerifier.VerifyPacket(Frames.Capture(sent), Dr.Expect(inbound));

        Assert.False(result.Passed);
        Assert.Equal("DR frame to rs2: source MAC 02:42:0a:00:00:0b expected, 02:42:0a:00:00:01 seen", result.Summary);
        Assert.Equal(["source MAC"], result.Evidence[0].Comparison!.DifferingFields);
    }

    [Fact]
    public void ADecrementedTtlIsCaught()
    {
        var inbound = Frames.SynAtDirector();
        // A director that routes instead of bridging: TTL − 1, checksum updated to match.
        var sent = LabWire.Routed(inbound, Frames.DirectorMac, Frames.Rs2Mac, hops: 1);

        var result = PacketVerifier.VerifyPacket(Frames.Capture(sent), Dr.Expect(inbound));

        Assert.False(result.Passed);
        Assert.Equal(["IP TTL", "IP checksum"], result.Evidence[0].Comparison!.DifferingFields);
        Assert.StartsWith("DR frame to rs2: IP TTL 63 expected, 62 seen; IP checksum 0x", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWrongRealServerIsNamedInTheSummary()
    {
        var inbound = Frames.SynAtDirector();
        var toRs3 = LabWire.Routed(inbound, Frames.DirectorMac, Frames.Rs3Mac, hops: 0);

        var result = PacketVerifier.VerifyPacket(Frames.Capture(toRs3), Dr.Expect(inbound));

        Assert.Equal("DR frame to rs2: destination MAC 02:42:0a:00:00:0c expected, 02:42:0a:00:00:0d seen", result.Summary);
    }

    [Fact]
    public void AChangedPayloadIsCaught()
    {
        var inbound = Frames.SynAtDirector();
        var sent = Frames.Edit(LabWire.Routed(inbound, Frames.DirectorMac, Frames.Rs2Mac, hops: 0), e => e.Extract<TcpPacket>().PayloadData = [0x7a, 0x62, 0x63]);

        var comparison = Dr.Expect(inbound).Compare(sent);

        Assert.Equal(["payload"], comparison.DifferingFields);
        Assert.Equal("payload byte 54 0x61 expected, 0x7a seen", comparison.Summary);
    }
}
