using System.Net;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// A VRRP takeover in a dual-stack pair: the IPv6 VIP is not VRRP's (version 2 carries IPv4
/// addresses) but moves with it — the new master sends an unsolicited neighbour advertisement
/// for the VIP6 (to all nodes, override set), the router's neighbour entry moves to its MAC at
/// once, and <c>curl -6</c> to the VIP6 is answered through it.
/// </summary>
public sealed class HaDualStackScenarios(HaDualStackLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaDualStackLabFixture>
{
    [Fact]
    public async Task TheNewMasterAdvertisesTheVip6AndTheRouterFollowsIt()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var lab = fixture.Lab;
        var vip6 = lab.Topology.Vip6!;
        var url = $"http://[{vip6}]:{lab.Topology.Port}/";
        var first = lab.Node(DirectorPair.First).On("lan").Mac;
        var second = lab.Node(DirectorPair.Second).On("lan").Mac;

        // Before: the router reaches the VIP6 through director1.
        Assert.All(await HttpProbe.GetAsync(lab, "client", url, 3), r => Assert.NotNull(r));
        Assert.Contains(first, (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout, StringComparison.Ordinal);

        var folder = Artifacts.For(nameof(HaDualStackScenarios), nameof(TheNewMasterAdvertisesTheVip6AndTheRouterFollowsIt));
        await using var taps = TapSet.Start(lab, folder, "router:lan");
        await lab.StopNodeAsync(DirectorPair.First);
        try
        {
            await fixture.WaitForMasterAsync(DirectorPair.Second);
            await Eventually.TrueAsync(
                async _ => (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout.Contains(second, StringComparison.Ordinal),
                TimeSpan.FromSeconds(5),
                $"the router's neighbour entry for {vip6} to move to {DirectorPair.Second}'s MAC");
            await taps.StopAsync();

            // The unsolicited advertisements: from director2's MAC, to all nodes, for the VIP6, override set, not solicited.
            var advertisements = taps.On("router:lan").Where(f => IsUnsolicitedAdvertisementOf(f, vip6)).ToList();
            output.WriteLine($"unsolicited advertisements of {vip6}: {advertisements.Count}, from {string.Join(", ", advertisements.Select(f => f.SourceMac).Distinct())}");
            Assert.NotEmpty(advertisements);
            Assert.All(advertisements, f => Assert.Equal(second, f.SourceMac));

            // And the VIP6 is served through the new master.
            Assert.All(await HttpProbe.GetAsync(lab, "client", url, 3), r => Assert.NotNull(r));
        }
        finally
        {
            await lab.StartNodeAsync(DirectorPair.First);
        }
    }

    internal static bool IsUnsolicitedAdvertisementOf(CapturedFrame frame, IPAddress target) => UnsolicitedAdvertisement(frame, target);

    // ICMPv6 type 136 to ff02::1 with the override flag and without the solicited one, for the target.
    private static bool UnsolicitedAdvertisement(CapturedFrame frame, IPAddress target) =>
        frame.Data.Length >= 14 + 40 + 24
        && frame.Data[12] == 0x86 && frame.Data[13] == 0xDD
        && frame.Data[14 + 6] == 58
        && frame.Data[14 + 40] == 136
        && (frame.Data[14 + 40 + 4] & 0x60) == 0x20
        && new IPAddress(frame.Data.AsSpan(14 + 24, 16)).Equals(IPAddress.Parse("ff02::1"))
        && new IPAddress(frame.Data.AsSpan(14 + 40 + 8, 16)).Equals(target);
}

/// <summary>
/// The negative control: a new master that announces nothing (no gratuitous ARP, no unsolicited
/// advertisement) leaves the router's neighbour entry for the VIP6 on the dead director's MAC —
/// the check above would have caught a director that did not advertise the VIP6.
/// </summary>
public sealed class HaDualStackSilentScenarios(HaDualStackSilentLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaDualStackSilentLabFixture>
{
    [Fact]
    public async Task WithoutTheAdvertisementTheRoutersEntryStaysOnTheDeadMaster()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var lab = fixture.Lab;
        var vip6 = lab.Topology.Vip6!;
        var first = lab.Node(DirectorPair.First).On("lan").Mac;
        Assert.All(await HttpProbe.GetAsync(lab, "client", $"http://[{vip6}]:{lab.Topology.Port}/", 3), r => Assert.NotNull(r));
        var folder = Artifacts.For(nameof(HaDualStackSilentScenarios), nameof(WithoutTheAdvertisementTheRoutersEntryStaysOnTheDeadMaster));
        await using var taps = TapSet.Start(lab, folder, "router:lan");
        await lab.StopNodeAsync(DirectorPair.First);
        try
        {
            await fixture.WaitForMasterAsync(DirectorPair.Second);

            // As long as the advertising master would have needed (and more): the entry has not moved.
            var entry = string.Empty;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(3))
            {
                entry = (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout;
                Assert.Contains(first, entry, StringComparison.Ordinal);
            }

            await taps.StopAsync();
            output.WriteLine($"router after 3 s: {entry.Trim()}");
            Assert.DoesNotContain(taps.On("router:lan"), f => HaDualStackScenarios.IsUnsolicitedAdvertisementOf(f, vip6));
        }
        finally
        {
            await lab.StartNodeAsync(DirectorPair.First);
        }
    }
}
