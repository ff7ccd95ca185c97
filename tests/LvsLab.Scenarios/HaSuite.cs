using System.Text.Json;
using LvsLab.Bench;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;
using LvsLab.Testing.Timeline;

namespace LvsLab.Scenarios;

/// <summary>
/// Two directors as a VRRP pair (issue 15), whatever the lab's mode: exactly one holds the VIP;
/// when it goes the other takes it over by gratuitous ARP, and no request fails once it holds
/// the VIP; a master that comes back takes the VIP back (it has the higher priority and
/// preempts); with sync, long-lived connections live through the takeover.
/// </summary>
/// <typeparam name="TFixture">The pair's lab.</typeparam>
public abstract class HaSuite<TFixture>(TFixture fixture, ITestOutputHelper output)
    where TFixture : HaLabFixture
{
    /// <summary>The lab.</summary>
    protected TFixture Fixture => fixture;

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    [Fact]
    public async Task ExactlyOneDirectorHoldsTheVipAndTheOtherStandsBy()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{fixture.Topology.Vip}:{fixture.Topology.Port}/", 6);
        Assert.All(replies, r => Assert.NotNull(r));

        // The router asked for the VIP (its first packet to it) and only the master answered.
        Assert.Equal(fixture.Lab.Node("director1").On(fixture.VipNetwork).Mac, await RouterMacForVipAsync());

        // lvslab status --json says which is which.
        var status = await CliRunner.RunAsync(["status", "--name", fixture.Topology.Name, "--json"], output);
        Assert.Equal(0, status.ExitCode);
        var nodes = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n);
        Assert.Equal("master", nodes["director1"].GetProperty("vrrp").GetString());
        Assert.Equal("backup", nodes["director2"].GetProperty("vrrp").GetString());
        Assert.Equal("up", nodes["rs1"].GetProperty("health").GetString());

        // The backup hears the master's advertisements.
        var backup = await fixture.StatsAsync("director2");
        Assert.Equal("backup", backup.GetProperty("vrrp").GetString());
        Assert.True(backup.GetProperty("vrrpDetail").GetProperty("advertisementsAccepted").GetInt64() > 0, "the backup heard no advertisement");
    }

    /// <summary>
    /// The failover as a person sees it with <c>lvslab probe</c> and <c>lvslab stop director1</c>:
    /// HTTP requests at 20/s, director1 stopped (its priority 0 advertisement hands over at once),
    /// director2 master, then director1 started again and master again. Once director2 says it
    /// is master no request fails while it holds the VIP; the picture is kept (timeline.svg).
    /// </summary>
    [Fact]
    public async Task OnTheTimelineNoRequestFailsOnceTheNewMasterHoldsTheVip()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(GetType().Name, nameof(OnTheTimelineNoRequestFailsOnceTheNewMasterHoldsTheVip));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "router:lan");
        ProbeTimeline timeline;
        await using (var run = TimelineRun.Start(fixture, TimeSpan.FromSeconds(12), output))
        {
            await run.SecondAsync(1);
            await fixture.Lab.StopNodeAsync("director1");
            var seenIn = await run.EventAsync("director2", "vrrp master");
            await run.SecondAsync(seenIn + 3);
            await fixture.Lab.StartNodeAsync("director1");
            await run.EventAsync("director1", "vrrp master");
            timeline = await run.EndAsync();
        }

        await taps.StopAsync();
        TimelinePlot.Save(Path.Combine(folder, "timeline.svg"), timeline, ["rs1", "rs2", "rs3"], $"lab {fixture.Topology.Name}: lvslab stop director1, then lvslab start director1");
        TimelineRun.Print(timeline, output);

        var stopped = timeline.FirstEvent("director1", "stopped");
        var takenOver = timeline.FirstEvent("director2", "vrrp master");
        var started = timeline.FirstEvent("director1", "started");
        Assert.True(stopped is not null && takenOver is not null && started is not null, string.Join(", ", timeline.Events.Select(e => e.Label)));
        var whileHeld = timeline.Outcomes.Where(o => o.SentMs >= takenOver.AtMs && o.SentMs < started.AtMs).ToList();
        var failedAround = timeline.Failures.Count(o => o.SentMs < takenOver.AtMs && o.SentMs >= stopped.AtMs - 1000);
        output.WriteLine($"director2 master {(takenOver.AtMs - stopped.AtMs) / 1000.0:F2} s after director1 stopped (as the timeline polls: every {TimelineRunner.HealthPollInterval.TotalMilliseconds:F0} ms); requests failed around the handover: {failedAround}; sent while director2 held the VIP: {whileHeld.Count}, failed {whileHeld.Count(o => o.Failed)}; failed after director1 came back: {timeline.Failures.Count(o => o.SentMs >= started.AtMs)}");
        Assert.NotEmpty(whileHeld);
        Assert.DoesNotContain(whileHeld, o => o.Failed);
        Assert.Contains(whileHeld, o => o.Server is not null);
        await fixture.WaitForPairAsync();
    }

    [Fact]
    public async Task FiftyLongLivedConnectionsSurviveTheTakeoverWithSync()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(GetType().Name, nameof(FiftyLongLivedConnectionsSurviveTheTakeoverWithSync));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "director2");
        var survivors = await LongLived.RunAsync(fixture, "director2", output);
        await taps.StopAsync();
        Assert.Equal(LongLived.Count, survivors);
        Assert.Equal("master", (await fixture.StatsAsync("director2")).GetProperty("vrrp").GetString());
        await fixture.Lab.StartNodeAsync("director1");
        await fixture.WaitForPairAsync();
    }

    /// <summary>The MAC the ARP cache of the VIP's neighbour (the router; in NAT the client) holds for the VIP (lower case, colons), or "" when none.</summary>
    protected Task<string> RouterMacForVipAsync() => fixture.NeighbourMacAsync(fixture.VipNeighbour, fixture.Topology.Vip.ToString());}
