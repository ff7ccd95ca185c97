using System.Net;
using System.Net.Sockets;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Tests;

/// <summary>The stock labs with <c>Ipv6</c>: the IPv4 lab untouched, IPv6 beside it by the mapping.</summary>
public sealed class DualStackLabTests
{
    public static TheoryData<string> Kinds => new() { "dr", "nat", "tun", "seed" };

    private static IPAddress A(string text) => IPAddress.Parse(text);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryNetworkInterfaceAndVipGetsItsMappedIpv6Twin(string kind)
    {
        var lab = StockLabs.Create(kind, "t", 4, ipv6: true);

        Assert.Empty(lab.Validate());
        Assert.True(lab.IsDualStack);
        Assert.Equal(Ipv6Plan.Map(lab.Vip), lab.Vip6);
        Assert.All(lab.Networks, n => Assert.Equal(Ipv6Plan.MapSubnet(n.Subnet), n.Subnet6));
        Assert.All(lab.Nodes.SelectMany(n => n.Interfaces), i => Assert.Equal(Ipv6Plan.Map(i.Address), i.Address6));
        Assert.All(lab.NodeAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6), a => Assert.True(AddressMath.IsUniqueLocal(a), $"{a} is not unique-local"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheIpv4SideIsExactlyTheIpv4OnlyLab(string kind)
    {
        var ipv4 = StockLabs.Create(kind, "t", 4);
        var dual = StockLabs.Create(kind, "t", 4, ipv6: true);

        Assert.False(ipv4.IsDualStack);
        Assert.Null(ipv4.Vip6);
        Assert.Equal(TopologyText.Of(ipv4), TopologyText.Of(WithoutIpv6(dual)));
    }

    [Fact]
    public void DrRealServersHoldTheVip6BesideTheVipAndRouteIpv6RepliesToTheRouter()
    {
        var lab = DrLab.Create("t", 0, new DrLabOptions { Ipv6 = true });
        var router = lab.Node("router");

        Assert.Equal(A("fd00:10:77:1::100"), lab.Vip6);
        Assert.Equal(A("fd00:10:77:1::2"), router.Address6On("lan"));
        Assert.Equal(A("fd00:10:77:0::2"), router.Address6On("front"));
        Assert.Equal(A("fd00:10:77:1::3"), lab.Node("director").Address6On("lan"));
        foreach (var rs in lab.NodesWith(NodeRole.RealServer))
        {
            Assert.Equal([lab.Vip, lab.Vip6!], rs.LoopbackAddresses);
            Assert.Equal([LabRoute.Default(router.AddressOn("lan")), LabRoute.Default(router.Address6On("lan")!)], rs.Routes);
            Assert.Equal("::/0", rs.Routes[1].Destination.ToString());
            Assert.Equal("0", rs.Sysctls["net.ipv6.conf.all.disable_ipv6"]);
            Assert.Equal("0", rs.Sysctls["net.ipv6.conf.all.accept_dad"]);
            Assert.Equal("0", rs.Sysctls["net.ipv6.conf.default.accept_dad"]);
            Assert.Equal("0", rs.Sysctls["net.ipv6.conf.all.accept_ra"]);
            Assert.Equal("1", rs.Sysctls["net.ipv4.conf.all.arp_ignore"]);
        }

        Assert.Equal([LabRoute.Default(router.AddressOn("front")), LabRoute.Default(router.Address6On("front")!)], lab.Node("client").Routes);
        Assert.Equal("1", router.Sysctls["net.ipv6.conf.all.forwarding"]);
        Assert.Equal("0", lab.Node("director").Sysctls["net.ipv6.conf.all.forwarding"]);
        Assert.Empty(lab.Node("director").LoopbackAddresses);

        // The director's rules get the IPv6 twin of every service and real server.
        var rules = lab.Node("director").Files[DrLab.RulesPath];
        Assert.StartsWith(DrLab.Create("t", 0).Node("director").Files[DrLab.RulesPath].TrimEnd('\n') + "\n", rules, StringComparison.Ordinal);
        Assert.Contains("-A -t [fd00:10:77:1::100]:80 -s rr", rules, StringComparison.Ordinal);
        Assert.Contains("-a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g -w 1", rules, StringComparison.Ordinal);
        Assert.Equal(2, rules.Split('\n').Count(l => l.StartsWith("-A ", StringComparison.Ordinal)));
        Assert.Equal(rules, Ipv6Plan.TwinRules(rules));
    }

    [Fact]
    public void NatRealServersRouteIpv6RepliesThroughTheDirectorToo()
    {
        var lab = NatLab.Create("t", 2, new NatLabOptions { Ipv6 = true });
        var director = lab.Node("director");

        Assert.Equal(A("fd00:10:77:4::100"), lab.Vip6);
        Assert.All(lab.NodesWith(NodeRole.RealServer), rs =>
        {
            Assert.Empty(rs.LoopbackAddresses);
            Assert.Equal(director.Address6On("back"), rs.Routes.Single(r => r.IsIpv6).Via);
        });
        Assert.Empty(lab.Node("client").Routes);
    }

    [Fact]
    public void TunFarServersRouteIpv6ThroughTheRoutersFarAddress()
    {
        var lab = TunLab.Create("t", 4, new TunLabOptions { Ipv6 = true });
        var router = lab.Node("router");

        Assert.Equal(A("fd00:10:78:4::12"), lab.Node("rs2").Address6On("far"));
        Assert.Equal(router.Address6On("far"), lab.Node("rs2").Routes.Single(r => r.IsIpv6).Via);
        Assert.Equal(router.Address6On("lan"), lab.Node("rs1").Routes.Single(r => r.IsIpv6).Via);
        Assert.Equal(router.Address6On("lan"), lab.Node("director").Routes.Single(r => r.IsIpv6).Via);
        Assert.All(lab.NodesWith(NodeRole.RealServer), rs => Assert.Equal([lab.Vip, lab.Vip6!], rs.LoopbackAddresses));
    }

    [Fact]
    public void SeedRoutesToOtherSubnetsAreMirroredWithTheirMappedDestination()
    {
        var ipv4 = SeedLab.Create("s");
        var lab = Ipv6Plan.DualStack(ipv4);

        foreach (var node in ipv4.Nodes)
        {
            var twins = lab.Node(node.Name).Routes.Where(r => r.IsIpv6).ToList();
            Assert.Equal(node.Routes.Count, twins.Count);
            Assert.All(node.Routes.Zip(twins), pair =>
            {
                Assert.Equal(Ipv6Plan.Map(pair.First.Via), pair.Second.Via);
                Assert.Equal(pair.First.IsDefault ? IPNetwork.Parse("::/0") : Ipv6Plan.MapSubnet(pair.First.Destination), pair.Second.Destination);
            });
        }
    }

    [Fact]
    public void AUsersOwnIpv6SysctlWinsOverTheLabsDefault()
    {
        var ipv4 = DrLab.Create("t", 0);
        var rs1 = ipv4.Node("rs1") with { Sysctls = new Dictionary<string, string> { ["net.ipv6.conf.all.accept_dad"] = "1" } };
        var lab = Ipv6Plan.DualStack(ipv4 with { Nodes = [.. ipv4.Nodes.Select(n => n.Name == "rs1" ? rs1 : n)] });

        Assert.Equal("1", lab.Node("rs1").Sysctls["net.ipv6.conf.all.accept_dad"]);
        Assert.Equal("0", lab.Node("rs1").Sysctls["net.ipv6.conf.default.accept_dad"]);
    }

    [Fact]
    public void ADualStackDirectorPairTakesTheNextIpv6AddressAndAFloatingIpv6Gateway()
    {
        var dr = DirectorPair.Apply(DrLab.Create("t", 3, new DrLabOptions { Ipv6 = true }));
        Assert.Empty(dr.Validate());
        Assert.Equal(A("fd00:10:77:7::4"), dr.Node(DirectorPair.Second).Address6On("lan"));
        Assert.Equal(A("fd00:10:77:7::3"), dr.Node(DirectorPair.First).Address6On("lan"));

        var nat = DirectorPair.Apply(NatLab.Create("t", 3, new NatLabOptions { Ipv6 = true }));
        Assert.Empty(nat.Validate());
        Assert.Equal([A("10.77.7.254"), A("fd00:10:77:7::254")], nat.FloatingAddresses);
        Assert.All(nat.NodesWith(NodeRole.RealServer), rs => Assert.Equal([A("10.77.7.254"), A("fd00:10:77:7::254")], rs.Routes.Select(r => r.Via)));
        Assert.Equal("10.77.7.254", nat.Node(DirectorPair.First).Environment["LVS_VRRP_ADDRESSES"]);
    }

    [Fact]
    public void ASecondDirectorWhoseIpv6AddressIsTakenIsRefused()
    {
        var lab = DrLab.Create("t", 3, new DrLabOptions { Ipv6 = true });
        var rs1 = lab.Node("rs1");
        var squatter = rs1 with { Name = "rs9", Interfaces = [new NodeInterface("lan", A("10.77.7.99")) { Address6 = A("fd00:10:77:7::4") }], LoopbackAddresses = [] };

        var e = Assert.Throws<ArgumentException>(() => DirectorPair.Apply(lab with { Nodes = [.. lab.Nodes, squatter] }));
        Assert.Contains("would take fd00:10:77:7::4 on network 'lan'", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int?> StockLabsAndServers => new()
    {
        { "dr", null }, { "dr", 1 }, { "dr", 5 },
        { "nat", null }, { "nat", 5 },
        { "tun", null }, { "tun", 1 }, { "tun", 5 },
        { "seed", null },
    };

    [Theory]
    [MemberData(nameof(StockLabsAndServers))]
    public void StockLabFileWithIpv6GivesExactlyTheBuildersDualStackTopology(string kind, int? servers)
    {
        var loaded = StockLabs.Load(kind, "t", 6, servers, ipv6: true);
        var built = StockLabs.Create(kind, "t", 6, servers ?? 3, ipv6: true);

        Assert.Equal(TopologyText.Of(built), TopologyText.Of(loaded));
        Assert.Empty(loaded.Validate());
    }

    [Fact]
    public void TheFilesIpv6KeyAndTheOverrideChooseTheStack()
    {
        var text = StockLabs.FileText("dr").Replace("port: 80\n", "port: 80\nipv6: true\n", StringComparison.Ordinal);
        var dual = TopologyText.Of(StockLabs.Create("dr", "dr", 1, ipv6: true));
        var single = TopologyText.Of(StockLabs.Create("dr", "dr", 1));

        Assert.Equal(dual, TopologyText.Of(LabFile.Parse(text, "x.lab.yml", slot: 1)));
        Assert.Equal(single, TopologyText.Of(LabFile.Parse(text, "x.lab.yml", slot: 1, ipv6: false)));
        Assert.Equal(single, TopologyText.Of(LabFile.Parse(text.Replace("ipv6: true", "ipv6: false", StringComparison.Ordinal), "x.lab.yml", slot: 1)));
        Assert.Equal(dual, TopologyText.Of(StockLabs.Load("dr", null, 1, ipv6: true)));
        Assert.Equal(single, TopologyText.Of(StockLabs.Load("dr", null, 1)));
    }

    [Fact]
    public void ADualStackFileWithTwoDirectorsIsAValidPair()
    {
        var text = StockLabs.FileText("nat").Replace("port: 80\n", "port: 80\nipv6: true\ndirectors: 2\n", StringComparison.Ordinal);

        var lab = LabFile.Parse(text, "x.lab.yml", slot: 2);

        Assert.Empty(lab.Validate());
        Assert.Equal(A("fd00:10:77:5::4"), lab.Node(DirectorPair.Second).Address6On("back"));
        Assert.Contains(A("fd00:10:77:5::254"), lab.FloatingAddresses);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    [InlineData("True")]
    [InlineData("1")]
    public void AnIpv6ValueOtherThanTrueOrFalseIsRefusedAtItsLine(string value)
    {
        var text = StockLabs.FileText("dr").Replace("port: 80\n", $"port: 80\nipv6: {value}\n", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, "x.lab.yml")).Errors);

        Assert.Equal($"x.lab.yml:14: ipv6: expected true or false, found '{value}'", error.ToString());
    }

    [Fact]
    public void ANetworkWiderThanA24InADualStackFileIsRefusedAtItsLine()
    {
        var text = StockLabs.FileText("dr")
            .Replace("port: 80\n", "port: 80\nipv6: true\n", StringComparison.Ordinal)
            .Replace("  front: { subnet: auto }", "  front: { subnet: 10.60.0.0/16 }", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, "x.lab.yml")).Errors);

        Assert.Equal(
            "x.lab.yml:20: networks.front: network 'front': subnet 10.60.0.0/16 is wider than /24, so it has no IPv6 /64 (each /24 maps to one): use a /24 or give it its own IPv6 subnet",
            error.ToString());
    }

    [Fact]
    public void TwoHalvesOfA24ShareA64AndAreRefusedAsOverlappingInIpv6()
    {
        var text = StockLabs.FileText("dr")
            .Replace("port: 80\n", "port: 80\nipv6: true\n", StringComparison.Ordinal)
            .Replace("  front: { subnet: auto }", "  front: { subnet: 10.60.0.0/25 }", StringComparison.Ordinal)
            .Replace("  lan: { subnet: auto }", "  lan: { subnet: 10.60.0.128/25 }", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, "x.lab.yml")).Errors);

