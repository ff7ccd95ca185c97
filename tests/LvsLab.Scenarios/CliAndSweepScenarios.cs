using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The <c>lvslab</c> command line and the sweep that removes what a killed run left.</summary>
public sealed class CliAndSweepScenarios(ITestOutputHelper output)
{

    [Fact]
    public async Task UpStatusDownDriveALabFromTheCommandLine()
    {
        var name = LabFixture.UniqueName("t-cli");
        var runtime = new DockerLabRuntime();
        try
        {
            var up = await RunCliAsync(["up", "dr", "--name", name, "--servers", "2"]);
            Assert.True(up.ExitCode == 0, up.Stderr);
            Assert.Contains("next:", up.Stdout, StringComparison.Ordinal);
            var hints = up.Stdout[up.Stdout.IndexOf("next:", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.Contains(hints, h => h.Contains($"lvslab stop rs1 --name {name}", StringComparison.Ordinal));
            Assert.Contains(hints, h => h.Contains("--for 30s --rate 20", StringComparison.Ordinal));
            Assert.Single(hints.Select(h => h.IndexOf(" # ", StringComparison.Ordinal)).Distinct());

            var status = await RunCliAsync(["status", "--name", name, "--json"]);
            Assert.Equal(0, status.ExitCode);
            var json = JsonDocument.Parse(status.Stdout).RootElement;
            Assert.Equal(name, json.GetProperty("name").GetString());
            Assert.Equal("dr", json.GetProperty("mode").GetString());
            Assert.StartsWith("10.77.", json.GetProperty("vip").GetString(), StringComparison.Ordinal);
            Assert.Equal(80, json.GetProperty("port").GetInt32());
            var nodes = json.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(["client", "router", "director", "realserver", "realserver"], nodes.Select(n => n.GetProperty("role").GetString()));
            Assert.All(nodes, n => Assert.Equal(DockerLabRuntime.ContainerName(name, n.GetProperty("name").GetString()!), n.GetProperty("container").GetString()));
            Assert.Equal(2, nodes.Single(n => n.GetProperty("name").GetString() == "router").GetProperty("ips").GetArrayLength());

            var again = await RunCliAsync(["up", "dr", "--name", name]);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains($"a lab named '{name}' already exists", again.Stderr, StringComparison.Ordinal);

            var down = await RunCliAsync(["down", "--name", name]);
            Assert.Equal(0, down.ExitCode);
            Assert.DoesNotContain(await runtime.ListAsync(), l => l.Name == name);

            var missing = await RunCliAsync(["down", "--name", name]);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains($"no lab named '{name}'", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await runtime.DownAsync(name);
        }
    }

    /// <summary>
    /// A run killed at each moment of making a lab — its first network made, its first container,
    /// every container, or after it finished (its owner gone) — leaves what it made, and the next
    /// sweep removes all of it: containers, networks and the host's firewall rules for its bridges.
    /// </summary>
    [Theory]
    [InlineData("network")]
    [InlineData("container")]
    [InlineData("every container")]
    [InlineData("finished")]
    public async Task ARunKilledAtAnyMomentLeavesNothingAfterTheNextSweep(string moment)
    {
        var name = LabFixture.UniqueName("t-kill");
        var runtime = new DockerLabRuntime();
        var label = $"label={LabLabels.Lab}={name}";
        async Task<string[]> IdsAsync(params string[] command) =>
            (await DockerCli.RunAsync([.. command, "--filter", label])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var victim = StartCli(["up", "dr", "--name", name, "--servers", "1"], ownedByProcess: true);
        var bridges = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // Kill the run at the moment: mid-way, like a cancelled CI job (or let it finish: its owner is gone all the same).
            Func<Task<bool>> reached = moment switch
            {
                "network" => async () => (await IdsAsync("network", "ls", "-q", "--no-trunc")).Length > 0,
                "container" => async () => (await IdsAsync("ps", "-aq")).Length > 0,
                "every container" => async () => (await IdsAsync("ps", "-aq")).Length >= 4,
                _ => async () => { await victim.WaitForExitAsync(); return true; },
            };
            await Eventually.TrueAsync(async _ => await reached(), TimeSpan.FromSeconds(120), $"lab {name} to reach '{moment}'");
            if (!victim.HasExited)
            {
                victim.Kill(entireProcessTree: true);
            }

            await victim.WaitForExitAsync();
            foreach (var network in await IdsAsync("network", "ls", "-q", "--no-trunc"))
            {
                bridges.Add(HostFirewall.BridgeOf(network));
            }

            var left = (await IdsAsync("ps", "-aq")).Length + (await IdsAsync("network", "ls", "-q")).Length;
            Assert.True(left > 0, $"killed at '{moment}', the run left nothing to sweep");

            var swept = await runtime.SweepAsync();

            output.WriteLine($"killed at '{moment}': {left} containers and networks left; swept: {string.Join(", ", swept)}");
            Assert.Contains(name, swept);
            Assert.Empty(await IdsAsync("ps", "-aq"));
            Assert.Empty(await IdsAsync("network", "ls", "-q"));
            var rules = (await ProcessRunner.RunAsync("iptables", ["-w", "-S"], null, CancellationToken.None)).Stdout;
            Assert.DoesNotContain(bridges, b => rules.Contains(b, StringComparison.Ordinal));
            Assert.Equal(0, await runtime.DownAsync(name));
        }
        finally
        {
            if (!victim.HasExited)
            {
                victim.Kill(entireProcessTree: true);
            }

            await runtime.DownAsync(name);
        }
    }

    [Fact]
    public async Task SweepLeavesLabsOfLiveOwnersAndKeptLabsAlone()
    {
        var runtime = new DockerLabRuntime();
        var live = LabOwner.CurrentProcess();

        Assert.False(live.IsOrphaned);
        Assert.False(LabOwner.Kept.IsOrphaned);
        Assert.True(new LabOwner("pid:999999999:1").IsOrphaned);
        Assert.True(new LabOwner($"pid:{Environment.ProcessId}:1").IsOrphaned, "a recycled pid with another start time is not the owner");
        await runtime.SweepAsync();
    }

    [Fact]
    public async Task UnknownLabKindIsAClearErrorAndCreatesNothing()
    {
        var runtime = new DockerLabRuntime();
        var before = (await runtime.ListAsync()).Count;

        var result = await RunCliAsync(["up", "fancy", "--name", LabFixture.UniqueName("t-bad")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown lab 'fancy' (known: dr, nat, tun, seed, or a topology file *.lab.yml)", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await runtime.ListAsync()).Count);
    }

    [Theory]
    [InlineData("dr --directors 3", "--directors 3: 1, or 2 for a VRRP pair")]
    [InlineData("dr --directors 2 --forwarder xdp", "--directors 2: a director pair speaks VRRP, which the forwarder 'xdp' does not claim (the stock forwarders that do: lvslab, lvslab-pcap, nftables)")]
    [InlineData("dr --directors 2 --second-forwarder xdp", "the forwarder 'xdp' does not claim")]
    [InlineData("dr --second-forwarder nftables", "--second-forwarder 'nftables': director2's forwarder, with --directors 2")]
    [InlineData("seed --directors 2", "a director pair is made from a lab with one director; lab 't-bad-")]
    public async Task ADirectorPairItCannotMakeIsAClearErrorAndCreatesNothing(string arguments, string message)
    {
        var runtime = new DockerLabRuntime();
        var before = (await runtime.ListAsync()).Count;

        var result = await RunCliAsync(["up", .. arguments.Split(' '), "--name", LabFixture.UniqueName("t-bad")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await runtime.ListAsync()).Count);
    }

    [Fact]
    public async Task ATopologyFilesPairNeedsForwardersThatSpeakVrrp()
    {
        var runtime = new DockerLabRuntime();
        var before = (await runtime.ListAsync()).Count;
        var name = LabFixture.UniqueName("t-badpair");
        var file = Path.Combine(Path.GetTempPath(), $"{name}.lab.yml");
        await File.WriteAllTextAsync(file, StockLabs.FileText("dr").Replace("\nnetworks:", "\ndirectors: 2\nnetworks:", StringComparison.Ordinal));
        try
        {
            var result = await RunCliAsync(["up", file, "--name", name, "--forwarder", "xdp"]);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"{file}: directors: 2: a director pair speaks VRRP, which the forwarder 'xdp' does not claim", result.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, (await runtime.ListAsync()).Count);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AMalformedTopologyFileIsRefusedWithFileLineAndFieldAndNothingIsMade()
    {
        var runtime = new DockerLabRuntime();
        var name = LabFixture.UniqueName("t-badfile");
        var file = Path.Combine(Path.GetTempPath(), $"{name}.lab.yml");
        await File.WriteAllTextAsync(file, StockLabs.FileText("dr").Replace("interfaces: { lan: 3 }", "interfaces: { lan: 300 }", StringComparison.Ordinal));
        try
        {
            var result = await RunCliAsync(["up", file, "--name", name]);

            Assert.Equal(1, result.ExitCode);
            Assert.Matches($@"{Regex.Escape(file)}:\d+: nodes\.director\.interfaces\.lan: host 300 is outside 10\.77\.\d+\.0/24", result.Stderr);
            Assert.DoesNotContain(await runtime.ListAsync(), l => l.Name == name);
            Assert.Equal(0, await runtime.DownAsync(name));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnEditedTopologyFileBringsUpItsLabBesideTheOthers()
    {
        var runtime = new DockerLabRuntime();
        var name = LabFixture.UniqueName("t-file");
        var file = Path.Combine(Path.GetTempPath(), $"{name}.lab.yml");
        await File.WriteAllTextAsync(file, StockLabs.FileText("dr").Replace("  count: 3", "  count: 2", StringComparison.Ordinal));
        try
        {
            var others = await runtime.ListAsync();
            var up = await RunCliAsync(["up", file, "--name", name]);
            Assert.True(up.ExitCode == 0, up.Stderr);

            var labs = await runtime.ListAsync();
            var lab = labs.Single(l => l.Name == name);
            Assert.Equal(["client", "router", "director", "rs1", "rs2"], lab.Nodes.Select(n => n.Name));

            // Its subnets are its own: no address it holds is held by another running lab.
            var mine = lab.Nodes.SelectMany(n => n.Ips).ToHashSet();
            Assert.All(labs.Where(l => l.Name != name), other => Assert.DoesNotContain(other.Nodes.SelectMany(n => n.Ips), mine.Contains));
            output.WriteLine($"beside {others.Count} other lab(s): {string.Join(", ", others.Select(o => o.Name))}");

            var probe = await RunCliAsync(["probe", "-n", "4", "--name", name]);
            Assert.Equal(0, probe.ExitCode);
            Assert.Contains("rs2", probe.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await runtime.DownAsync(name);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BenchComparesTheForwardersAndNoLoadBalancerInOneReport()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"lvslab-bench-{Guid.NewGuid():N}");
        try
        {
            var bench = await RunCliAsync(["bench", "--modes", "dr", "--forwarders", "lvslab,nftables", "--runs", "2", "--requests", "200", "--udp-rates", "500", "--udp-runs", "1", "--latency-rate", "1000", "--soak-packets", "20000", "--out", folder, "--json", Path.Combine(folder, "bench.json")]);
            Assert.True(bench.ExitCode == 0, bench.Stderr);
            var report = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(folder, "bench-*.md")));
            Assert.Matches(@"\| dr \| direct \| 2 \| \d+ \|", report);
            Assert.Matches(@"\| dr \| lvslab \| 2 \| \d+ \| \d+ \| \d+ \| 0 \| [\d.]+ \| \d+ \|", report);
            Assert.Matches(@"\| dr \| nftables \| 2 \| \d+ \| \d+ \| \d+ \| 0 \| n/a \| n/a \|", report);
            Assert.Contains("CPU(s)", report, StringComparison.Ordinal);

            // The packet-rate search: 1000 frames at 500/s reach the servers through each; the
            // machine's CPU per packet for all, the director's CPU and GCs for the C# director.
            Assert.Matches(@"\| dr \| direct \| 1 \| 500 \| \d+ \| 0\.00 % \|", report);
            Assert.Matches(@"\| dr \| lvslab \| 1 \| 500 \| \d+ \| 0\.00 % \| - \| [\d.]+ \| [\d.]+ \| 0 \|", report);
            Assert.Matches(@"\| dr \| nftables \| 1 \| 500 \| \d+ \| 0\.00 % \| - \| n/a \| [\d.]+ \| n/a \|", report);

            // Latency added per packet, from captures of each forwarder's link (not for direct).
            Assert.Matches(@"\| dr \| lvslab \| 1000 \| [1-9]\d* \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", report);
            Assert.Matches(@"\| dr \| nftables \| 1000 \| [1-9]\d* \|", report);
            Assert.DoesNotMatch(@"\| dr \| direct \| 1000 \|", report);

            // The soak through the C# director, and the plot beside the report.
            Assert.Matches(@"dr lvslab: 20,000 packets offered at 500/s .* garbage collections 0,", report);
            var png = Assert.Single(Directory.GetFiles(folder, "bench-*.png"));
            Assert.Contains($"![plot]({Path.GetFileName(png)})", report, StringComparison.Ordinal);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, (await File.ReadAllBytesAsync(png))[..4]);
            Assert.DoesNotContain(await new DockerLabRuntime().ListAsync(), l => l.Name.StartsWith("bench-", StringComparison.Ordinal));

            // The same figures as data: a row per mode, forwarder and rate.
            using var data = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "bench.json")));
            var rows = data.RootElement.GetProperty("rows").EnumerateArray()
                .ToDictionary(r => $"{r.GetProperty("mode").GetString()} {r.GetProperty("forwarder").GetString()} {r.GetProperty("offered").GetInt32()}");
            Assert.Equal(["dr direct 500", "dr lvslab 1000", "dr lvslab 500", "dr nftables 1000", "dr nftables 500"], rows.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(0, rows["dr lvslab 500"].GetProperty("lossPercent").GetDouble());
            Assert.True(rows["dr lvslab 500"].GetProperty("forwarderCpuUsPerPacket").GetDouble() > 0);
            Assert.True(rows["dr lvslab 500"].GetProperty("machineCpuUsPerPacket").GetDouble() > 0);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, rows["dr nftables 500"].GetProperty("forwarderCpuUsPerPacket").ValueKind);
            Assert.True(rows["dr lvslab 500"].GetProperty("wakeupsPerSecond").GetDouble() > 0);
            Assert.True(rows["dr lvslab 500"].GetProperty("framesPerSendCall").GetDouble() >= 1);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, rows["dr nftables 500"].GetProperty("framesPerWakeup").ValueKind);
            Assert.True(rows["dr lvslab 1000"].GetProperty("latencyP50Us").GetDouble() > 0);
            Assert.Equal(0, rows["dr lvslab 1000"].GetProperty("runs").GetInt32());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static Process StartCli(IReadOnlyList<string> args, bool ownedByProcess = false) => CliRunner.Start(args, ownedByProcess);

    private Task<ExecResult> RunCliAsync(IReadOnlyList<string> args) => CliRunner.RunAsync(args, output);
}
