using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public sealed class NatAndSeedLabTests
{
    [Fact]
    public void NatLabIsValidAndRealServersRouteRepliesThroughTheDip()
    {
        var lab = NatLab.Create("t", 2);
        var dip = lab.Node("director").AddressOn("back");

        Assert.Empty(lab.Validate());
        Assert.Equal("nat", lab.Mode);
        Assert.Equal(["front", "back"], lab.Node("director").Interfaces.Select(i => i.Network));
        Assert.Equal("eth0,eth1", lab.Node("director").Environment["LVS_INTERFACE"]);
        Assert.All(lab.NodesWith(NodeRole.RealServer), rs =>
        {
            Assert.Equal(dip, Assert.Single(rs.Routes).Via);
            Assert.Empty(rs.LoopbackAddresses);
        });
        Assert.True(lab.Network("front").Subnet.Contains(lab.Vip));
    }

    [Fact]
    public void NatNegativeControlRoutesRepliesAroundTheDirector()
    {
        var lab = NatLab.Create("t", 2, new NatLabOptions { Servers = 1, RouteRepliesThroughDirector = false });

        Assert.Equal(lab.Node("router").AddressOn("back"), Assert.Single(lab.Node("rs1").Routes).Via);
    }

    [Fact]
    public void NatRulesMapPortsForTcpAndUdp()
    {
        var vip = IPAddress.Parse("10.77.4.100");

        var rules = NatLab.Rules(vip, "rr", [IPAddress.Parse("10.77.5.11")]);

        Assert.Equal(
            "-A -t 10.77.4.100:80 -s rr\n-a -t 10.77.4.100:80 -r 10.77.5.11:8080 -m -w 1\n" +
            "-A -u 10.77.4.100:53 -s rr\n-a -u 10.77.4.100:53 -r 10.77.5.11:5353 -m -w 1\n",
            rules);
    }

    [Fact]
    public void SeedLabUsesTheSeedsAddresses()
    {
        var lab = SeedLab.Create("seed");

        Assert.Empty(lab.Validate());
        Assert.Equal(IPAddress.Parse("192.168.10.71"), lab.Node("node11").AddressOn("lan10"));
        Assert.Equal(IPAddress.Parse("192.168.10.2"), Assert.Single(lab.Node("node12").Routes).Via);
        Assert.Equal(IPAddress.Parse("192.168.1.8"), lab.Node("host1").AddressOn("home"));
        Assert.Equal(IPAddress.Parse("192.168.1.6"), lab.Node("host2").AddressOn("home"));
        Assert.Equal(IPAddress.Parse("192.168.1.4"), lab.Node("pc").AddressOn("home"));
        Assert.Equal(IPAddress.Parse("192.168.3.4"), lab.Node("server3").AddressOn("net3"));
        Assert.All(lab.NodeAddresses, a => Assert.True(AddressMath.IsPrivate(a), $"{a} is public"));
    }

    [Fact]
    public void SeedRouterMasqueradesOnlyOutOfTheWanSide()
    {
        var router = SeedLab.Create("seed").Node("router");

        Assert.Equal("eth3", router.InterfaceOn("wan"));
        Assert.Contains("nft add rule ip seednat postrouting oifname eth3 masquerade", router.Commands);
        Assert.Equal(SeedLab.PublicStandIn, router.AddressOn("wan"));
    }

    [Fact]
    public void SeedWebServerHasNoRouteBackToTheHomeNetwork()
    {
        Assert.Empty(SeedLab.Create("seed").Node("web").Routes);
    }
}
