using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public sealed class DrLabTests
{
    [Fact]
    public void DefaultDrLabIsValid()
    {
        var lab = DrLab.Create("t", 0);

        Assert.Empty(lab.Validate());
        Assert.Equal(["client", "router", "director", "rs1", "rs2", "rs3"], lab.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void TheDirectorGetsTenTimesTheOtherNodesCpuShares()
    {
        var lab = DrLab.Create("t", 0);

        Assert.Equal(LabNode.DirectorCpuShares, lab.Node("director").CpuShares);
        Assert.Equal(10 * LabNode.DefaultCpuShares, LabNode.DirectorCpuShares);
        Assert.All(lab.Nodes.Where(n => n.Role != NodeRole.Director), n => Assert.Equal(LabNode.DefaultCpuShares, n.CpuShares));
        Assert.Equal(512, (lab.Node("director") with { CpuShares = 512 }).CpuShares);
        Assert.Equal(LabNode.DefaultCpuShares, (lab.Node("director") with { Role = NodeRole.Router }).CpuShares);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(262_145)]
    public void CpuSharesOutsideDockersRangeAreRefusedWithTheValue(int shares)
    {
        var node = DrLab.Create("t", 0).Node("rs1");

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => node with { CpuShares = shares });
        Assert.Contains("2 to 262144", e.Message, StringComparison.Ordinal);
        Assert.Equal(shares, e.ActualValue);
    }

    [Fact]
    public void RealServersHideTheVipOnLoAndIgnoreArpForIt()
    {
        var lab = DrLab.Create("t", 0);

        foreach (var rs in lab.NodesWith(NodeRole.RealServer))
        {
            Assert.Equal([lab.Vip], rs.LoopbackAddresses);
            Assert.Equal("1", rs.Sysctls["net.ipv4.conf.all.arp_ignore"]);
            Assert.Equal("2", rs.Sysctls["net.ipv4.conf.all.arp_announce"]);
            // Replies go to the router, never back through the director.
            Assert.Equal(lab.Node("router").AddressOn("lan"), Assert.Single(rs.Routes).Via);
        }
    }

    [Fact]
    public void NegativeControlLabLeavesArpSysctlsOut()
    {
        var lab = DrLab.Create("t", 0, new DrLabOptions { ArpSysctls = false });

        Assert.All(lab.NodesWith(NodeRole.RealServer), rs => Assert.Empty(rs.Sysctls));
    }

    [Fact]
    public void DirectorKernelDoesNotForwardNorHoldTheVip()
    {
        var lab = DrLab.Create("t", 0);
        var director = lab.Node("director");

        Assert.Equal("0", director.Sysctls["net.ipv4.ip_forward"]);
        Assert.DoesNotContain(lab.Vip, director.Interfaces.Select(i => i.Address));
        Assert.Empty(director.LoopbackAddresses);
    }

    [Fact]
    public void DirectorRulesNameEveryRealServerWithDr()
    {
        var lab = DrLab.Create("t", 5, new DrLabOptions { Servers = 2 });
        var rules = lab.Node("director").Files[DrLab.RulesPath];

        Assert.Equal(
            $"-A -t {lab.Vip}:80 -s rr\n-a -t {lab.Vip}:80 -r 10.77.11.11:80 -g -w 1\n-a -t {lab.Vip}:80 -r 10.77.11.12:80 -g -w 1\n",
            rules);
    }

    [Fact]
    public void EveryAddressIsPrivateAndNoRouteLeavesTheLab()
    {
        var lab = DrLab.Create("t", 3);
        var addresses = lab.NodeAddresses;

        Assert.All(addresses, a => Assert.True(AddressMath.IsPrivate(a), $"{a} is not private"));
        Assert.All(lab.Nodes.SelectMany(n => n.Routes), r => Assert.Contains(r.Via, addresses));
    }

    [Fact]
    public void SlotsGiveLabsDisjointSubnets()
    {
        var subnets = Enumerable.Range(0, AddressPlan.MaxSlot + 1)
            .SelectMany(s => new[] { new AddressPlan(s).Front, new AddressPlan(s).Lan })
            .ToList();

        Assert.Equal(subnets.Count, subnets.Distinct().Count());
        Assert.Equal(7, AddressPlan.SlotOf(new AddressPlan(7).LanHost(100)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddressPlan(AddressPlan.MaxSlot + 1).Front);
    }
}
