using System.Diagnostics;
using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The stock DR lab as <c>lvslab up dr</c> makes it (health checks on), for breaking on purpose.</summary>
public sealed class FaultLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-fault";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("dr", name, slot);
}

/// <summary>
/// A person breaks the stock DR lab with the CLI's fault verbs (and plain <c>docker restart</c>)
/// and watches the director react: the stock lab's health checks take a failed real server out
/// within their window, and a node that comes back has wired itself again.
/// </summary>
[Collection(StockDrLab.Name)]
public sealed class FaultScenarios(FaultLabFixture fixture, ITestOutputHelper output)
{
    // The health checks' own window (interval × fall + timeout, 1.4 s) plus what a round of
    // probes and one status call can add on this machine: 1 s. A server still in rotation after
    // that is a failure of the checks, not of the margin.
    internal static readonly TimeSpan OutOfRotationBound = HealthCheck.LabDefault.Window + TimeSpan.FromSeconds(1);

    private string LabName => fixture.Topology.Name;

    private string Url => $"http://{fixture.Topology.Vip}:{fixture.Topology.Port}/";

    [Fact]
    public async Task AStoppedServerLeavesRotationWithinTheHealthWindowAndAStartedOneReturnsWired()
    {
        var stop = await CliRunner.RunAsync(["stop", "rs2", "--name", LabName], output);
        Assert.Equal(0, stop.ExitCode);
        Assert.StartsWith($"rs2 stopped ({DockerLabRuntime.ContainerName(LabName, "rs2")}, ", stop.Stdout, StringComparison.Ordinal);
        var watch = Stopwatch.StartNew();
        await Eventually.TrueAsync(async _ => await HealthAsync("rs2") == "down", TimeSpan.FromSeconds(10), "rs2 to be reported down");
        output.WriteLine($"rs2 reported down {watch.ElapsedMilliseconds} ms after stop returned (bound {OutOfRotationBound.TotalMilliseconds} ms)");
        Assert.True(watch.Elapsed < OutOfRotationBound, $"took {watch.ElapsedMilliseconds} ms");

        // With a node down the verbs still work, and say which node is down.
        var probe = await CliRunner.RunAsync(["probe", "-n", "6", "--name", LabName], output);
        Assert.Equal(0, probe.ExitCode);
        Assert.DoesNotContain("rs2", probe.Stdout, StringComparison.Ordinal);
        Assert.Contains("rs2 (exited)", probe.Stderr, StringComparison.Ordinal);
        var stats = await CliRunner.RunAsync(["stats", "--name", LabName], output);
        Assert.Equal(0, stats.ExitCode);
        Assert.Contains($"down: {fixture.Topology.Node("rs2").AddressOn("lan")}:80", stats.Stdout, StringComparison.Ordinal);
        var capture = await CliRunner.RunAsync(["capture", "rs2", "--seconds", "1", "--name", LabName], output);
        Assert.Equal(1, capture.ExitCode);
        Assert.Contains("node 'rs2' is exited", capture.Stderr, StringComparison.Ordinal);

        var start = await CliRunner.RunAsync(["start", "rs2", "--name", LabName], output);
        Assert.Equal(0, start.ExitCode);
        Assert.StartsWith("rs2 started and wired", start.Stdout, StringComparison.Ordinal);
        await Eventually.TrueAsync(async _ => await HealthAsync("rs2") == "up", TimeSpan.FromSeconds(10), "rs2 to be reported up");
        await Eventually.TrueAsync(
            async ct => (await HttpProbe.GetAsync(fixture.Lab, "client", Url, 3, cancellationToken: ct)).Any(r => r?.Server == "rs2"),
            TimeSpan.FromSeconds(10),
            "rs2 to answer again");
    }

    [Fact]
    public async Task ARealServerRestartedWithPlainDockerRestartServesAgain()
    {
        var vip = fixture.Topology.Vip;

        // The check bites: a real server without its VIP on lo (what a restart used to leave)
        // passes the director's TCP check on its RIP but cannot answer for the VIP.
        var unwired = await fixture.Lab.ExecAsync("rs1", ["ip", "addr", "del", $"{vip}/32", "dev", "lo"]);
        Assert.Equal(0, unwired.ExitCode);
        var broken = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 6, maxSeconds: 1);
        Assert.Contains(broken, r => r is null);
        Assert.DoesNotContain(broken, r => r?.Server == "rs1");

