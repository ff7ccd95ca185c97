using System.Diagnostics;
using System.Threading.Channels;
using LvsLab.Bench;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Checks;
using LvsLab.Testing.Timeline;

namespace LvsLab.Scenarios;

/// <summary>The stock DR lab with its health checks turned off in the topology file (<c>health: none</c>): the negative control.</summary>
public sealed class NoHealthLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-nohealth";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot)
    {
        var text = StockLabs.FileText("dr");
        var line = text.Split('\n').Single(l => l.StartsWith("health:", StringComparison.Ordinal));
        return LabFile.Parse(text.Replace(line, "health: none", StringComparison.Ordinal), "lab/dr-nohealth.lab.yml", name, slot, null);
    }
}

/// <summary>
/// The timeline a person watches while breaking the lab: requests at a steady rate, a real server
/// stopped with plain <c>docker stop</c> and started again with <c>docker start</c>. With the stock
/// lab's health checks the failed requests end within the checks' window and the server serves
/// again once started; without them (the negative control) they go on until it is back.
/// </summary>
[Collection(StockDrLab.Name)]
public sealed class TimelineScenarios(FaultLabFixture fixture, ITestOutputHelper output)
{
    private const int Rate = 20;

    [Fact]
    public async Task AStoppedServersFailuresEndWithinTheHealthWindowAndItServesAgainAfterDockerStart()
    {
        var folder = Artifacts.For(nameof(TimelineScenarios), nameof(AStoppedServersFailuresEndWithinTheHealthWindowAndItServesAgainAfterDockerStart));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "director");
        var container = DockerLabRuntime.ContainerName(fixture.Topology.Name, "rs1");
        await using var run = TimelineRun.Start(fixture, TimeSpan.FromSeconds(16), output);

        // Two seconds of the healthy lab, then rs1 dies; once the director has taken it out
        // and two more seconds have shown the others carrying the load, it is started again.
        await run.SecondAsync(1);
        Assert.Equal(0, (await DockerCli.RunAsync("stop", "-t", "1", container)).ExitCode);
        var seenIn = await run.EventAsync("rs1", "health down");
        await run.SecondAsync(seenIn + 2);
        Assert.Equal(0, (await DockerCli.RunAsync("start", container)).ExitCode);
        var timeline = await run.EndAsync();
        await taps.StopAsync();

