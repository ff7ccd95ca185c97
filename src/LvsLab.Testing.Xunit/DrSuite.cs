using LvsLab.Lab.Model;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// LVS-DR with real packets (seed idea 7): the director rewrites only the Ethernet header, the
/// real servers hold the VIP hidden on lo and answer the client directly.
/// </summary>
/// <remarks>
/// Forwarder-agnostic: only packets captured outside the forwarder and the client's own view.
/// Derive a class from it with a <see cref="DrLabFixture"/> (your forwarder in its director) as
/// its class or collection fixture, and every test here runs against that forwarder.
/// </remarks>
public abstract class DrSuite(LabFixture fixture, ITestOutputHelper output) : LabSuite(fixture, output)
{
    protected string Url => $"http://{Vip}:{Fixture.Topology.Port}/";

    protected IEnumerable<string> RealServerNames => Fixture.Topology.NodesWith(NodeRole.RealServer).Select(n => n.Name);

    [SkippableFact]
    public async Task CurlToVipSucceedsAndRoundRobinGivesEachServerTenOfThirty()
    {
        Fixture.SkipIfUnavailable();
        Output.WriteLine($"lab up in {Fixture.UpTime.TotalSeconds:F2} s");
        await using var taps = StartTaps(["client", "director"]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 30);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        Output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(RealServerNames.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.Equal(10, c));
    }

    [SkippableFact]
    public async Task RepliesBypassTheDirector()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["director:lan", "router:lan"]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var director = taps.On("director:lan");
        var router = taps.On("router:lan");
        // The director sees every request (in from the router, out to a real server)…
        Assert.Contains(director, f => f.IsIp(Cip, Vip) && f.Tcp is not null);
        // …and not one reply.
        Assert.DoesNotContain(director, f => f.IsIp(Vip, null));
        // The replies reach the router straight from the real servers' MACs, with source VIP.
        var realServerMacs = RealServerNames.Select(n => Fixture.Lab.Node(n).On("lan").Mac).ToHashSet();
        var repliesAtRouter = router.Where(f => f.IsIp(Vip, Cip)).ToList();
        Assert.NotEmpty(repliesAtRouter);
        Assert.All(repliesAtRouter, f => Assert.Contains(f.SourceMac, realServerMacs));
        Assert.True(repliesAtRouter.Select(f => f.SourceMac).Distinct().Count() >= 2, "replies came from one server only");
    }

    [SkippableFact]
    public async Task RequestReachesRealServerWithIpHeaderUnchangedAndOnlyEthernetRewritten()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["router:lan", .. RealServerNames]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 3);
        await taps.StopAsync();

        // The server saw the true client address (no NAT on the way).
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        var directorMac = Fixture.Lab.Node("director").On("lan").Mac;
        var routerMac = Fixture.Lab.Node("router").On("lan").Mac;
        var sent = taps.On("router:lan").Where(f => f.IsIp(Cip, Vip) && f.SourceMac == routerMac).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, f => Assert.Equal(directorMac, f.DestinationMac));
        // Every request frame a real server got is one the router sent, rewritten as DR rewrites
        // (the MACs only: director → that server; the IP header and all after byte for byte).
        var requests = new FrameFilter($"{Cip} → {Vip}", f => f.IsIp(Cip, Vip));
        var checkedFrames = 0;
        foreach (var server in RealServerNames)
        {
            var dr = new DirectRoutingRewrite(directorMac, Fixture.Lab.Node(server).On("lan").Mac, server);
            var result = PacketAssert.NoOtherPackets(taps.On(server), [.. sent.Select(f => dr.Expect(f.Data))], requests);
            checkedFrames += result.Matches.Count;
        }

        Output.WriteLine($"{checkedFrames} request frames matched byte for byte after the Ethernet header");
        Assert.True(checkedFrames >= 3 * 3, $"only {checkedFrames} frames reached the real servers");
    }

    [SkippableFact]
    public async Task OnlyTheDirectorAnswersArpForTheVip()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["router:lan"]);

        var owners = await LabScenario.AskRouterForVipAsync(Fixture);
        await taps.StopAsync();

        var answered = ArpEvidence.Owners(taps.On("router:lan"), Vip);
        Assert.Equal([Fixture.Lab.Node("director").On("lan").Mac], answered);
        Assert.Equal(Fixture.Lab.Node("director").On("lan").Mac, owners);
    }

    [SkippableTheory]
    [InlineData("spread")]
    [InlineData("true-client")]
    [InlineData("arp-vip")]
    [InlineData("replies-bypass")]
    public async Task EveryDrCheckPasses(string check)
    {
        Fixture.SkipIfUnavailable();
        Assert.True((await LabScenario.RunCheckAsync(Fixture, check, Output)).Passed);
    }

    [SkippableFact]
    public async Task TheDrPictureShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt()
    {
        Fixture.SkipIfUnavailable();
        var flow = await LabScenario.TraceOneRequestAsync(Fixture, nameof(TheDrPictureShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt), Output);
        Assert.Equal(["client", "router", "director"], flow.Request.Select(h => h.From).Take(3));
        var atDirector = flow.Request.Single(h => h.From == "director");
        Assert.StartsWith("rs", atDirector.To, StringComparison.Ordinal);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac, atDirector.Changed);
        Assert.True(flow.ReplyBypassesDirector);
        Assert.DoesNotContain(flow.Reply, h => h.From == "director" || h.To == "director");
    }

}
