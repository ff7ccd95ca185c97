using System.Xml.Linq;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class FlowSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Modes => new() { "dr", "nat", "tun" };

    [Theory]
    [MemberData(nameof(Modes))]
    public void SvgIsWellFormedWithABoxPerNodeAndAnArrowPerHop(string mode)
    {
        var flow = Trace(mode);

        var svg = XDocument.Parse(FlowSvg.Render(flow));

        Assert.Equal(Svg + "svg", svg.Root!.Name);
        Assert.Equal(flow.Nodes.Count, svg.Descendants(Svg + "rect").Count(r => r.Attribute("rx") is not null));
        Assert.Equal(flow.Hops.Count, svg.Descendants(Svg + "line").Count(l => l.Attribute("marker-end") is not null));
        var text = string.Join("\n", svg.Descendants(Svg + "text").Select(t => t.Value));
        Assert.Contains($"LVS-{mode.ToUpperInvariant()}: one TCP SYN packet, hop by hop · lab {mode}", text, StringComparison.Ordinal);
        foreach (var hop in flow.Hops)
        {
            Assert.Contains($"MAC   {hop.SourceMac} → {hop.DestinationMac}", text, StringComparison.Ordinal);
            Assert.Contains($"{hop.Packet.SourceText} → {hop.Packet.DestinationText}", text, StringComparison.Ordinal);
            Assert.Contains(hop.Note, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ChangedFieldsAreHighlighted()
    {
        var flow = Trace("nat");

        var highlighted = Highlighted(FlowSvg.Render(flow));

        // Hop 2: new MACs, destination RIP:8080, TTL 63; hop 4: source VIP:80 again.
        Assert.Equal(
            [
                "02:00:0a:4d:01:03", "02:00:0a:4d:01:0b", "10.77.1.11", "8080", "63",
                "02:00:0a:4d:00:03", "02:00:0a:4d:00:0a", "10.77.0.100", "80", "63",
            ],
            highlighted);
    }

    [Fact]
    public void TunnelHeaderIsHighlightedWhereItIsAddedAndWhereItsTtlDrops()
    {
        var highlighted = Highlighted(FlowSvg.Render(Trace("tun")));

        Assert.Equal(
            [
                "02:00:0a:4d:01:02", "02:00:0a:4d:01:03", "63",
                "02:00:0a:4d:01:03", "02:00:0a:4d:01:02", "10.77.1.3", "10.78.0.12", "64",
                "02:00:0a:4e:00:02", "02:00:0a:4e:00:0c", "63",
                "02:00:0a:4d:00:02", "02:00:0a:4d:00:0a", "63",
            ],
            highlighted);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void SameCapturesGiveTheSameBytesWhateverTheLinkOrder(string mode)
    {
        var wire = Wire(mode);
        var reversed = wire.Captures.Reverse().ToDictionary(kv => kv.Key, kv => kv.Value);

        var first = new FlowTracer(wire.Topology, wire.Captures, wire.Macs).Trace();
        var second = new FlowTracer(wire.Topology, reversed, wire.Macs).Trace();

        Assert.Equal(FlowSvg.Render(first), FlowSvg.Render(second));
        Assert.Equal(FlowSvg.Render(first), FlowSvg.Render(first));
        Assert.Equal(FlowText.Render(first), FlowText.Render(second));
    }

    [Fact]
    public void MarkupInNamesIsEscaped()
    {
        var flow = Trace("dr") with { Lab = "a<b>&\"c'" };

        var svg = XDocument.Parse(FlowSvg.Render(flow));

        Assert.Contains("lab a<b>&\"c'", svg.Root!.Element(Svg + "title")!.Value, StringComparison.Ordinal);
    }

    /// <summary>
    /// docs/flow-{dr,nat,tun}.svg are these tests' output: they change only with the drawing. Run
    /// with <c>LVSLAB_UPDATE_DOCS=1</c> to rewrite them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public void SamplesInDocsAreCurrent(string mode)
    {
        var path = Path.Combine(Root(), "docs", $"flow-{mode}.svg");
        var svg = FlowSvg.Render(Trace(mode));
        if (Environment.GetEnvironmentVariable("LVSLAB_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, svg);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with LVSLAB_UPDATE_DOCS=1");
        Assert.Equal(File.ReadAllText(path), svg);
    }

    private static LabWire Wire(string mode) => mode switch
    {
        "dr" => Wires.Dr(),
        "nat" => Wires.Nat(),
        _ => Wires.Tun(),
    };

    private static PacketFlow Trace(string mode)
    {
        var wire = Wire(mode);
        return new FlowTracer(wire.Topology, wire.Captures, wire.Macs).Trace();
    }

    private static List<string> Highlighted(string svg) =>
        XDocument.Parse(svg).Descendants(Svg + "tspan")
            .Where(t => (string?)t.Attribute("fill") == "#c62828" && t.Parent!.Attribute("y") is not null && (string?)t.Parent.Attribute("x") != "20")
            .Select(t => t.Value)
            .ToList();

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LvsLab.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no LvsLab.sln above {AppContext.BaseDirectory}");
    }
}