        TimelinePlot.Save(Path.Combine(folder, "timeline.svg"), timeline, ["rs1", "rs2", "rs3"], $"lab {fixture.Topology.Name}: docker stop rs1, then docker start");
        Report(timeline);
        Assert.NotNull(timeline.FirstEvent("rs1", "health up", timeline.FirstEvent("rs1", "started")!.AtMs));
        AssertPassed(TimelineChecks.FailuresEndWithin(timeline, "rs1", FaultScenarios.OutOfRotationBound));
        AssertPassed(TimelineChecks.ServesAgainAfterStart(timeline, "rs1"));
    }

    [Fact]
    public async Task ADrainShowsAsAWeightEventAndTheServerGetsNoNewRequestsWhileNoneFails()
    {
        var folder = Artifacts.For(nameof(TimelineScenarios), nameof(ADrainShowsAsAWeightEventAndTheServerGetsNoNewRequestsWhileNoneFails));
        var service = $"{fixture.Topology.Vip}:{fixture.Topology.Port}";
        var rs3 = $"{fixture.Topology.Node("rs3").AddressOn("lan")}:{fixture.Topology.Port}";
        try
        {
            await using var run = TimelineRun.Start(fixture, TimeSpan.FromSeconds(5), output);
            await run.SecondAsync(1);
            var drain = await fixture.Lab.ExecAsync("director", ["lvs-director", "edit", "-t", service, "-r", rs3, "-w", "0"]);
            Assert.True(drain.ExitCode == 0, drain.Stdout + drain.Stderr);
            var timeline = await run.EndAsync();

            TimelinePlot.Save(Path.Combine(folder, "timeline.svg"), timeline, ["rs1", "rs2", "rs3"], $"lab {fixture.Topology.Name}: rs3 drained (weight 0)");
            Report(timeline);
            var drained = timeline.FirstEvent("rs3", "weight 1 → 0");
            Assert.NotNull(drained);
            Assert.Empty(timeline.Failures);

            // The event is seen within one poll of the edit: every request sent after it went to the others.
            Assert.DoesNotContain(timeline.Outcomes, o => o.SentMs > drained.AtMs && o.Server == "rs3");
            Assert.Contains(timeline.Outcomes, o => o.SentMs > drained.AtMs && o.Server is "rs1" or "rs2");
            Assert.Contains(timeline.Outcomes, o => o.SentMs < drained.AtMs && o.Server == "rs3");
        }
        finally
        {
            await fixture.Lab.ExecAsync("director", ["lvs-director", "edit", "-t", service, "-r", rs3, "-w", "1"]);
        }
    }

    [Fact]
    public async Task ProbeForShowsEachSecondLiveAndSavesThePicture()
    {
        var folder = Artifacts.For(nameof(TimelineScenarios), nameof(ProbeForShowsEachSecondLiveAndSavesThePicture));
        var picture = Path.Combine(folder, "probe-for.png");
        using var process = CliRunner.Start(["probe", "--for", "3s", "--rate", "10", "--plot", picture, "--name", fixture.Topology.Name]);
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<(TimeSpan At, string Line)>();
        var clock = Stopwatch.StartNew();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add((clock.Elapsed, line));
        }

        await process.WaitForExitAsync();
        output.WriteLine(string.Join("\n", lines.Select(l => $"{l.At.TotalSeconds,6:F2}  {l.Line}")) + "\n" + await stderr);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains(lines, l => l.Line == "  TIME    rs1    rs2    rs3 FAILED  EVENTS");
        var seconds = lines.Where(l => l.Line.TrimStart().StartsWith("0s", StringComparison.Ordinal) || l.Line.TrimStart().StartsWith("1s", StringComparison.Ordinal) || l.Line.TrimStart().StartsWith("2s", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, seconds.Count);
        Assert.All(seconds, s => Assert.Matches(@"^\s+\ds\s+\d+\s+\d+\s+\d+\s+0$", s.Line));

        // Live: the first second is shown well before the last request has gone out.
        Assert.True(lines[^1].At - seconds[0].At > TimeSpan.FromSeconds(1.5), $"the first second came {(lines[^1].At - seconds[0].At).TotalSeconds:F2} s before the end");
        Assert.Contains(lines, l => l.Line.StartsWith("30 requests: rs1 10, rs2 10, rs3 10, failed 0 (0.0 %)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == $"wrote {picture}");
        Assert.Equal("PNG", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(picture), 1, 3));
    }

    [Fact]
    public async Task WatchShowsEachRealServersHealthAndRatesAndTheNodesThatAreDown()
    {
        var container = DockerLabRuntime.ContainerName(fixture.Topology.Name, "rs2");
        Assert.Equal(0, (await DockerCli.RunAsync("stop", "-t", "1", container)).ExitCode);
        try
        {
            await Eventually.TrueAsync(
                async _ => (await DirectorRowsAsync()).Contains("down", StringComparison.Ordinal),
                FaultScenarios.OutOfRotationBound,
                "rs2 to be reported down");
            var watch = await CliRunner.RunAsync(["watch", "--for", "2.5s", "--interval", "1s", "--name", fixture.Topology.Name], output);

            Assert.Equal(0, watch.ExitCode);
            var frames = watch.Stdout.Split($"lab {fixture.Topology.Name} (dr)", StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(frames.Length, 2, 4);
            var rs2 = fixture.Topology.Node("rs2").AddressOn("lan");
            Assert.Matches($@"  -> {rs2.ToString().Replace(".", "\\.", StringComparison.Ordinal)}:80\s+rs2\s+0 down", frames[^1]);
            Assert.Matches(@"  -> \S+:80\s+rs1\s+1 up", frames[^1]);
            Assert.Contains("nodes down: rs2 (exited)", frames[^1], StringComparison.Ordinal);
            Assert.Contains("health checks: tcp", frames[^1], StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(0, (await DockerCli.RunAsync("start", container)).ExitCode);
        }

        await Eventually.TrueAsync(async _ => !(await DirectorRowsAsync()).Contains("down", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "rs2 to be reported up again");
    }

    [Theory]
    [InlineData("probe --for 0s", "--for 0s: a duration such as 30s")]
    [InlineData("probe --for 10s --rate 1000", "--rate 1000: between 1 and 200")]
    [InlineData("probe --for 10s --plot timeline.gif", "--plot timeline.gif: the picture is FILE.svg or FILE.png")]
    [InlineData("probe --for 10s --timeout soon", "--timeout soon: a duration")]
    [InlineData("watch --interval 10ms", "--interval 10ms: a duration of at least 100ms")]
    public async Task BadTimelineArgumentsAreNamedAndNothingIsSent(string arguments, string message)
    {
        var before = await DirectorRowsAsync();
        var run = await CliRunner.RunAsync([.. arguments.Split(' '), "--name", fixture.Topology.Name], output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        Assert.False(File.Exists("timeline.gif"));
        Assert.Equal(before, await DirectorRowsAsync());
    }

    private async Task<string> DirectorRowsAsync() =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", "-L", "-n"])).Stdout +
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "stats"])).Stdout.Split('\n').Single(l => l.StartsWith("health checks:", StringComparison.Ordinal)).Replace("down: none", string.Empty, StringComparison.Ordinal);

    private void Report(ProbeTimeline timeline) => TimelineRun.Print(timeline, output);

    private void AssertPassed(CheckResult result)
    {
        output.WriteLine($"{result.Name}: {(result.Passed ? "passed" : "FAILED")}\n  {string.Join("\n  ", result.Evidence)}");
        Assert.True(result.Passed, $"{result.Name}: {string.Join("; ", result.Evidence)}");
    }
}

/// <summary>The negative control: the same stop without health checks, whose failures go on until the server is back.</summary>
public sealed class NoHealthTimelineScenarios(NoHealthLabFixture fixture, ITestOutputHelper output) : IClassFixture<NoHealthLabFixture>
{
    [Fact]
    public async Task WithoutHealthChecksTheFailuresGoOnAndTheCheckCatchesIt()
    {
        var folder = Artifacts.For(nameof(NoHealthTimelineScenarios), nameof(WithoutHealthChecksTheFailuresGoOnAndTheCheckCatchesIt));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "director");
        await using var run = TimelineRun.Start(fixture, TimeSpan.FromSeconds(7), output);
        await run.SecondAsync(0);
        Assert.Equal(0, (await DockerCli.RunAsync("stop", "-t", "1", DockerLabRuntime.ContainerName(fixture.Topology.Name, "rs1"))).ExitCode);
        var timeline = await run.EndAsync();
        await taps.StopAsync();
        TimelinePlot.Save(Path.Combine(folder, "timeline.svg"), timeline, ["rs1", "rs2", "rs3"], $"lab {fixture.Topology.Name} (health: none): docker stop rs1");

        var result = TimelineChecks.FailuresEndWithin(timeline, "rs1", FaultScenarios.OutOfRotationBound);
        output.WriteLine($"{result.Name}: {(result.Passed ? "passed" : "FAILED")}\n  {string.Join("\n  ", result.Evidence)}");
        Assert.False(result.Passed);
        Assert.Null(timeline.FirstEvent("rs1", "health down"));

        // About one request in three fails to the very end: rs1 keeps its share.
        var last = timeline.Seconds(["rs1", "rs2", "rs3"])[^1];
        Assert.True(last.Failed > 0, $"no request failed in the last second ({last.Sent} sent)");
    }
}

