using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using LvsLab.Testing.Expectations;
using Xunit;

namespace LvsLab.Director.Tests;

/// <summary>
/// The frame cases' check bites: the engine's real output for a case passes; the same frame with
/// one compared byte changed fails with the library's evidence (the field, expected and seen, a
/// hex diff); a change in a field the template masks (the tunnel's outer identification) passes.
/// </summary>
public class FrameCaseVerificationTests
{
    private const int IpHeader = 14;
    private const string DrSyn = "TCP SYN to VIP:80 goes to the first real server; only the MACs change";
    private const string TunSyn = "TUN TCP SYN to an on-link RIP: outer 10.2.0.1 -> 10.2.0.11, protocol 4, TTL 64, DF copied, out int to the RIP's MAC";
    private const string TunNextIdentification = "TUN second connection goes round robin to 10.2.0.12 with the next identification";

    [Fact]
    public void TheEngineOutputOfADrCasePasses()
    {
        FrameCase drCase = DirectorEngineCaseTests.Case(DrSyn);
        byte[] sent = Sent(drCase);

        Assert.True(FrameCaseRunner.Verify(drCase.Expected!, sent).Passed);
        FrameCaseRunner.AssertSent(drCase, sent);
    }

    [Fact]
    public void OneFlippedByteOfTheIpHeaderFailsWithTheFieldExpectedAndSeenAndAHexDiff()
    {
        FrameCase drCase = DirectorEngineCaseTests.Case(DrSyn);
        byte[] sent = Sent(drCase);
        sent[IpHeader + 8] ^= 0x01; // TTL 64 -> 65

        var failure = Assert.Throws<PacketExpectationException>(() => FrameCaseRunner.AssertSent(drCase, sent));

        Assert.False(failure.Result!.Passed);
        Assert.Contains("FAIL verify packet: DR frame to rs1: IP TTL 64 expected, 65 seen", failure.Message, StringComparison.Ordinal);
        Assert.Contains("offset 22      IP TTL: expected 40, seen 41", failure.Message, StringComparison.Ordinal);
        Assert.Contains("^^", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOneBitChangedInTheIpHeaderOfADrFrameFails()
    {
        FrameCase drCase = DirectorEngineCaseTests.Case(DrSyn);
        byte[] sent = Sent(drCase);
        for (int offset = IpHeader; offset < IpHeader + 20; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] corrupted = (byte[])sent.Clone();
                corrupted[offset] ^= (byte)(1 << bit);
                VerificationResult result = FrameCaseRunner.Verify(drCase.Expected!, corrupted);
                Assert.False(result.Passed, $"byte {offset} bit {bit} changed, yet: {result}");
            }
        }
    }

    [Fact]
    public void AChangedOuterIdentificationOfATunnelPassesBecauseTheTemplateMasksIt()
    {
        FrameCase tunCase = TunEngineCaseTests.Case(TunSyn);
        byte[] sent = Sent(tunCase);
        byte[] renumbered = WithOuterIdentification(sent, 0xBEEF);

        Assert.True(tunCase.Expected!.Matches(renumbered));
        Assert.True(FrameCaseRunner.Verify(tunCase.Expected, renumbered).Passed);
        FrameCaseRunner.AssertSent(tunCase, renumbered);
        Assert.Contains(".. ..", tunCase.Expected.Compare(renumbered).HexDiff(), StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedOuterIdentificationWithAStaleChecksumFailsOnTheChecksum()
    {
        FrameCase tunCase = TunEngineCaseTests.Case(TunSyn);
        byte[] sent = Sent(tunCase);
        byte[] renumbered = WithOuterIdentification(sent, 0xBEEF, fixChecksum: false);

        VerificationResult result = FrameCaseRunner.Verify(tunCase.Expected!, renumbered);

        Assert.False(result.Passed);
        Assert.Contains("is right for the header seen", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedByteOfTheInnerPacketOfATunnelFails()
    {
        FrameCase tunCase = TunEngineCaseTests.Case(TunSyn);
        byte[] sent = Sent(tunCase);
        sent[IpHeader + 20 + 8] ^= 0x01; // the inner TTL

        var failure = Assert.Throws<PacketExpectationException>(() => FrameCaseRunner.AssertSent(tunCase, sent));

        Assert.Contains("inner IP TTL 64 expected, 65 seen", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhereACaseIsAboutTheIdentificationCounterItIsPinnedAndAnotherValueFails()
    {
        FrameCase tunCase = TunEngineCaseTests.Case(TunNextIdentification);
        byte[] sent = Sent(tunCase);
        byte[] renumbered = WithOuterIdentification(sent, 7);

        Assert.True(FrameCaseRunner.Verify(tunCase.Expected!, renumbered).Passed);
        string[] pinned = FrameCaseRunner.PinnedMismatches(tunCase, renumbered);
        Assert.Equal(
            ["TUN frame to 10.2.0.12: IP identification 0x0001 expected (this engine's choice; the template leaves it free), 0x0007 seen"],
            pinned);
        Assert.ThrowsAny<Exception>(() => FrameCaseRunner.AssertSent(tunCase, renumbered));
    }

    // The frame the engine sends for the case (its decision is checked by the case's own row).
    private static byte[] Sent(FrameCase frameCase)
    {
        (_, Decision decision, byte[] output) = FrameCaseRunner.Process(frameCase);
        Assert.Equal(frameCase.Kind, decision.Kind);
        return output[..decision.Length];
    }

    private static byte[] WithOuterIdentification(byte[] frame, ushort identification, bool fixChecksum = true)
    {
        byte[] copy = (byte[])frame.Clone();
        copy[IpHeader + 4] = (byte)(identification >> 8);
        copy[IpHeader + 5] = (byte)identification;
        if (fixChecksum)
        {
            new Ipv4Packet(copy.AsSpan(IpHeader)).UpdateHeaderChecksum();
        }

        return copy;
    }
}
