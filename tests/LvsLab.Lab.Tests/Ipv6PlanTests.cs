using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

/// <summary>The IPv6 side of the address plan: one function from each IPv4 address to one unique-local IPv6 address.</summary>
public sealed class Ipv6PlanTests
{
    [Theory]
    [InlineData("10.77.1.100", "fd00:10:77:1::100")]
    [InlineData("10.77.0.10", "fd00:10:77:0::10")]
    [InlineData("10.78.5.12", "fd00:10:78:5::12")]
    [InlineData("10.77.255.254", "fd00:10:77:255::254")]
    [InlineData("192.168.10.2", "fd00:192:168:10::2")]
    [InlineData("10.0.0.0", "fd00:10::")]
    public void EachDecimalNumberBecomesTheHexGroupWithTheSameDigits(string ipv4, string ipv6)
    {
        Assert.Equal(IPAddress.Parse(ipv6), Ipv6Plan.Map(IPAddress.Parse(ipv4)));
        Assert.Equal(IPAddress.Parse(ipv4), Ipv6Plan.Unmap(IPAddress.Parse(ipv6)));
    }

    [Fact]
    public void EveryAddressOfEverySlotRoundTripsAndNoTwoCollide()
    {
        var seen = new HashSet<IPAddress>();
        for (var slot = 0; slot <= AddressPlan.MaxSlot; slot++)
        {
            var plan = new AddressPlan(slot);
            foreach (var subnet in new[] { plan.Front, plan.Lan, plan.Far })
            {
                for (var host = 0; host <= 255; host++)
                {
                    var ipv4 = AddressMath.Offset(subnet.BaseAddress, host);
                    var ipv6 = Ipv6Plan.Map(ipv4);

                    Assert.True(AddressMath.IsUniqueLocal(ipv6), $"{ipv6} is not in fd00::/8");
                    Assert.Equal(ipv4, Ipv6Plan.Unmap(ipv6));
                    Assert.True(seen.Add(ipv6), $"{ipv4} maps to {ipv6}, which another address has");
                }
            }
        }

        Assert.Equal((AddressPlan.MaxSlot + 1) * 3 * 256, seen.Count);
    }

    [Fact]
    public void EverySlotsSubnetsAreDistinct64sInsideFd00HoldingTheirHosts()
    {
        var subnets = new List<IPNetwork>();
        for (var slot = 0; slot <= AddressPlan.MaxSlot; slot++)
        {
            var plan = new AddressPlan(slot);
            foreach (var (v4, v6) in new[] { (plan.Front, plan.Front6), (plan.Lan, plan.Lan6), (plan.Far, plan.Far6) })
            {
                Assert.Equal(64, v6.PrefixLength);
                Assert.True(AddressMath.IsUniqueLocal(v6), $"{v6} is not inside fd00::/8");
                Assert.Equal(Ipv6Plan.MapSubnet(v4), v6);
                Assert.True(v6.Contains(Ipv6Plan.Map(AddressMath.Offset(v4.BaseAddress, 2))));
                Assert.True(v6.Contains(Ipv6Plan.Map(AddressMath.Offset(v4.BaseAddress, 254))));
                Assert.Equal(slot, AddressPlan.SlotOf(AddressMath.Offset(v6.BaseAddress, 0x100)));
                subnets.Add(v6);
            }
        }

        // All /64s: distinct base addresses mean no overlap.
        Assert.Equal(subnets.Count, subnets.Distinct().Count());
        Assert.Equal(IPNetwork.Parse("fd00:10:77:1::/64"), new AddressPlan(0).Lan6);
        Assert.Equal(IPNetwork.Parse("fd00:10:78:127::/64"), new AddressPlan(127).Far6);
    }

    [Fact]
    public void TheHostGatewayMapsToTheIpv6HostGateway()
    {
        foreach (var subnet in new[] { new AddressPlan(0).Front, new AddressPlan(9).Far, IPNetwork.Parse("192.168.66.0/24") })
        {
            var network = new LabNetwork("n", subnet) { Subnet6 = Ipv6Plan.MapSubnet(subnet) };

            Assert.Equal(Ipv6Plan.Map(network.HostGateway), network.HostGateway6);
        }

        Assert.Equal(IPAddress.Parse("fd00:10:77:1::1"), new LabNetwork("lan", new AddressPlan(0).Lan) { Subnet6 = new AddressPlan(0).Lan6 }.HostGateway6);
        Assert.Null(new LabNetwork("lan", new AddressPlan(0).Lan).HostGateway6);
    }

