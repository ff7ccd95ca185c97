using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

/// <summary>What <see cref="LabTopology.Validate"/> refuses in a dual-stack lab, each problem naming the node or network and the value.</summary>
public sealed class Ipv6ValidationTests
{
    private static readonly LabTopology Dr = DrLab.Create("t", 0, new DrLabOptions { Ipv6 = true });

    private static IPAddress A(string text) => IPAddress.Parse(text);

    private static LabTopology WithNetwork(LabTopology lab, string name, Func<LabNetwork, LabNetwork> change) =>
        lab with { Networks = [.. lab.Networks.Select(n => n.Name == name ? change(n) : n)] };

    private static LabTopology WithNode(LabTopology lab, string name, Func<LabNode, LabNode> change) =>
        lab with { Nodes = [.. lab.Nodes.Select(n => n.Name == name ? change(n) : n)] };

    private static LabNode WithAddress6(LabNode node, string address6) =>
        node with { Interfaces = [node.Interfaces[0] with { Address6 = A(address6) }, .. node.Interfaces.Skip(1)] };

    [Fact]
    public void TheDualStackStockLabIsValid()
    {
        Assert.Empty(Dr.Validate());
    }

    [Theory]
    [InlineData("2001:db8:77::/64", "network 'lan': IPv6 subnet 2001:db8:77::/64 is not unique-local: lab networks take IPv6 subnets inside fd00::/8 only")]
    [InlineData("2a00:1450:4001::/64", "network 'lan': IPv6 subnet 2a00:1450:4001::/64 is not unique-local: lab networks take IPv6 subnets inside fd00::/8 only")]
    [InlineData("fc00:10:77:1::/64", "network 'lan': IPv6 subnet fc00:10:77:1::/64 is not unique-local: lab networks take IPv6 subnets inside fd00::/8 only")]
    [InlineData("fd00:10:77::/48", "network 'lan': IPv6 subnet fd00:10:77::/48 is not a /64: lab IPv6 subnets are /64s")]
    [InlineData("10.99.0.0/24", "network 'lan': IPv6 subnet 10.99.0.0/24 is not an IPv6 subnet")]
    public void ASubnet6OtherThanAUniqueLocal64IsRefusedWithItsNetworkAndValue(string subnet6, string problem)
    {
        var lab = WithNetwork(Dr, "lan", n => n with { Subnet6 = IPNetwork.Parse(subnet6) });

        Assert.Contains(problem, lab.Validate());
    }

    [Fact]
    public void OverlappingIpv6SubnetsAreNamed()
    {
        var lab = WithNetwork(Dr, "front", n => n with { Subnet6 = Dr.Network("lan").Subnet6 });

        Assert.Contains("networks 'front' and 'lan' overlap in IPv6 (fd00:10:77:1::/64 and fd00:10:77:1::/64)", lab.Validate());
    }

    [Fact]
    public void AnIpv6AddressOutsideItsNetworks64IsRefused()
    {
        var lab = WithNode(Dr, "rs1", rs => WithAddress6(rs, "fd00:10:77:2::11"));

        Assert.Contains("node 'rs1': IPv6 address fd00:10:77:2::11 is outside network 'lan' (fd00:10:77:1::/64)", lab.Validate());
    }

    [Theory]
    [InlineData("fd00:10:77:1::1")]
    [InlineData("fd00:10:77:1::")]
    public void TheHostsBridgeAndTheSubnetRouterAddressAreReserved(string address6)
    {
        var lab = WithNode(Dr, "rs1", rs => WithAddress6(rs, address6));

        Assert.Contains($"node 'rs1': IPv6 address {address6} is reserved on network 'lan' (subnet-router anycast or host gateway)", lab.Validate());
    }

    [Fact]
    public void AnIpv6AddressOnAnIpv4OnlyNetworkIsRefused()
    {
        var lab = WithNode(DrLab.Create("t", 0), "rs1", rs => WithAddress6(rs, "fd00:10:77:1::11"));

        var problems = lab.Validate();

        Assert.Contains("node 'rs1': IPv6 address fd00:10:77:1::11 on network 'lan', which has no IPv6 subnet", problems);
    }

    [Fact]
    public void ADuplicateIpv6AddressNamesBothNodes()
    {
        var lab = WithNode(Dr, "rs2", rs => WithAddress6(rs, "fd00:10:77:1::11"));

        Assert.Contains("node 'rs2': address fd00:10:77:1::11 is already used by node 'rs1'", lab.Validate());
    }

    [Fact]
    public void AVip6IsRefusedInAnIpv4OnlyLabAndWhenNotUniqueLocal()
    {
        Assert.Contains("VIP6 fd00:10:77:1::100 in a lab without IPv6: no network has an IPv6 subnet", (DrLab.Create("t", 0) with { Vip6 = A("fd00:10:77:1::100") }).Validate());
        Assert.Contains("VIP6 2001:db8::100 is not a unique-local IPv6 address (fd00::/8)", (Dr with { Vip6 = A("2001:db8::100") }).Validate());
    }

    [Fact]
    public void Ipv6LoopbackAddressesMustBeUniqueLocalAndInADualStackLab()
    {
        var global = WithNode(Dr, "rs1", rs => rs with { LoopbackAddresses = [.. rs.LoopbackAddresses, A("2001:db8::100")] });
        Assert.Contains("node 'rs1': loopback address 2001:db8::100 is not a unique-local IPv6 address (fd00::/8)", global.Validate());

        var ipv4 = WithNode(DrLab.Create("t", 0), "rs1", rs => rs with { LoopbackAddresses = [.. rs.LoopbackAddresses, A("fd00:10:77:1::100")] });
        Assert.Contains("node 'rs1': IPv6 loopback address fd00:10:77:1::100 in a lab without IPv6: no network has an IPv6 subnet", ipv4.Validate());
    }

    [Fact]
    public void Ipv6RoutesNeedALabNextHopOnTheNodesNetworksAndAUniqueLocalDestination()
    {
        var viaHost = WithNode(Dr, "client", c => c with { Routes = [LabRoute.Default(A("fd00:10:77:0::1"))] });
        Assert.Contains("node 'client': route default via fd00:10:77::1: the next hop is not a lab node", viaHost.Validate());

        var offNetwork = WithNode(Dr, "client", c => c with { Routes = [LabRoute.Default(A("fd00:10:77:1::2"))] });
        Assert.Contains("node 'client': route default via fd00:10:77:1::2: the next hop is not on any of its networks", offNetwork.Validate());

        var global = WithNode(Dr, "client", c => c with { Routes = [new LabRoute(IPNetwork.Parse("2001:db8::/32"), A("fd00:10:77:0::2"))] });
        Assert.Contains("node 'client': route 2001:db8::/32 via fd00:10:77::2: the IPv6 destination is not unique-local (fd00::/8)", global.Validate());

        var mixed = WithNode(Dr, "client", c => c with { Routes = [new LabRoute(IPNetwork.Parse("10.78.0.0/24"), A("fd00:10:77:0::2"))] });
        Assert.Contains("node 'client': route 10.78.0.0/24 via fd00:10:77::2: the destination and the next hop are of different families", mixed.Validate());
    }

    [Fact]
    public void TheDefaultRouteOfAnIpv6NextHopIsTheIpv6DefaultRoute()
    {
        var route = LabRoute.Default(A("fd00:10:77:1::2"));

        Assert.True(route.IsDefault);
        Assert.True(route.IsIpv6);
        Assert.Equal("default", route.DestinationText);
        Assert.False(LabRoute.Default(A("10.77.1.2")).IsIpv6);
    }
}
