using LvsLab.Testing.Expectations;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class TunnelRewriteTests
{
    private static readonly TunnelRewrite Tun = new(Frames.Dip, Frames.Rs2Far, Frames.DirectorMac, Frames.RouterMac, "rs2");

    private static byte[] Wrapped(System.Net.IPAddress destination, int ttl = 64) =>
        LabWire.IpInIp(Frames.DirectorMac, Frames.RouterMac, Frames.Dip, destination, ttl, Frames.SynAtDirector());

    [Fact]
    public void ACorrectEncapsulationMatches()
    {
        var template = Tun.Expect(Frames.SynAtDirector());

        Assert.Equal("TUN frame to rs2", template.Description);
        Assert.True(template.Matches(Wrapped(Frames.Rs2Far)));
    }

    [Fact]
    public void OuterFieldsThatLegitimatelyVaryAreIgnored()
    {
        // Another sender's choices: a running identification, the inner TTL copied, DF set; checksum right for them.
        var other = Frames.Edit(Wrapped(Frames.Rs2Far, ttl: 63), e =>
        {
            var outer = e.Extract<IPv4Packet>();
            outer.Id = 0x4d2;
            outer.FragmentFlags = 0x2;
            outer.UpdateIPChecksum();
        });

        Assert.True(Tun.Expect(Frames.SynAtDirector()).Matches(other));
    }

    [Fact]
    public void TheMaskedOuterChecksumMustStillBeRight()
    {
        var broken = Frames.Edit(Wrapped(Frames.Rs2Far), e => e.Extract<IPv4Packet>().Checksum ^= 0x0001);

        var comparison = Tun.Expect(Frames.SynAtDirector()).Compare(broken);

        Assert.False(comparison.Matched);
        Assert.Empty(comparison.Differences);
        Assert.StartsWith("IP checksum 0x", Assert.Single(comparison.ChecksumProblems), StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongOuterDestinationIsCaught()
    {
        var result = PacketVerifier.VerifyPacket(Frames.Capture(Wrapped(Frames.Rs3Far)), Tun.Expect(Frames.SynAtDirector()));

        Assert.False(result.Passed);
        Assert.Equal("TUN frame to rs2: IP destination 10.0.2.12 expected, 10.0.2.13 seen", result.Summary);
    }

    [Fact]
    public void AChangedInnerPacketIsCaughtAndNamedAsInner()
    {
        // A director that lowers the inner TTL before wrapping.
        var routedInner = LabWire.Routed(Frames.SynAtDirector(), Frames.RouterMac, Frames.DirectorMac);
        var sent = LabWire.IpInIp(Frames.DirectorMac, Frames.RouterMac, Frames.Dip, Frames.Rs2Far, 64, routedInner);

        var comparison = Tun.Expect(Frames.SynAtDirector()).Compare(sent);

        Assert.Equal(["inner IP TTL", "inner IP checksum"], comparison.DifferingFields);
        Assert.StartsWith("inner IP TTL 63 expected, 62 seen", comparison.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOuterProtocolMustBeIpInIp()
    {
        var gre = Frames.Edit(Wrapped(Frames.Rs2Far), e =>
        {
            var outer = e.Extract<IPv4Packet>();
            outer.Protocol = PacketDotNet.ProtocolType.Gre;
            outer.UpdateIPChecksum();
        });

        Assert.Equal(["IP protocol"], Tun.Expect(Frames.SynAtDirector()).Compare(gre).DifferingFields);
    }

    [Fact]
    public void TheExpectedFrameHasTheInnerPacketUnchangedBehindTheOuterHeader()
    {
        var inbound = Frames.SynAtDirector();

        var template = Tun.Expect(inbound);

        Assert.Equal(inbound.Length + 20, template.Length);
        Assert.Equal(inbound.AsSpan(14).ToArray(), template.Frame.Span[34..].ToArray());
        Assert.Equal(4ul, template.ReadNumber(PacketField.IpProtocol));
        Assert.Equal(14 + 20 + inbound.Length - 14, template.Length);
    }
}
