using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>A DR lab whose director checks its real servers by TCP every 250 ms (timeout 400 ms, fall 2, rise 2).</summary>
public sealed class HealthLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-health";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => DrLab.Create(name, slot, new DrLabOptions
    {
        DirectorHealth = new Dictionary<string, string>
        {
            ["LVS_HEALTH"] = "tcp",
            ["LVS_HEALTH_INTERVAL_MS"] = "250",
            ["LVS_HEALTH_TIMEOUT_MS"] = "400",
            ["LVS_HEALTH_FALL"] = "2",
            ["LVS_HEALTH_RISE"] = "2",
        },
        Rules = (vip, rips) =>
            $"-A -t {vip}:80 -s rr\n" + string.Concat(rips.Select(r => $"-a -t {vip}:80 -r {r}:80 -g -w 1\n")) +
            $"-A -t {vip}:9000 -s rr\n" + string.Concat(rips.Select(r => $"-a -t {vip}:9000 -r {r}:9000 -g -w 1\n")),
    });
}

/// <summary>Failover by health checks, and draining by weight 0, in a running lab.</summary>
public sealed partial class HealthScenarios(HealthLabFixture fixture, ITestOutputHelper output) : IClassFixture<HealthLabFixture>
{
    private IPAddress Vip => fixture.Topology.Vip;

    [Fact]
    public async Task StoppedServerLeavesRotationWithinTwoSecondsThenNoRequestFailsAndItReturnsWhenStarted()
    {
        var rs2 = fixture.Topology.Node("rs2").AddressOn("lan");
        Assert.Equal(1, await WeightAsync(rs2, 80));

        var watch = Stopwatch.StartNew();
        await fixture.Lab.StopNodeAsync("rs2");
        var stopped = watch.Elapsed;
        await Eventually.TrueAsync(async _ => await WeightAsync(rs2, 80) == 0, TimeSpan.FromSeconds(10), "rs2 to be taken out of rotation");
        var detected = watch.Elapsed - stopped;
        output.WriteLine($"rs2 out of rotation {detected.TotalMilliseconds:F0} ms after its container stopped");
        Assert.True(detected < TimeSpan.FromSeconds(2), $"took {detected.TotalMilliseconds:F0} ms");

        var during = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 30);
        Assert.All(during, r => Assert.NotNull(r));
        Assert.DoesNotContain(during, r => r!.Server == "rs2");

        await fixture.Lab.StartNodeAsync("rs2");
        await Eventually.TrueAsync(async _ => await WeightAsync(rs2, 80) == 1, TimeSpan.FromSeconds(10), "rs2 to come back into rotation");
        var after = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 6);
        Assert.All(after, r => Assert.NotNull(r));
        Assert.Contains(after, r => r!.Server == "rs2");
    }

    [Fact]
    public async Task WeightZeroDrainsAServerWhileItsLongLivedConnectionCompletes()
    {
        // A long-lived connection: the upload service answers only once the client closes, 4 s later.
        var longLived = fixture.Lab.ExecAsync("client", ["sh", "-c", $"(sleep 4; echo done) | socat -t 15 - TCP4:{Vip}:9000"]);
        string? busy = null;
        await Eventually.TrueAsync(
            async _ =>
            {
                busy = EstablishedDestinations(await ConnectionsAsync(), 9000).FirstOrDefault();
                return busy is not null;
            },
            TimeSpan.FromSeconds(10),
            "the long-lived connection to be established");
        var drained = IPAddress.Parse(busy!.Split(':')[0]);

        var edit = await fixture.Lab.ExecAsync("director", ["lvs-director", "edit", "-t", $"{Vip}:9000", "-r", $"{drained}:9000", "-w", "0"]);
        Assert.True(edit.ExitCode == 0, edit.Stdout + edit.Stderr);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("2", (await fixture.Lab.ExecAsync("client", ["sh", "-c", $"echo x | socat -t 5 - TCP4:{Vip}:9000"])).Stdout.Trim());
        }

        var table = await ConnectionsAsync();
        output.WriteLine(table);
        var toDrained = Regex.Matches(table, $@"^TCP .* {Regex.Escape(Vip + ":9000")}\s+{Regex.Escape(drained + ":9000")}$", RegexOptions.Multiline);
        Assert.Single(toDrained);
        Assert.Equal("5", (await longLived).Stdout.Trim());
        Assert.Equal(0, await WeightAsync(drained, 9000));

        await fixture.Lab.ExecAsync("director", ["lvs-director", "edit", "-t", $"{Vip}:9000", "-r", $"{drained}:9000", "-w", "1"]);
    }

    private async Task<string> ConnectionsAsync() =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "connections"])).EnsureSuccess("lvs-director connections").Stdout;

    private static IEnumerable<string> EstablishedDestinations(string table, int port) =>
        ConnectionLine().Matches(table)
            .Where(m => m.Groups["state"].Value == "ESTABLISHED" && m.Groups["virtual"].Value.EndsWith($":{port}", StringComparison.Ordinal))
            .Select(m => m.Groups["destination"].Value);

    private async Task<int> WeightAsync(IPAddress rip, int port)
    {
        var list = (await fixture.Lab.ExecAsync("director", ["lvs-director", "list"])).EnsureSuccess("lvs-director list").Stdout;
        var lines = list.Split('\n');
        var service = Array.FindIndex(lines, l => l.StartsWith($"TCP  {Vip}:{port} ", StringComparison.Ordinal));
        var line = lines.Skip(service + 1).TakeWhile(l => l.StartsWith("  ->", StringComparison.Ordinal)).First(l => l.Contains($" {rip}:{port} ", StringComparison.Ordinal));
        return int.Parse(Regex.Match(line, @"(Route|Masq|Tunnel)\s+(\d+)").Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?<pro>TCP|UDP)\s+\S+\s+(?<state>\S+)\s+(?<source>\S+)\s+(?<virtual>\S+)\s+(?<destination>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ConnectionLine();
}