    [Theory]
    [InlineData("fd00:10:77:1::a")]
    [InlineData("fd00:10:77:1::256")]
    [InlineData("fd00:10:77:1:1::100")]
    [InlineData("fd01:10:77:1::100")]
    [InlineData("2001:db8::100")]
    [InlineData("10.77.1.100")]
    public void WhatIsNotAMappingHasNoIpv4Address(string address)
    {
        Assert.Null(Ipv6Plan.Unmap(IPAddress.Parse(address)));
    }

    [Fact]
    public void SubnetsWiderThanA24AndIpv6InputsHaveNoMapping()
    {
        Assert.Equal(IPNetwork.Parse("fd00:10:0:128::/64"), Ipv6Plan.MapSubnet(IPNetwork.Parse("10.0.128.128/25")));
        Assert.Contains("wider than /24", Assert.Throws<ArgumentException>(() => Ipv6Plan.MapSubnet(IPNetwork.Parse("10.77.0.0/16"))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Ipv6Plan.Map(IPAddress.Parse("fd00::1")));
        Assert.Throws<ArgumentException>(() => Ipv6Plan.MapSubnet(IPNetwork.Parse("fd00::/64")));
    }

    [Fact]
    public void UniqueLocalMeansFd00Slash8Only()
    {
        Assert.True(AddressMath.IsUniqueLocal(IPAddress.Parse("fd12:3456::1")));
        Assert.False(AddressMath.IsUniqueLocal(IPAddress.Parse("fc00::1")));
        Assert.False(AddressMath.IsUniqueLocal(IPAddress.Parse("2001:db8::1")));
        Assert.False(AddressMath.IsUniqueLocal(IPAddress.Parse("fe80::1")));
        Assert.False(AddressMath.IsUniqueLocal(IPAddress.Parse("10.0.0.1")));
        Assert.True(AddressMath.IsUniqueLocal(IPNetwork.Parse("fd00:10:77:1::/64")));
        Assert.False(AddressMath.IsUniqueLocal(IPNetwork.Parse("fc00::/7")));
        Assert.False(AddressMath.IsUniqueLocal(IPNetwork.Parse("::/0")));
    }

    [Fact]
    public void OffsetWorksInIpv6Too()
    {
        Assert.Equal(IPAddress.Parse("fd00:10:77:1::1"), AddressMath.Offset(IPAddress.Parse("fd00:10:77:1::"), 1));
        Assert.Equal(IPAddress.Parse("fd00:10:77:2::"), AddressMath.Offset(IPAddress.Parse("fd00:10:77:1:ffff:ffff:ffff:ffff"), 1));
        Assert.Equal(IPAddress.Parse("fd00:10:77:1::ff"), AddressMath.Offset(IPAddress.Parse("fd00:10:77:1::100"), -1));
    }

    [Fact]
    public void MakingALabDualStackTwiceChangesNothing()
    {
        var once = Ipv6Plan.DualStack(DrLab.Create("t", 4));

        Assert.Equal(TopologyText.Of(once), TopologyText.Of(Ipv6Plan.DualStack(once)));
        Assert.Equal(TopologyText.Of(once), TopologyText.Of(DrLab.Create("t", 4, new DrLabOptions { Ipv6 = true })));
    }

    [Fact]
    public void ALabWithANetworkWiderThanA24CannotBeMadeDualStack()
    {
        var lab = DrLab.Create("t", 0);
        var wide = lab with { Networks = [new LabNetwork("front", IPNetwork.Parse("10.77.0.0/16")), lab.Network("lan")] };

        var e = Assert.Throws<ArgumentException>(() => Ipv6Plan.DualStack(wide));
        Assert.StartsWith("network 'front': subnet 10.77.0.0/16 is wider than /24", e.Message, StringComparison.Ordinal);
    }
}
