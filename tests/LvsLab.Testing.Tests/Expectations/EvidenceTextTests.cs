using LvsLab.Testing.Expectations;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class EvidenceTextTests
{
    [Fact]
    public void TheHexDiffShowsMaskedBytesMarksDifferencesAndNamesFields()
    {
        var inbound = Frames.SynAtDirector();
        var template = new TunnelRewrite(Frames.Dip, Frames.Rs2Far, Frames.DirectorMac, Frames.RouterMac, "rs2").Expect(inbound);
        var seen = LabWire.IpInIp(Frames.DirectorMac, Frames.RouterMac, Frames.Dip, Frames.Rs3Far, 64, inbound);

        var text = template.Compare(seen).ToString();

        var lines = text.Split(Environment.NewLine);
        Assert.Equal("TUN frame to rs2: IP destination 10.0.2.12 expected, 10.0.2.13 seen", lines[0]);
        // Row 0x10: identification (18, 19), TTL (22) and checksum (24, 25) masked; byte 20 compared but for its DF bit.
        Assert.Equal("0010  expected 00 3f .. .. 00 00 .. 04 .. .. 0a 00 00 0b 0a 00", lines[3]);
        Assert.Equal("      seen     00 3f 00 00 00 00 40 04 64 a4 0a 00 00 0b 0a 00", lines[4]);
        Assert.Equal("0020  expected 02 0c 45 00 00 2b 22 22 00 00 3f 06 8d 3d c0 00", lines[5]);
        Assert.Equal("      seen     02 0d 45 00 00 2b 22 22 00 00 3f 06 8d 3d c0 00", lines[6]);
        Assert.Equal("                  ^^", lines[7]);
        Assert.Equal("  offset 33      IP destination: expected 0c, seen 0d", lines[^2]);
        Assert.Equal(string.Empty, lines[^1]);
    }

    [Fact]
    public void PartlyComparedBytesShowTheirBits()
    {
        var inbound = Frames.SynAtDirector();
        var template = PacketTemplate.FromFrame(inbound, "SYN").Ignore(PacketField.IpDontFragment, PacketField.IpChecksum);
        var seen = Frames.Edit(inbound, e => e.Extract<PacketDotNet.IPv4Packet>().FragmentFlags = 0x1);

        var text = template.Compare(seen).ToString();

        Assert.Contains("  offset 20      IP flags (bits 0xbf): expected 00, seen 20", text, StringComparison.Ordinal);
        Assert.StartsWith("SYN: IP flags 0 expected, 1 seen", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBytesAreShownAsDashes()
    {
        var inbound = Frames.SynAtDirector();
        var template = PacketTemplate.FromFrame(inbound, "SYN");

        var text = template.Compare(inbound.AsSpan(0, 50)).ToString();

        Assert.Contains(" -- -- -- -- -- -- --", text, StringComparison.Ordinal);
        Assert.Contains("  offset 54-56   payload: expected 61 62 63, seen -- -- --", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ASummaryOfManyFieldsIsCut()
    {
        var inbound = Frames.SynAtDirector();
        var reply = Frames.SynAckFromRealServer();

        var summary = PacketTemplate.FromFrame(inbound, "SYN").Compare(reply).Summary;

        Assert.Matches(@"^frame of 54 bytes, 57 expected; source MAC 02:42:0a:00:00:01 expected, 02:42:0a:00:00:0c seen; IP total length 43 expected, 40 seen; and 11 more$", summary);
    }
}