/// <summary>A timeline running in a lab fixture, for scenarios that act on the lab while it runs.</summary>
internal sealed class TimelineRun : IAsyncDisposable
{
    private readonly Channel<TimelineSecond> seconds = Channel.CreateUnbounded<TimelineSecond>();
    private readonly List<TimelineEvent> events = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private Task<ProbeTimeline> run = Task.FromException<ProbeTimeline>(new InvalidOperationException("not started"));
    private int latest = -1;

    public static TimelineRun Start(LabFixture fixture, TimeSpan duration, ITestOutputHelper output)
    {
        var timeline = new TimelineRun();
        var lab = fixture.Lab;
        var script = ProbeScript.Http($"http://{lab.Topology.Vip}:{lab.Topology.Port}/", 20, duration, TimeSpan.FromSeconds(1));
        string[] servers = ["rs1", "rs2", "rs3"];
        timeline.run = TimelineRunner.RunAsync(
            lab,
            "client",
            script,
            servers,
            second =>
            {
                output.WriteLine(TimelineText.Line(second, servers));
                timeline.Saw(second.Events, second.Second);
                timeline.seconds.Writer.TryWrite(second);
            },
            late =>
            {
                output.WriteLine($"  (late) {late.Label}");
                timeline.Saw([late], null);
            },
            (sink, ct) => fixture.Runtime.WatchNodeEventsAsync(lab.Topology.Name, e => sink(new TimelineEvent(e.At.ToUnixTimeMilliseconds(), e.Node, e.What)), ct),
            timeline.stop.Token);
        return timeline;
    }

