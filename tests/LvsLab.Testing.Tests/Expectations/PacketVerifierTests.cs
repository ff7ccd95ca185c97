using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class PacketVerifierTests
{
    private static readonly DirectRoutingRewrite ToRs2 = new(Frames.DirectorMac, Frames.Rs2Mac, "rs2");
    private static readonly DirectRoutingRewrite ToRs3 = new(Frames.DirectorMac, Frames.Rs3Mac, "rs3");

    private static byte[] Inbound => Frames.SynAtDirector();

    private static byte[] DrTo(string mac) => LabWire.Routed(Inbound, Frames.DirectorMac, mac, hops: 0);

    [Fact]
    public void TheMatchingFrameIsFoundAmongOthers()
    {
        var frames = Frames.Capture(Frames.ArpForVip(), Inbound, DrTo(Frames.Rs2Mac));

        var result = PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound));

        Assert.True(result.Passed);
        Assert.Same(frames[2], Assert.Single(result.Matches));
        Assert.Equal("DR frame to rs2: 1 frame of 3 matched, first #2", result.Summary);
        Assert.Empty(result.Evidence);
        Assert.Equal("PASS verify packet: DR frame to rs2: 1 frame of 3 matched, first #2" + Environment.NewLine, result.ToString());
    }

    [Fact]
    public void TheEvidenceIsTheClosestFrame()
    {
        // The inbound frame differs in both MACs; the frame to rs3 in one byte of one.
        var frames = Frames.Capture(Frames.ArpForVip(), Inbound, DrTo(Frames.Rs3Mac));

        var result = PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound));

        Assert.False(result.Passed);
        var evidence = Assert.Single(result.Evidence);
        Assert.Equal(2, evidence.FrameIndex);
        Assert.Same(frames[2], evidence.Frame);
        Assert.Equal("closest of 3 frames: #2, 1 differing byte, 0 wrong checksums", evidence.Summary);
        var difference = Assert.Single(evidence.Comparison!.Differences);
        Assert.Equal((5, (byte)0x0c, (byte?)0x0d, "destination MAC"), (difference.Offset, difference.Expected, difference.Seen, difference.FieldName));
    }

    [Fact]
    public void TiesGoToTheEarliestFrame()
    {
        var frames = Frames.Capture(DrTo(Frames.Rs3Mac), DrTo(Frames.Rs3Mac));

        Assert.Equal(0, PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound)).Evidence[0].FrameIndex);
    }

    [Fact]
    public void NothingCapturedIsSaidSo()
    {
        var result = PacketVerifier.VerifyPacket([], ToRs2.Expect(Inbound));

        Assert.False(result.Passed);
        Assert.Equal("DR frame to rs2: no frame captured", result.Summary);
    }

    [Fact]
    public void ExactlyOneRejectsADuplicate()
    {
        var frames = Frames.Capture(DrTo(Frames.Rs2Mac), DrTo(Frames.Rs2Mac));

        Assert.True(PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound)).Passed);
        var result = PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound), MatchCount.ExactlyOne);
        Assert.False(result.Passed);
        Assert.Equal("DR frame to rs2: 2 frames matched, exactly one expected", result.Summary);
        Assert.Equal([0, 1], result.Evidence.Select(e => e.FrameIndex));
    }

    [Fact]
    public void NoPacketByTemplate()
    {
        var frames = Frames.Capture(Inbound, DrTo(Frames.Rs2Mac));

        Assert.True(PacketVerifier.VerifyNoPacket(frames, ToRs3.Expect(Inbound)).Passed);
        var result = PacketVerifier.VerifyNoPacket(frames, ToRs2.Expect(Inbound));
        Assert.False(result.Passed);
        Assert.Equal("DR frame to rs2: 1 frame matched, none expected (first #1)", result.Summary);
        Assert.Equal(1, Assert.Single(result.Evidence).FrameIndex);
    }

    [Fact]
    public void NoPacketByFilter()
    {
        var frames = Frames.Capture(Frames.ArpForVip(), DrTo(Frames.Rs2Mac));
        var toRs3 = new FrameFilter("frames to rs3", f => f.DestinationMac == Frames.Rs3Mac);
        var arp = new FrameFilter("ARP", f => f.Arp is not null);

        Assert.True(PacketVerifier.VerifyNoPacket(frames, toRs3).Passed);
        var result = PacketVerifier.VerifyNoPacket(frames, arp);
        Assert.False(result.Passed);
        Assert.Equal("ARP: 1 frame seen, none expected (first #0)", result.Summary);
        Assert.Null(result.Evidence[0].Comparison);
        Assert.Contains("0000  seen     ff ff ff ff ff ff", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExtraUnexpectedFrameIsCaught()
    {
        var allowed = new[] { PacketTemplate.FromFrame(Inbound, "SYN at the director"), ToRs2.Expect(Inbound) };
        var good = Frames.Capture(Frames.ArpForVip(), Inbound, DrTo(Frames.Rs2Mac));
        var extra = Frames.Capture(Frames.ArpForVip(), Inbound, DrTo(Frames.Rs2Mac), DrTo(Frames.Rs3Mac));

        var pass = PacketVerifier.VerifyNoOtherPackets(good, allowed, FrameFilter.NotArpOrLldp);
        var fail = PacketVerifier.VerifyNoOtherPackets(extra, allowed, FrameFilter.NotArpOrLldp);

        Assert.True(pass.Passed);
        Assert.Equal("2 frames (not ARP or LLDP) all expected", pass.Summary);
        Assert.Equal([good[1], good[2]], pass.Matches);
        Assert.False(fail.Passed);
        Assert.Equal([extra[1], extra[2]], fail.Matches);
        var evidence = Assert.Single(fail.Evidence);
        Assert.Equal(3, evidence.FrameIndex);
        Assert.Equal("DR frame to rs2", evidence.Template!.Description);
        Assert.Equal(
            "1 frame of 3 (not ARP or LLDP) unexpected: unexpected frame #3; closest allowed, DR frame to rs2: destination MAC 02:42:0a:00:00:0c expected, 02:42:0a:00:00:0d seen",
            fail.Summary);
    }

    [Fact]
    public void TheFilterDecidesWhatCounts()
    {
        var allowed = new[] { ToRs2.Expect(Inbound) };
        var frames = Frames.Capture(Frames.ArpForVip(), DrTo(Frames.Rs2Mac));

        Assert.True(PacketVerifier.VerifyNoOtherPackets(frames, allowed, FrameFilter.Ipv4).Passed);
        var all = PacketVerifier.VerifyNoOtherPackets(frames, allowed, FrameFilter.All);
        Assert.False(all.Passed);
        Assert.Equal(0, Assert.Single(all.Evidence).FrameIndex);
        var none = PacketVerifier.VerifyNoOtherPackets(frames, [], FrameFilter.Ipv4);
        Assert.Equal("unexpected frame #1: no frame is allowed", Assert.Single(none.Evidence).Summary);
        Assert.True(PacketVerifier.VerifyNoOtherPackets(frames, [], FrameFilter.Involving(Frames.Rip.Address)).Passed);
    }

    [Fact]
    public void TheAssertionThrowsWithTheEvidence()
    {
        var frames = Frames.Capture(DrTo(Frames.Rs3Mac));

        var error = Assert.Throws<PacketExpectationException>(() => PacketAssert.Packet(frames, ToRs2.Expect(Inbound)));

        Assert.NotNull(error.Result);
        Assert.False(error.Result.Passed);
        Assert.StartsWith("FAIL verify packet: DR frame to rs2: destination MAC 02:42:0a:00:00:0c expected, 02:42:0a:00:00:0d seen", error.Message, StringComparison.Ordinal);
        Assert.Single(PacketAssert.Packet(Frames.Capture(DrTo(Frames.Rs2Mac)), ToRs2.Expect(Inbound)).Matches);
        Assert.Throws<PacketExpectationException>(() => PacketAssert.NoPacket(frames, ToRs3.Expect(Inbound)));
        Assert.Throws<PacketExpectationException>(() => PacketAssert.NoPacket(frames, FrameFilter.Ipv4));
        Assert.Throws<PacketExpectationException>(() => PacketAssert.NoOtherPackets(frames, [ToRs2.Expect(Inbound)], FrameFilter.Ipv4));
        PacketAssert.NoOtherPackets(frames, [ToRs3.Expect(Inbound)], FrameFilter.Ipv4);
    }

    [Fact]
    public void ResultsAreDeterministic()
    {
        IReadOnlyList<CapturedFrame> frames = Frames.Capture(Frames.ArpForVip(), Inbound, DrTo(Frames.Rs3Mac));

        var first = PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound)).ToString();
        var second = PacketVerifier.VerifyPacket(frames, ToRs2.Expect(Inbound)).ToString();

        Assert.Equal(first, second);
    }
}
