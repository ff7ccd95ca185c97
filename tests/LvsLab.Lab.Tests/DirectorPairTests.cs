using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public class DirectorPairTests
{
    private static LabTopology Dr() => StockLabs.Load("dr", "pair", 3);

    [Fact]
    public void TheDirectorBecomesTwoOneAddressApartWithTheirVrrpParts()
    {
        var single = Dr();
        var director = single.Node("director");
        var pair = DirectorPair.Apply(single);

        Assert.Equal(single.Nodes.Count + 1, pair.Nodes.Count);
        Assert.DoesNotContain(pair.Nodes, n => n.Name == "director");
        var first = pair.Node(DirectorPair.First);
        var second = pair.Node(DirectorPair.Second);
        Assert.Equal(director.Interfaces, first.Interfaces);
        Assert.Equal(AddressMath.Offset(director.AddressOn("lan"), 1), second.AddressOn("lan"));
        Assert.Equal("51,250,100ms", first.Environment["LVS_VRRP"]);
        Assert.Equal("51,200,100ms", second.Environment["LVS_VRRP"]);
        Assert.All(new[] { first, second }, n =>
        {
            Assert.Equal(NodeRole.Director, n.Role);
            Assert.Equal("on", n.Environment["LVS_SYNC"]);
            Assert.Equal("0", n.Environment["LVS_SLOPPY_TCP"]);
            Assert.Equal(director.Environment["LVS_INTERFACE"], n.Environment["LVS_INTERFACE"]);
            Assert.Equal(director.Files, n.Files);
            Assert.False(n.Environment.ContainsKey("LVS_FAULT"));
        });
        Assert.Empty(pair.Validate());
    }

    [Fact]
    public void OptionsReachTheDirectors()
    {
        var pair = DirectorPair.Apply(Dr(), new DirectorPairOptions { VirtualRouterId = 7, IntervalMilliseconds = 1000, Sync = false, SloppyTcp = true, SecondFaults = "no-gratuitous-arp" });
        Assert.Equal("7,250,1000ms", pair.Node(DirectorPair.First).Environment["LVS_VRRP"]);
        Assert.Equal("off", pair.Node(DirectorPair.Second).Environment["LVS_SYNC"]);
        Assert.Equal("1", pair.Node(DirectorPair.Second).Environment["LVS_SLOPPY_TCP"]);
        Assert.Equal("no-gratuitous-arp", pair.Node(DirectorPair.Second).Environment["LVS_FAULT"]);
        Assert.False(pair.Node(DirectorPair.First).Environment.ContainsKey("LVS_FAULT"));
    }

    [Fact]
    public void OnlyALabWithOneDirectorAndAFreeAddressIsPaired()
    {
        Assert.Equal(2, DirectorPair.Apply(StockLabs.Load("tun", "pair", 3)).NodesWith(NodeRole.Director).Count);
        Assert.Contains("has 0", Assert.Throws<ArgumentException>(() => DirectorPair.Apply(StockLabs.Load("seed", "pair", 3))).Message, StringComparison.Ordinal);
        var pair = DirectorPair.Apply(Dr());
        Assert.Contains("has 2", Assert.Throws<ArgumentException>(() => DirectorPair.Apply(pair)).Message, StringComparison.Ordinal);

        // A node already at the second director's address.
        var single = Dr();
        var next = AddressMath.Offset(single.Node("director").AddressOn("lan"), 1);
        var crowded = single with
        {
            Nodes = [.. single.Nodes.Select(n => n.Name == "rs1" ? n with { Interfaces = [new NodeInterface("lan", next)] } : n)],
        };
        Assert.Contains($"would take {next}", Assert.Throws<ArgumentException>(() => DirectorPair.Apply(crowded)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APairMayMixTwoForwardersThatSpeakVrrp()
    {
        var pair = LabForwarders.ApplyPair(Dr(), LabForwarders.LvsLab, LabForwarders.Nftables);
        Assert.Equal("director", pair.Node(DirectorPair.First).Image);
        Assert.Equal("nft-director", pair.Node(DirectorPair.Second).Image);
        Assert.Equal("51,200,100ms", pair.Node(DirectorPair.Second).Environment["LVS_VRRP"]);
        Assert.Equal("^nft-director: ready$", Assert.IsType<LogLineReadiness>(pair.Node(DirectorPair.Second).Readiness).Pattern);

        var same = LabForwarders.ApplyPair(Dr(), LabForwarders.Nftables);
        Assert.All(same.NodesWith(NodeRole.Director), d => Assert.Equal("nft-director", d.Image));
    }

    [Theory]
    [InlineData("xdp", null, "the forwarder 'xdp' does not claim")]
    [InlineData("lvslab", "xdp", "the forwarder 'xdp' does not claim")]
    [InlineData("lvslab", "no-such", "unknown forwarder 'no-such'")]
    public void AForwarderThatSpeaksNoVrrpIsRefusedByName(string first, string? second, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => LabForwarders.ApplyPair(Dr(), first, second)).Message, StringComparison.Ordinal);

    [Fact]
    public void ANatPairsRealServersRouteThroughAFloatingGatewayThatBothDirectorsHold()
    {
        var single = StockLabs.Load("nat", "pair", 3);
        var pair = DirectorPair.Apply(single);
        var back = single.Networks.Single(n => n.Name == "back").Subnet;
        var gateway = AddressMath.Offset(back.BaseAddress, 254);

        Assert.Equal([gateway], pair.FloatingAddresses);
        Assert.All(pair.NodesWith(NodeRole.RealServer), rs => Assert.Equal(gateway, Assert.Single(rs.Routes).Via));
        Assert.All(pair.NodesWith(NodeRole.Director), d => Assert.Equal(gateway.ToString(), d.Environment["LVS_VRRP_ADDRESSES"]));
        Assert.Empty(pair.Validate());

        // In DR nothing routes through the director: no floating gateway.
        Assert.Empty(DirectorPair.Apply(Dr()).FloatingAddresses);
        Assert.DoesNotContain(DirectorPair.Apply(Dr()).Nodes, n => n.Environment.ContainsKey("LVS_VRRP_ADDRESSES"));

        // A route to a floating address no pair holds is a route to nowhere.
        var stray = pair with { FloatingAddresses = [] };
        Assert.Contains(stray.Validate(), p => p.Contains($"via {gateway}: the next hop is not a lab node", StringComparison.Ordinal));
    }

    [Fact]
    public void ATopologyFileAsksForAPairWithDirectorsTwo()
    {
        string text = StockLabs.FileText("nat").Replace("\nnetworks:", "\ndirectors: 2\nnetworks:", StringComparison.Ordinal);
        var pair = TopologyFiles.LabFile.Parse(text, "lab/nat-pair.lab.yml", "pair", 3);
        Assert.Equal([DirectorPair.First, DirectorPair.Second], pair.NodesWith(NodeRole.Director).Select(d => d.Name));
        Assert.Single(pair.FloatingAddresses);
        Assert.True(LabForwarders.IsPair(pair));
        Assert.Equal("nft-director", LabForwarders.ApplyToPair(pair, LabForwarders.LvsLab, LabForwarders.Nftables).Node(DirectorPair.Second).Image);
        Assert.False(LabForwarders.IsPair(StockLabs.Load("nat", "one", 3)));
    }

    [Theory]
    [InlineData("directors: 3", "directors 3: 1, or 2 for a VRRP pair")]
    [InlineData("directors: two", "directors")]
    public void ABadDirectorsCountIsNamedWithItsLine(string line, string message)
    {
        string text = StockLabs.FileText("dr").Replace("\nnetworks:", $"\n{line}\nnetworks:", StringComparison.Ordinal);
        int at = text.Split('\n').ToList().IndexOf(line) + 1;
        var error = Assert.Throws<TopologyFiles.TopologyFileException>(() => TopologyFiles.LabFile.Parse(text, "lab/bad.lab.yml", "pair", 3));
        Assert.Contains($"lab/bad.lab.yml:{at}: directors", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
