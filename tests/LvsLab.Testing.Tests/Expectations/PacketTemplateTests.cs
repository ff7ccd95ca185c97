using LvsLab.Testing.Expectations;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class PacketTemplateTests
{
    [Fact]
    public void AFrameMatchesItsOwnTemplate()
    {
        var frame = Frames.SynAtDirector();

        var comparison = PacketTemplate.FromFrame(frame, "SYN").Compare(frame);

        Assert.True(comparison.Matched);
        Assert.Empty(comparison.Differences);
        Assert.Equal("matches", comparison.Summary);
    }

    [Fact]
    public void ADifferentFieldIsNamed()
    {
        var frame = Frames.SynAtDirector();
        var seen = Frames.Edit(frame, e => e.Extract<TcpPacket>().SequenceNumber = 1_000_001);

        var comparison = PacketTemplate.FromFrame(frame, "SYN").Compare(seen);

        Assert.False(comparison.Matched);
        Assert.Equal(["TCP sequence"], comparison.DifferingFields);
        Assert.Equal("TCP sequence 1000000 expected, 1000001 seen", comparison.Summary);
    }

    [Fact]
    public void IgnoredFieldsAreReallyIgnored()
    {
        var frame = Frames.SynAtDirector();
        var seen = Frames.Edit(frame, e =>
        {
            var ip = e.Extract<IPv4Packet>();
            ip.Id = 0x7777;
            ip.UpdateIPChecksum();
            var tcp = e.Extract<TcpPacket>();
            tcp.WindowSize = 1024;
            tcp.UpdateTcpChecksum();
        });
        var template = PacketTemplate.FromFrame(frame, "SYN");

        Assert.Equal(["IP identification", "IP checksum", "TCP window", "TCP checksum"], template.Compare(seen).DifferingFields);
        Assert.True(template.Ignore(PacketField.IpIdentification, PacketField.IpChecksum, PacketField.TcpWindow, PacketField.TcpChecksum).Matches(seen));
        Assert.False(template.Ignore(PacketField.IpIdentification, PacketField.IpChecksum, PacketField.TcpWindow).Matches(seen));
    }

    [Fact]
    public void IgnoringABitLeavesTheRestOfItsByteCompared()
    {
        var frame = Frames.SynAtDirector();
        var dontFragment = Frames.Edit(frame, e => e.Extract<IPv4Packet>().FragmentFlags = 0x2);
        var moreFragments = Frames.Edit(frame, e => e.Extract<IPv4Packet>().FragmentFlags = 0x1);
        var template = PacketTemplate.FromFrame(frame, "SYN").Ignore(PacketField.IpDontFragment, PacketField.IpChecksum);

        Assert.True(template.Matches(dontFragment));
        var comparison = template.Compare(moreFragments);
        Assert.Equal(["IP flags"], comparison.DifferingFields);
        Assert.Equal(0xBF, comparison.Differences[0].Mask);
    }

    [Fact]
    public void EthernetPaddingIsNotComparedButAShortFrameFails()
    {
        var frame = Frames.SynAtDirector();
        var template = PacketTemplate.FromFrame(frame, "SYN");

        Assert.True(template.Matches([.. frame, 0, 0, 0, 0]));
        var shortFrame = template.Compare(frame.AsSpan(0, frame.Length - 2));
        Assert.False(shortFrame.Matched);
        Assert.Equal(2, shortFrame.Differences.Count);
        Assert.All(shortFrame.Differences, d => Assert.Null(d.Seen));
        Assert.StartsWith("frame of 55 bytes, 57 expected", shortFrame.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ATemplateFromAPaddedFrameDropsThePadding()
    {
        var frame = Frames.SynAtDirector();

        var template = PacketTemplate.FromFrame([.. frame, 0, 0, 0], "SYN");

        Assert.Equal(frame.Length, template.Length);
    }

    [Fact]
    public void FieldsAreSetByName()
    {
        var template = PacketTemplate.FromFrame(Frames.SynAtDirector(), "SYN")
            .WithNumber(PacketField.IpTtl, 10)
            .WithNumber(PacketField.IpDontFragment, 1)
            .WithAddress(PacketField.DestinationAddress, Frames.Rip.Address)
            .WithMac(PacketField.SourceMac, Frames.DirectorMac);

        var ip = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, template.Frame.ToArray())).Extract<IPv4Packet>();
        Assert.Equal(10, ip.TimeToLive);
        Assert.Equal(0x2, ip.FragmentFlags);
        Assert.Equal(Frames.Rip.Address, ip.DestinationAddress);
        Assert.Equal(10ul, template.ReadNumber(PacketField.IpTtl));
        Assert.Equal(1ul, template.ReadNumber(PacketField.IpDontFragment));
    }

    [Fact]
    public void RecomputedChecksumsAreTheOnesPacketDotNetComputes()
    {
        var original = Frames.SynAtDirector();
        var edited = Frames.Edit(original, e =>
        {
            var ip = e.Extract<IPv4Packet>();
            ip.TimeToLive = 5;
            ip.UpdateIPChecksum();
            e.Extract<TcpPacket>().UpdateTcpChecksum();
        });

        var template = PacketTemplate.FromFrame(original, "SYN").WithNumber(PacketField.IpTtl, 5);

        Assert.Equal(["IP checksum"], template.Compare(edited).DifferingFields);
        Assert.True(template.WithChecksumsRecomputed().Matches(edited));
    }

    [Fact]
    public void AFieldTheFrameLacksIsAMistake()
    {
        var template = PacketTemplate.FromFrame(Frames.SynAtDirector(), "SYN");

        var error = Assert.Throws<ArgumentException>(() => template.Ignore(PacketField.UdpChecksum));
        Assert.Contains("SYN: the frame has no UDP checksum", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => template.RequireValidChecksum(PacketField.IpTtl));
    }

    [Fact]
    public void RequiredChecksumsAreCheckedEvenWhenMasked()
    {
        var frame = Frames.SynAtDirector();
        var broken = Frames.Edit(frame, e => e.Extract<IPv4Packet>().Checksum = 0x1234);
        var template = PacketTemplate.FromFrame(frame, "SYN").Ignore(PacketField.IpChecksum);

        Assert.True(template.Matches(broken));
        var comparison = template.RequireValidChecksum(PacketField.IpChecksum).Compare(broken);
        Assert.False(comparison.Matched);
        Assert.Single(comparison.ChecksumProblems);
        Assert.StartsWith("IP checksum 0x1234 seen, 0x", comparison.Summary, StringComparison.Ordinal);
    }
}
