using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

public sealed class ValidationTests
{
    private static readonly LabTopology Dr = DrLab.Create("t", 0);

    [Fact]
    public void PublicSubnetIsRefused()
    {
        var lab = Dr with { Networks = [new LabNetwork("front", IPNetwork.Parse("6.6.6.0/24")), Dr.Network("lan")] };

        Assert.Contains(lab.Validate(), p => p.Contains("6.6.6.0/24 is not a private range", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateAddressNamesBothNodes()
    {
        var rs1 = Dr.Node("rs1");
        var clash = rs1 with { Name = "rs9", Environment = new Dictionary<string, string>() };
        var lab = Dr with { Nodes = [.. Dr.Nodes, clash] };

        Assert.Contains(lab.Validate(), p => p == $"node 'rs9': address {rs1.Interfaces[0].Address} is already used by node 'rs1'");
    }

    [Fact]
    public void NextHopOutsideTheLabIsRefused()
    {
        var client = Dr.Node("client") with { Routes = [LabRoute.Default(IPAddress.Parse("10.77.0.1"))] };
        var lab = Dr with { Nodes = [client, .. Dr.Nodes.Skip(1)] };

        var problems = lab.Validate();

        // 10.77.0.1 is Docker's host gateway: the one next hop that would lead off the lab.
        Assert.Contains(problems, p => p.Contains("route default via 10.77.0.1: the next hop is not a lab node", StringComparison.Ordinal));
    }

    [Fact]
    public void HostGatewayAddressIsReserved()
    {
        var client = Dr.Node("client") with { Interfaces = [new NodeInterface("front", IPAddress.Parse("10.77.0.1"))] };
        var lab = Dr with { Nodes = [client, .. Dr.Nodes.Skip(1)] };

        Assert.Contains(lab.Validate(), p => p.Contains("address 10.77.0.1 is reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownNetworkAndAddressOutsideSubnetAreNamed()
    {
        var client = Dr.Node("client") with { Interfaces = [new NodeInterface("dmz", IPAddress.Parse("10.77.0.10"))] };
        var router = Dr.Node("router") with { Interfaces = [new NodeInterface("front", IPAddress.Parse("10.77.9.2")), new NodeInterface("lan", IPAddress.Parse("10.77.1.2"))] };
        var lab = Dr with { Nodes = [client, router, .. Dr.Nodes.Skip(2)] };

        var problems = lab.Validate();

        Assert.Contains("node 'client': unknown network 'dmz'", problems);
        Assert.Contains("node 'router': address 10.77.9.2 is outside network 'front' (10.77.0.0/24)", problems);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-lead")]
    public void BadLabNameIsRefused(string name)
    {
        Assert.Contains((Dr with { Name = name }).Validate(), p => p.StartsWith($"lab name '{name}' is invalid", StringComparison.Ordinal));
    }
}
