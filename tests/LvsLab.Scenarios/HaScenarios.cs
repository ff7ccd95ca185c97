using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// The DR pair: the suite, and the takeover measured under a 1,000/s stream when the master is
/// killed (SIGKILL: no goodbye) — from the captures, who forwarded each frame and when.
/// </summary>
public sealed class HaScenarios(HaLabFixture fixture, ITestOutputHelper output) : HaSuite<HaLabFixture>(fixture, output), IClassFixture<HaLabFixture>
{
    /// <summary>
    /// The takeover goal, 3 × the advertisement interval + 100 ms: a figure the takeover
    /// scenario reports beside its measurement, not a bound it asserts (speed lives in figures;
    /// a test asserts what happens and in what order). Expected: the backup's master down timer
    /// (<see cref="HaLabFixture.MasterDownMilliseconds"/>) runs out 221–321 ms after the old
    /// master's last frame (its last advertisement came 0–100 ms before), then a gratuitous ARP
    /// and the next frame of a 1,000/s stream.
    /// </summary>
    public static readonly TimeSpan TakeoverGoal = TimeSpan.FromMilliseconds((3 * HaLabFixture.IntervalMilliseconds) + 100);

    [Fact]
    public async Task KillingTheMasterMovesTheVipToTheBackupByGratuitousArpAndItComesBack()
    {
        Fixture.SkipUnlessLvsDirector();
        await Fixture.WaitForPairAsync();
        var folder = Artifacts.For(nameof(HaScenarios), nameof(KillingTheMasterMovesTheVipToTheBackupByGratuitousArpAndItComesBack));
        var takeover = await Takeover.MeasureAsync(Fixture, folder, Output);

        // director2 took over within the stream and announced the VIP by gratuitous ARP; the time is a figure (takeover.txt).
        Assert.True(takeover.Time is { } t && t > TimeSpan.Zero, takeover.Summary);
        Assert.True(takeover.FirstGratuitousArp is not null, $"director2 sent no gratuitous ARP for the VIP\n{takeover.Summary}");

        // It decided as RFC 5798 says: once its master down interval had passed without an
        // advertisement (its first one as master no sooner; the margin is its millisecond clock
        // and the two links' timestamps, 2 ms). Measured: 322 ms, every run.
        Assert.True(takeover.Decision >= TimeSpan.FromMilliseconds(HaLabFixture.MasterDownMilliseconds - 2), takeover.Summary);
        Assert.Equal("master", (await Fixture.StatsAsync("director2")).GetProperty("vrrp").GetString());
        Assert.Equal(takeover.NewMac, await RouterMacForVipAsync());

        // The gratuitous ARP moved the router at once: nothing went to director1's MAC once director2 forwarded.
        Assert.Empty(takeover.ToOldMacAfterTakeover);

        // director1 comes back with the higher priority and takes the VIP back.
        await Fixture.Lab.StartNodeAsync("director1");
        await Fixture.WaitForPairAsync();
        await Eventually.TrueAsync(async _ => await RouterMacForVipAsync() == takeover.OldMac, TimeSpan.FromSeconds(10), "the router to send to director1 again");
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Fixture.Topology.Vip}:{Fixture.Topology.Port}/", 6);
        Assert.All(replies, r => Assert.NotNull(r));
    }
}

/// <summary>
/// The NAT pair: the same suite; besides the VIP the master holds the real servers' gateway, so
/// their replies follow the takeover (see <see cref="HaNatScenarios.TheRealServersGatewayMovesWithTheVip"/>).
/// </summary>
public sealed class HaNatScenarios(HaNatLabFixture fixture, ITestOutputHelper output) : HaSuite<HaNatLabFixture>(fixture, output), IClassFixture<HaNatLabFixture>
{
    [Fact]
    public async Task TheRealServersGatewayMovesWithTheVip()
    {
        Fixture.SkipUnlessLvsDirector();
        await Fixture.WaitForPairAsync();
        var gateway = Assert.Single(Fixture.Topology.FloatingAddresses).ToString();
        async Task<string> GatewayMacAsync()
        {
            // rs1 asks for its gateway when it next needs it: one request through the VIP makes sure it has.
            await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Fixture.Topology.Vip}:{Fixture.Topology.Port}/", 3);
            return await Fixture.NeighbourMacAsync("rs1", gateway);
        }

        string firstBack = Fixture.Lab.Node("director1").On("back").Mac;
        string secondBack = Fixture.Lab.Node("director2").On("back").Mac;
        Assert.Equal(firstBack, await GatewayMacAsync());