        var restart = await DockerCli.RunAsync("restart", "-t", "2", DockerLabRuntime.ContainerName(fixture.Topology.Name, "rs1"));
        Assert.Equal(0, restart.ExitCode);

        await Eventually.TrueAsync(
            async ct =>
            {
                var replies = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 6, maxSeconds: 1, cancellationToken: ct);
                return replies.All(r => r is not null) && replies.Any(r => r!.Server == "rs1");
            },
            TimeSpan.FromSeconds(15),
            "rs1 to serve again after docker restart, and no request to fail");
        var lo = await fixture.Lab.ExecAsync("rs1", ["ip", "-o", "-4", "addr", "show", "dev", "lo"]);
        Assert.Contains($"{vip}/32", lo.Stdout, StringComparison.Ordinal);
        var routes = await fixture.Lab.ExecAsync("rs1", ["ip", "route", "show", "default"]);
        Assert.Contains($"via {fixture.Topology.Node("router").AddressOn("lan")}", routes.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APulledCableTakesTheServerOutAndAPluggedOneBringsItBack()
    {
        var down = await CliRunner.RunAsync(["link", "down", "rs3:lan", "--name", LabName], output);
        try
        {
            Assert.Equal(0, down.ExitCode);
            Assert.Equal("rs3:lan: link down", down.Stdout.Trim());
            await Eventually.TrueAsync(async _ => await HealthAsync("rs3") == "down", OutOfRotationBound, "rs3 to be reported down");

            // The node itself kept its address: only the carrier is gone.
            var address = await fixture.Lab.ExecAsync("rs3", ["ip", "-o", "-4", "addr", "show", "dev", "eth0"]);
            Assert.Contains(fixture.Topology.Node("rs3").AddressOn("lan").ToString(), address.Stdout, StringComparison.Ordinal);
            var replies = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 6);
            Assert.All(replies, r => Assert.NotEqual("rs3", r?.Server));
        }
        finally
        {
            var up = await CliRunner.RunAsync(["link", "up", "rs3", "--name", LabName], output);
            Assert.Equal(0, up.ExitCode);
            Assert.Equal("rs3:lan: link up", up.Stdout.Trim());
        }

        await Eventually.TrueAsync(async _ => await HealthAsync("rs3") == "up", TimeSpan.FromSeconds(10), "rs3 to be reported up");
        await Eventually.TrueAsync(
            async ct => (await HttpProbe.GetAsync(fixture.Lab, "client", Url, 3, cancellationToken: ct)).Any(r => r?.Server == "rs3"),
            TimeSpan.FromSeconds(10),
            "rs3 to answer again");
    }

    [Theory]
    [InlineData("stop rs9", "has no node 'rs9'")]
    [InlineData("restart nobody", "has no node 'nobody'")]
    [InlineData("link down rs1:front", "node 'rs1' has no link on network 'front' (its networks: lan)")]
    [InlineData("link sideways rs1", "sideways")]
    public async Task FaultVerbsNameWhatIsWrongAndChangeNothing(string arguments, string message)
    {
        var before = await fixture.Runtime.ListAsync();
        var run = await CliRunner.RunAsync([.. arguments.Split(' '), "--name", LabName], output);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        var after = await fixture.Runtime.ListAsync();
        Assert.Equal(
            before.Single(l => l.Name == LabName).Nodes.Select(n => $"{n.Name} {n.State}"),
            after.Single(l => l.Name == LabName).Nodes.Select(n => $"{n.Name} {n.State}"));
    }

    private async Task<string?> HealthAsync(string node)
    {
        var status = await CliRunner.RunAsync(["status", "--json", "--name", LabName], output);
        using var json = JsonDocument.Parse(status.Stdout);
        return json.RootElement.GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("name").GetString() == node)
            .GetProperty("health").GetString();
    }
}