        Assert.Equal("x.lab.yml:20: networks.front: networks 'front' and 'lan' overlap in IPv6 (fd00:10:60::/64 and fd00:10:60::/64)", error.ToString());
    }

    // The lab as it would be without its IPv6 side: what Ipv6Plan.DualStack adds, taken away.
    private static LabTopology WithoutIpv6(LabTopology lab) => lab with
    {
        Vip6 = null,
        Networks = [.. lab.Networks.Select(n => n with { Subnet6 = null })],
        FloatingAddresses = [.. lab.FloatingAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork)],
        Nodes = [.. lab.Nodes.Select(n => n with
        {
            Interfaces = [.. n.Interfaces.Select(i => i with { Address6 = null })],
            LoopbackAddresses = [.. n.LoopbackAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork)],
            Routes = [.. n.Routes.Where(r => !r.IsIpv6)],
            Sysctls = n.Sysctls.Where(s => !s.Key.StartsWith("net.ipv6.", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value),
            Files = n.Files.ToDictionary(f => f.Key, f => string.Join('\n', f.Value.Split('\n').Where(l => !l.Contains('[', StringComparison.Ordinal)))),
        })],
    };

    [Theory]
    [InlineData("-A -t 10.77.1.100:80 -s rr -p 60 -M 255.255.255.0", "-A -t [fd00:10:77:1::100]:80 -s rr -p 60 -M 64")]
    [InlineData("-a -u 10.77.1.100:53 -r 10.77.2.11 -m -w 2 # dns", "-a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:2::11] -m -w 2")]
    [InlineData("-A -f 7 -s rr", null)]
    [InlineData("# a comment 10.0.0.1", null)]
    public void RulesGetTheirIpv6Twins(string line, string? twin)
    {
        var rules = Ipv6Plan.TwinRules(line + "\n");
        Assert.Equal(twin is null ? line + "\n" : line + "\n" + twin + "\n", rules);
    }
}