        // director1 stopped: director2 announces the gateway on the real servers' side too, and their replies go to it.
        await Fixture.Lab.StopNodeAsync("director1");
        await Fixture.WaitForMasterAsync("director2");
        Assert.Equal(secondBack, await GatewayMacAsync());
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Fixture.Topology.Vip}:{Fixture.Topology.Port}/", 6);
        Assert.All(replies, r => Assert.NotNull(r));

        await Fixture.Lab.StartNodeAsync("director1");
        await Fixture.WaitForPairAsync();
        await Eventually.TrueAsync(async _ => await GatewayMacAsync() == firstBack, TimeSpan.FromSeconds(10), "rs1's gateway to be director1 again");
    }
}

/// <summary>The TUN pair: the same suite; the real servers unwrap from either director.</summary>
public sealed class HaTunScenarios(HaTunLabFixture fixture, ITestOutputHelper output) : HaSuite<HaTunLabFixture>(fixture, output), IClassFixture<HaTunLabFixture>;

/// <summary>
/// The negative control of the takeover: a backup that becomes master without a gratuitous ARP
/// is master in vain — the router keeps sending the stream to the dead director's MAC until its
/// ARP entry ages out, far beyond the takeover goal.
/// </summary>
public sealed class HaNoGratuitousArpScenarios(HaDrNoGarpLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaDrNoGarpLabFixture>
{
    [Fact]
    public async Task WithoutTheGratuitousArpTheRouterKeepsSendingToTheDeadMaster()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(nameof(HaNoGratuitousArpScenarios), nameof(WithoutTheGratuitousArpTheRouterKeepsSendingToTheDeadMaster));
        var takeover = await Takeover.MeasureAsync(fixture, folder, output);

        // director2 did become master (its log says so), but the stream went on to the dead MAC.
        var (log, _) = await fixture.Lab.LogsAsync("director2");
        Assert.Contains("vrrp: master", log, StringComparison.Ordinal);
        Assert.True(takeover.Time is null || takeover.Time > HaScenarios.TakeoverGoal, takeover.Summary);
        Assert.NotEmpty(takeover.ToOldMacAfterGoal);
        await fixture.Lab.StartNodeAsync("director1");
    }
}

/// <summary>
/// The negative control of synchronisation: without it the new master knows none of the
/// connections the old one scheduled, drops their next packets (as IPVS drops a non-SYN packet
/// without a connection), and every long-lived connection breaks.
/// </summary>
public sealed class HaNoSyncScenarios(HaDrNoSyncLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaDrNoSyncLabFixture>
{
    [Fact]
    public async Task WithoutSyncTheLongLivedConnectionsBreakAtTheTakeover()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(nameof(HaNoSyncScenarios), nameof(WithoutSyncTheLongLivedConnectionsBreakAtTheTakeover));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "director2", "rs1", "rs2", "rs3");
        var survivors = await LongLived.RunAsync(fixture, "director1", output);
        await taps.StopAsync();
        Assert.Equal(0, survivors);
        var (log, _) = await fixture.Lab.LogsAsync("director2");
        Assert.Contains("vrrp: master", log, StringComparison.Ordinal);
        await fixture.Lab.StartNodeAsync("director1");
    }
}

/// <summary>
/// Maglev's argument, with packets: without sync, a new master that meets a connection mid-way
/// and schedules it by a consistent hash (<c>mh</c>, with <c>sloppy_tcp</c>) sends it to the same
/// real server the old master chose, so the long-lived connections survive — which <c>rr</c>
/// cannot do (<see cref="HaNoSyncScenarios"/>: all break).
/// </summary>
public sealed class HaMaglevScenarios(HaDrMaglevLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaDrMaglevLabFixture>
{
    [Fact]
    public async Task WithMaglevHashingTheLongLivedConnectionsSurviveWithoutSync()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(nameof(HaMaglevScenarios), nameof(WithMaglevHashingTheLongLivedConnectionsSurviveWithoutSync));
        await using var taps = TapSet.Start(fixture.Lab, folder, "client", "director2", "rs1", "rs2", "rs3");
        var survivors = await LongLived.RunAsync(fixture, "director1", output);
        await taps.StopAsync();
        Assert.Equal(LongLived.Count, survivors);

        // No connection was synchronised: director2 met every one of them mid-way.
        var stats = (await fixture.Lab.ExecAsync("director2", ["lvs-director", "stats", "--json"])).Stdout;
        Assert.DoesNotContain("\"sync\"", stats, StringComparison.Ordinal);
        await fixture.Lab.StartNodeAsync("director1");
    }
}
