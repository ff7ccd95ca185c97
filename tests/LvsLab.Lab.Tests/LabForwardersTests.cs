using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public class LabForwardersTests
{
    [Fact]
    public void TheCSharpDirectorKeepsTheLabsDirectorNodeAndSaysHowItIsReady()
    {
        var dr = StockLabs.Load("dr", "x", 1);
        var applied = LabForwarders.Apply(dr, LabForwarders.LvsLab);
        var director = applied.Node("director");
        var expected = dr with { Nodes = [.. dr.Nodes.Select(n => n.Role == NodeRole.Director ? n with { Readiness = director.Readiness } : n)] };
        Assert.Equal(TopologyText.Of(expected), TopologyText.Of(applied));
        Assert.Equal("^lvs-director: ready$", Assert.IsType<LogLineReadiness>(director.Readiness).Pattern);
        Assert.All(applied.Nodes.Where(n => n.Role != NodeRole.Director), n => Assert.Same(dr.Node(n.Name), n));
    }

    [Theory]
    [InlineData("nftables", "^nft-director: ready$")]
    [InlineData("ipvs", "^ipvs-director: ready$")]
    [InlineData("xdp", "^xdp-director: ready$")]
    [InlineData("image:myorg/lb:1.2", "^(\\S+: )?ready$")]
    public void EachForwarderBringsItsOwnReadinessSignal(string forwarder, string pattern)
    {
        var director = LabForwarders.Apply(StockLabs.Load("dr", "x", 1), forwarder).Node("director");
        Assert.Equal(pattern, Assert.IsType<LogLineReadiness>(director.Readiness).Pattern);
    }

    [Theory]
    [InlineData("nftables", "nft-director")]
    [InlineData("ipvs", "ipvs-director")]
    [InlineData("image:myorg/lb:1.2", "myorg/lb:1.2")]
    public void AnotherForwarderTakesTheDirectorsPlaceWithForwardingOn(string forwarder, string image)
    {
        var nat = LabForwarders.Apply(StockLabs.Load("nat", "x", 1), forwarder);
        var director = nat.NodesWith(NodeRole.Director).Single();
        Assert.Equal(image, director.Image);
        Assert.Equal("1", director.Sysctls["net.ipv4.ip_forward"]);
        Assert.Equal("client", nat.Node("client").Image);
        Assert.Equal(StockLabs.Load("nat", "x", 1).Node("director").Files, director.Files);
    }

    [Fact]
    public void TheLibpcapBaselineIsTheCSharpDirectorWithLvsIoPcap()
    {
        var dr = StockLabs.Load("dr", "x", 1);
        var pcap = LabForwarders.Apply(dr, LabForwarders.LvsLabPcap);
        var director = pcap.Node("director");
        Assert.Equal(dr.Node("director").Image, director.Image);
        Assert.Equal("pcap", director.Environment["LVS_IO"]);
        Assert.Equal("eth0", director.Environment["LVS_INTERFACE"]);
        Assert.Equal("0", director.Sysctls["net.ipv4.ip_forward"]);
        Assert.True(LabForwarders.IsLvsDirector(LabForwarders.LvsLabPcap));
        Assert.False(LabForwarders.IsLvsDirector(LabForwarders.Nftables));
    }

    [Fact]
    public void TheCSharpDirectorTakesLvsSettingsAndRefusesOthersByName()
    {
        var dr = LabForwarders.Apply(StockLabs.Load("dr", "x", 1), "lvslab:LVS_WORKERS=2,LVS_BUSY_POLL=50");
        var director = dr.Node("director");
        Assert.Equal("2", director.Environment["LVS_WORKERS"]);
        Assert.Equal("50", director.Environment["LVS_BUSY_POLL"]);
        Assert.True(LabForwarders.IsLvsDirector("lvslab:LVS_WORKERS=2"));
        var bad = Assert.Throws<ArgumentException>(() => LabForwarders.Apply(StockLabs.Load("dr", "x", 1), "lvslab:PATH=/tmp"));
        Assert.StartsWith("forwarder 'lvslab:PATH=/tmp': 'PATH=/tmp' is not LVS_NAME=VALUE", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUdpServiceIsAddedOverEveryRealServerWithTheLabsMethod()
    {
        var nat = StockLabs.WithUdpService(StockLabs.Load("nat", "x", 1), 9999);
        var rules = nat.Node("director").Files[DrLab.RulesPath];
        Assert.Contains($"-A -u {nat.Vip}:9999 -s rr", rules, StringComparison.Ordinal);
        Assert.Equal(3, rules.Split('\n').Count(l => l.StartsWith($"-a -u {nat.Vip}:9999 -r ", StringComparison.Ordinal) && l.EndsWith(" -m -w 1", StringComparison.Ordinal)));
        Assert.StartsWith(StockLabs.Load("nat", "x", 1).Node("director").Files[DrLab.RulesPath].TrimEnd('\n'), rules, StringComparison.Ordinal);
    }

    [Fact]
    public void XdpTakesTheDrDirectorWithSysAdminOnTopOfTheLabsCapabilitiesAndRefusesNat()
    {
        var dr = StockLabs.Load("dr", "x", 1);
        var director = LabForwarders.Apply(dr, LabForwarders.Xdp).Node("director");
        Assert.Equal("xdp-director", director.Image);
        Assert.Equal([.. dr.Node("director").Capabilities, "SYS_ADMIN"], director.Capabilities);
        Assert.Equal("eth0", director.Environment["LVS_INTERFACE"]);
        Assert.All(LabForwarders.Apply(dr, LabForwarders.Nftables).Nodes, n => Assert.DoesNotContain("SYS_ADMIN", n.Capabilities));
        var nat = Assert.Throws<ArgumentException>(() => LabForwarders.Apply(StockLabs.Load("nat", "n", 1), LabForwarders.Xdp));
        Assert.StartsWith("the forwarder 'xdp' does DR, not nat (lab 'n')", nat.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NftablesRefusesTunAndUnknownForwardersAreNamed()
    {
        var tun = Assert.Throws<ArgumentException>(() => LabForwarders.Apply(StockLabs.Load("tun", "t", 1), LabForwarders.Nftables));
        Assert.StartsWith("the forwarder 'nftables' does DR and NAT, not tun (lab 't')", tun.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => LabForwarders.Apply(StockLabs.Load("dr", "d", 1), "haproxy"));
        Assert.StartsWith("unknown forwarder 'haproxy' (known: lvslab, lvslab-pcap, nftables, ipvs, xdp, lvslab:LVS_NAME=VALUE,…, FILE.forwarder.yml, mutant:FAULT, or image:NAME:TAG)", unknown.Message, StringComparison.Ordinal);
    }
}
