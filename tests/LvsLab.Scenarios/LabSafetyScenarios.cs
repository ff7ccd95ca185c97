using System.Net;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;

namespace LvsLab.Scenarios;

/// <summary>
/// Lab traffic cannot leave the machine: proven from Docker's and the kernel's own state, without
/// sending anything.
/// </summary>
[Collection(DrLabCollection.Name)]
public sealed class LabSafetyScenarios(DrLabFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task EveryLabNetworkIsInternal()
    {
        foreach (var network in fixture.Topology.Networks)
        {
            var inspect = await fixture.Runtime.InspectNetworkAsync(fixture.Topology.Name, network.Name);

            Assert.True(inspect.Internal, $"network {inspect.Name} is not internal");
            Assert.Equal(network.Subnet.ToString(), Assert.Single(inspect.IPAM.Config).Subnet);
        }
    }

    [Fact]
    public async Task EveryRoutingTableHoldsOnlyLabSubnetsAndLabNextHops()
    {
        var subnets = fixture.Topology.Networks.Select(n => n.Subnet).ToList();
        var nodeAddresses = fixture.Topology.NodeAddresses;
        foreach (var node in fixture.Topology.Nodes)
        {
            var table = (await fixture.Lab.ExecAsync(node.Name, ["ip", "-4", "route", "show", "table", "main"])).EnsureSuccess("ip route");
            output.WriteLine($"{node.Name}:\n{table.Stdout}");
            foreach (var route in table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var words = route.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var via = Array.IndexOf(words, "via");
                if (via >= 0)
                {
                    // A gateway route: its next hop must be another lab node, never Docker's host gateway.
                    Assert.Contains(IPAddress.Parse(words[via + 1]), nodeAddresses);
                }
                else
                {
                    // A connected route: only the lab's own subnets.
                    Assert.Contains(IPNetwork.Parse(words[0]), subnets);
                }

                Assert.NotEqual("default", words[0] == "default" && via < 0 ? "default" : string.Empty);
            }
        }
    }

    [Fact]
    public void NoLabAddressIsPublicOrTheHostGateway()
    {
        var gateways = fixture.Topology.Networks.Select(n => n.HostGateway).ToHashSet();

        Assert.All(fixture.Topology.NodeAddresses, a =>
        {
            Assert.True(AddressMath.IsPrivate(a), $"{a} is public");
            Assert.DoesNotContain(a, gateways);
        });
    }

    [Fact]
    public async Task ContainersAndNetworksCarryTheLabsLabels()
    {
        var labs = await fixture.Runtime.ListAsync();

        var lab = Assert.Single(labs, l => l.Name == fixture.Topology.Name);
        Assert.Equal(fixture.Topology.Nodes.Count, lab.Nodes.Count);
        Assert.StartsWith("pid:", lab.Owner, StringComparison.Ordinal);
        Assert.All(lab.Nodes, n => Assert.Equal(DockerLabRuntime.ContainerName(fixture.Topology.Name, n.Name), n.Container));
    }
}
