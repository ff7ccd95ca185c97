using System.Xml.Linq;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class Ipv6FlowSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Labs => new() { "dr6", "nat6", "tun6", "tun46" };

    [Theory]
    [MemberData(nameof(Labs))]
    public void SvgIsWellFormedWithABoxPerNodeAndAnArrowPerHop(string lab)
    {
        var flow = Trace(lab);

        var svg = XDocument.Parse(FlowSvg.Render(flow));

        Assert.Equal(flow.Nodes.Count, svg.Descendants(Svg + "rect").Count(r => r.Attribute("rx") is not null));
        Assert.Equal(flow.Hops.Count, svg.Descendants(Svg + "line").Count(l => l.Attribute("marker-end") is not null));
        var text = Text(svg);
        foreach (var hop in flow.Hops)
        {
            Assert.Contains($"MAC   {hop.SourceMac} → {hop.DestinationMac}", text, StringComparison.Ordinal);
            Assert.Contains($"{hop.Packet.SourceText} → {hop.Packet.DestinationText}", text, StringComparison.Ordinal);
            Assert.Contains(hop.Note, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("dr6")]
    [InlineData("nat6")]
    [InlineData("tun6")]
    public void AnIpv6FlowSaysHopLimitNeverTtl(string lab)
    {
        var text = Text(XDocument.Parse(FlowSvg.Render(Trace(lab))));

        Assert.Contains("hop limit 64 · TCP SYN · +0.000 ms", text, StringComparison.Ordinal);
        Assert.DoesNotContain("TTL", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BoxesShowTheIpv6AddressesAndTheVip6()
    {
        var text = Text(XDocument.Parse(FlowSvg.Render(Trace("dr6"))));

        Assert.Contains("request · client [fd00:10:77::10]:40512 → VIP6 [fd00:10:77:1::100]:80 · TCP SYN", text, StringComparison.Ordinal);
        Assert.Contains("lan fd00:10:77:1::3", text, StringComparison.Ordinal);
        Assert.Contains("VIP6 fd00:10:77:1::100 on lo", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOuterLineNamesTheTunnelWithItsHopLimit()
    {
        var tun6 = Text(XDocument.Parse(FlowSvg.Render(Trace("tun6"))));
        var tun46 = Text(XDocument.Parse(FlowSvg.Render(Trace("tun46"))));

        Assert.Contains("outer fd00:10:77:1::3 → fd00:10:78::12  hop limit 64  IPv6-in-IPv6", tun6, StringComparison.Ordinal);
        Assert.Contains("outer fd00:10:77:1::3 → fd00:10:78::12  hop limit 63  IPv6-in-IPv6", tun6, StringComparison.Ordinal);
        Assert.Contains("outer fd00:10:77:1::3 → fd00:10:78::12  hop limit 64  IPv4-in-IPv6", tun46, StringComparison.Ordinal);
        Assert.Contains("TTL   63 · TCP SYN · +0.090 ms", tun46, StringComparison.Ordinal);
        Assert.DoesNotContain("IP-in-IP", tun6 + tun46, StringComparison.Ordinal);
    }

    [Fact]
    public void NatsRewrittenIpv6FieldsAreHighlightedInsideTheBrackets()
    {
        var highlighted = XDocument.Parse(FlowSvg.Render(Trace("nat6"))).Descendants(Svg + "tspan")
            .Where(t => (string?)t.Attribute("fill") == "#c62828" && t.Parent!.Attribute("y") is not null && (string?)t.Parent.Attribute("x") != "20")
            .Select(t => t.Value)
            .ToList();

        Assert.Equal(
            [
                "02:00:0a:4d:01:03", "02:00:0a:4d:01:0b", "fd00:10:77:1::11", "8080", "63",
                "02:00:0a:4d:00:03", "02:00:0a:4d:00:0a", "fd00:10:77::100", "80", "63",
            ],
            highlighted);
    }

    private static PacketFlow Trace(string lab)
    {
        var wire = lab switch
        {
            "dr6" => Wires6.Dr(),
            "nat6" => Wires6.Nat(),
            "tun6" => Wires6.Tun(),
            _ => Wires6.Ipv4InIpv6(),
        };
        return new FlowTracer(wire.Topology, wire.Captures, wire.Macs).Trace();
    }

    private static string Text(XDocument svg) => string.Join("\n", svg.Descendants(Svg + "text").Select(t => t.Value));
}
