using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>A DR lab whose director runs wrr 3:1:1 on port 80 and sh on port 8080.</summary>
public sealed class SchedulingLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-sched";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => DrLab.Create(name, slot, new DrLabOptions
    {
        Rules = (vip, rips) =>
            $"-A -t {vip}:80 -s wrr\n" +
            $"-a -t {vip}:80 -r {rips[0]}:80 -g -w 3\n-a -t {vip}:80 -r {rips[1]}:80 -g -w 1\n-a -t {vip}:80 -r {rips[2]}:80 -g -w 1\n" +
            $"-A -t {vip}:8080 -s sh\n" +
            string.Concat(rips.Select(r => $"-a -t {vip}:8080 -r {r}:8080 -g -w 1\n")),
    });
}

/// <summary>IPVS's schedulers through the running director, counted by what the servers answered.</summary>
public sealed class SchedulingScenarios(SchedulingLabFixture fixture, ITestOutputHelper output) : IClassFixture<SchedulingLabFixture>
{
    private IPAddress Vip => fixture.Topology.Vip;

    [Fact]
    public async Task WeightedRoundRobinThreeOneOneOverFiveHundredRequestsGivesExactly300_100_100()
    {
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 500);

        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(300, counts["rs1"]);
        Assert.Equal(100, counts["rs2"]);
        Assert.Equal(100, counts["rs3"]);
    }

    [Fact]
    public async Task SourceHashingKeepsOneClientOnOneServerOverFiftyConnections()
    {
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:8080/", 50);

        Assert.All(replies, r => Assert.NotNull(r));
        var server = Assert.Single(replies.Select(r => r!.Server).Distinct());
        output.WriteLine($"all 50 connections from {fixture.Topology.Node("client").AddressOn("front")} went to {server}, from {replies.Select(r => r!.ClientPort).Distinct().Count()} client ports");
        Assert.Equal(50, replies.Select(r => r!.ClientPort).Distinct().Count());
        Assert.Contains(server, fixture.Topology.NodesWith(NodeRole.RealServer).Select(n => n.Name));
    }
}