    /// <summary>Waits until second <paramref name="second"/> of the timeline is complete.</summary>
    public async Task SecondAsync(int second)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var s in seconds.Reader.ReadAllAsync(timeout.Token))
        {
            if (s.Second >= second)
            {
                return;
            }
        }
    }

    /// <summary>Waits until the timeline has shown <c>NODE WHAT</c> (in a complete second or late).</summary>
    /// <returns>The latest complete second when it was seen.</returns>
    public async Task<int> EventAsync(string node, string what)
    {
        var seenIn = -1;
        await Eventually.TrueAsync(
            _ =>
            {
                lock (gate)
                {
                    seenIn = events.Any(e => e.Node == node && e.What == what) ? latest : -1;
                }

                return Task.FromResult(seenIn >= 0);
            },
            TimeSpan.FromSeconds(30),
            $"the timeline to show '{node} {what}'");
        return seenIn;
    }

    public async Task<ProbeTimeline> EndAsync() => await run;

    /// <summary>Prints the whole timeline: a line per second, the summary and the events with their times.</summary>
    public static void Print(ProbeTimeline timeline, ITestOutputHelper output)
    {
        var servers = new[] { "rs1", "rs2", "rs3" };
        output.WriteLine(TimelineText.Header(servers));
        foreach (var second in timeline.Seconds(servers))
        {
            output.WriteLine(TimelineText.Line(second, servers));
        }

        output.WriteLine(TimelineText.Summary(timeline));
        output.WriteLine(string.Join("\n", timeline.Events.Select(e => $"{(e.AtMs - timeline.StartMs) / 1000.0,7:F2} s  {e.Label}")));
    }

    public async ValueTask DisposeAsync()
    {
        if (!run.IsCompleted)
        {
            await stop.CancelAsync();
        }

        try
        {
            await run;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }

        stop.Dispose();
    }

    private void Saw(IEnumerable<TimelineEvent> seen, int? second)
    {
        lock (gate)
        {
            events.AddRange(seen);
            latest = Math.Max(latest, second ?? latest);
        }
    }
}
