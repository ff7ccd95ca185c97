using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public sealed class TunLabTests
{
    [Fact]
    public void TunLabIsValidWithServersOnTheLanAndBehindTheRouter()
    {
        var lab = TunLab.Create("t", 4);

        Assert.Empty(lab.Validate());
        Assert.Equal("lan", lab.Node("rs1").Interfaces[0].Network);
        Assert.Equal("far", lab.Node("rs2").Interfaces[0].Network);
        Assert.Equal("far", lab.Node("rs3").Interfaces[0].Network);
        Assert.Equal(lab.Node("router").AddressOn("lan"), Assert.Single(lab.Node("director").Routes).Via);
    }

    [Fact]
    public void TunRealServersHoldTheVipAndCanDecapsulate()
    {
        var lab = TunLab.Create("t", 4);

        Assert.All(lab.NodesWith(NodeRole.RealServer), rs =>
        {
            Assert.Equal([lab.Vip], rs.LoopbackAddresses);
            Assert.Equal("0", rs.Sysctls["net.ipv4.conf.all.rp_filter"]);
            Assert.Equal("1", rs.Sysctls["net.ipv4.conf.all.arp_ignore"]);
            Assert.Contains("/dev/net/tun", rs.Devices);
            Assert.Equal("1", rs.Environment["LVSLAB_TUN"]);
            Assert.NotEmpty(Assert.IsType<CommandReadiness>(rs.Readiness).Arguments);
        });
    }

    [Fact]
    public void StrictRpFilterNegativeControlPutsItsOneServerFarAway()
    {
        var lab = TunLab.Create("t", 4, new TunLabOptions { Servers = 1, StrictRpFilter = true });

        var rs = Assert.Single(lab.NodesWith(NodeRole.RealServer));
        Assert.Equal("far", rs.Interfaces[0].Network);
        Assert.Equal("1", rs.Sysctls["net.ipv4.conf.all.rp_filter"]);
    }

    [Fact]
    public void TunRulesUseIpipForTheWebAndUploadServices()
    {
        var lab = TunLab.Create("t", 4, new TunLabOptions { Servers = 1 });
        var rules = lab.Node("director").Files[DrLab.RulesPath];

        Assert.Equal(
            $"-A -t {lab.Vip}:80 -s rr\n-a -t {lab.Vip}:80 -r 10.78.4.11:80 -i -w 1\n-A -t {lab.Vip}:9000 -s rr\n-a -t {lab.Vip}:9000 -r 10.78.4.11:9000 -i -w 1\n",
            rules);
    }

    [Fact]
    public void FarSubnetBelongsToTheSameSlot()
    {
        Assert.Equal(9, AddressPlan.SlotOf(new AddressPlan(9).FarHost(12)));
    }
}
