using System.Diagnostics;
using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;

namespace LvsLab.Scenarios;

/// <summary>The scenarios that restart the Docker engine: run alone, after every other collection, with no lab of theirs alive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerEngineRestart
{
    /// <summary>The collection's name.</summary>
    public const string Name = "docker engine restart (alone)";
}

/// <summary>
/// The Docker engine restarted under a running lab (issue 16): afterwards <c>lvslab status</c>
/// tells the truth — every node stopped, none claimed running — and <c>lvslab down</c> removes
/// everything: containers, networks and the host firewall rules of the lab's bridges. It stops
/// and starts the engine of the machine it runs on, so it runs only where that is the point: in
/// CI (<c>CI=true</c>) or with <c>LVSLAB_RESTART_DOCKER=1</c>, as root, with a <c>dockerd</c>
/// process of this machine (not a remote <c>DOCKER_HOST</c>); anywhere else it is skipped and
/// says why.
/// </summary>
[Collection(DockerEngineRestart.Name)]
public sealed class DockerRestartScenarios(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task AfterTheEngineRestartsStatusTellsTheTruthAndDownRemovesEverything()
    {
        var allowed = Environment.GetEnvironmentVariable("CI") == "true" || Environment.GetEnvironmentVariable("LVSLAB_RESTART_DOCKER") == "1";
        Skip.IfNot(allowed, "restarts this machine's Docker engine: only in CI (CI=true) or with LVSLAB_RESTART_DOCKER=1");
        Skip.If(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 }, "DOCKER_HOST names another engine: not one this test can restart");
        var engine = DockerdProcess();
        Skip.If(engine is null, "no dockerd process on this machine to restart (a systemd or rootless engine is not restarted by tests)");

        var name = LabFixture.UniqueName("t-dockerd");
        var runtime = new DockerLabRuntime();
        var up = await CliRunner.RunAsync(["up", "dr", "--name", name, "--servers", "1"], output);
        Assert.True(up.ExitCode == 0, up.Stderr);
        try
        {
            var networks = (await DockerCli.RunAsync("network", "ls", "-q", "--no-trunc", "--filter", $"label={LabLabels.Lab}={name}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var bridges = networks.Select(HostFirewall.BridgeOf).ToList();
            Assert.Equal(2, bridges.Count);
            Assert.All(await NodeStatesAsync(name), s => Assert.Equal("running", s));

            var clock = Stopwatch.StartNew();
            await RestartAsync(engine!.Value);
            output.WriteLine($"the engine stopped and started again in {clock.Elapsed.TotalSeconds:F1} s");

            // The truth: every node stopped (the engine stopped them), none claimed running.
            var states = await NodeStatesAsync(name);
            output.WriteLine($"after the restart: {string.Join(", ", states)}");
            Assert.Equal(4, states.Count);
            Assert.All(states, s => Assert.Equal("exited", s));
            var text = await CliRunner.RunAsync(["status", "--name", name], output);
            Assert.Equal(0, text.ExitCode);
            var nodeLines = text.Stdout.Split('\n').Where(l => l.Contains(name + "-", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, nodeLines.Count);
            Assert.All(nodeLines, l => Assert.Contains(" exited ", l, StringComparison.Ordinal));

            // Down removes everything, the host's rules for the lab's bridges included.
            var down = await CliRunner.RunAsync(["down", "--name", name], output);
            Assert.True(down.ExitCode == 0, down.Stderr);
            Assert.Empty((await DockerCli.RunAsync("ps", "-aq", "--filter", $"label={LabLabels.Lab}={name}")).Stdout.Trim());
            Assert.Empty((await DockerCli.RunAsync("network", "ls", "-q", "--filter", $"label={LabLabels.Lab}={name}")).Stdout.Trim());
            var rules = (await ProcessRunner.RunAsync("iptables", ["-w", "-S"], null, CancellationToken.None)).Stdout;
            Assert.DoesNotContain(bridges, b => rules.Contains(b, StringComparison.Ordinal));
            Assert.DoesNotContain(await runtime.ListAsync(), l => l.Name == name);
        }
        finally
        {
            await runtime.DownAsync(name);
        }
    }

    // The nodes' states as `lvslab status --json` gives them.
    private async Task<List<string>> NodeStatesAsync(string name)
    {
        var status = await CliRunner.RunAsync(["status", "--name", name, "--json"], output);
        Assert.Equal(0, status.ExitCode);
        return [.. JsonDocument.Parse(status.Stdout).RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("state").GetString()!)];
    }

    // This machine's dockerd: its pid and its command line (to start it again the same way), or null.
    private static (int Pid, string[] CommandLine)? DockerdProcess()
    {
        if (Environment.UserName != "root")
        {
            return null;
        }

        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var words = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 0 && Path.GetFileName(words[0]) == "dockerd")
                {
                    return (pid, words);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return null;
    }

    // A process that has not exited (gone, or a zombie waiting for its parent to reap it).
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    // Stops dockerd (SIGTERM: it stops its containers and exits), then starts it again as it was
    // started, detached, and waits until it answers.
    private static async Task RestartAsync((int Pid, string[] CommandLine) engine)
    {
        Assert.Equal(0, (await ProcessRunner.RunAsync("kill", ["-TERM", engine.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, CancellationToken.None)).ExitCode);
        await Eventually.TrueAsync(_ => Task.FromResult(!IsAlive(engine.Pid)), TimeSpan.FromSeconds(60), "dockerd to stop");

        var command = string.Join(' ', engine.CommandLine.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        Assert.Equal(0, (await ProcessRunner.RunAsync("setsid", ["sh", "-c", $"nohup {command} >>/var/log/dockerd.log 2>&1 &"], null, CancellationToken.None)).ExitCode);
        await Eventually.TrueAsync(async _ => (await DockerCli.RunAsync("info", "--format", "{{.ServerVersion}}")).ExitCode == 0, TimeSpan.FromSeconds(60), "dockerd to answer again");
    }
}
