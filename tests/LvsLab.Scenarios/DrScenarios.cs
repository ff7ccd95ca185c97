using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// LVS-DR with real packets (seed idea 7): the director rewrites only the Ethernet header, the
/// real servers hold the VIP hidden on lo and answer the client directly.
/// </summary>
/// <remarks>
/// Forwarder-agnostic: only packets captured outside the forwarder and the client's own view.
/// <see cref="DrScenarios"/> runs it against the C# director (or <c>LVSLAB_FORWARDER</c>),
/// <see cref="NftablesDrScenarios"/> against the kernel through nftables.
/// </remarks>
public abstract class DrSuite(LabFixture fixture, ITestOutputHelper output)
{
    /// <summary>The lab.</summary>
    protected LabFixture Fixture => fixture;

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    protected IPAddress Vip => fixture.Topology.Vip;

    protected IPAddress Cip => fixture.Topology.Node("client").AddressOn("front");

    protected string Url => $"http://{Vip}:{fixture.Topology.Port}/";

    protected IEnumerable<string> RealServerNames => fixture.Topology.NodesWith(NodeRole.RealServer).Select(n => n.Name);

    [SkippableFact]
    public async Task CurlToVipSucceedsAndRoundRobinGivesEachServerTenOfThirty()
    {
        fixture.SkipIfUnavailable();
        output.WriteLine($"lab up in {fixture.UpTime.TotalSeconds:F2} s");
        await using var taps = StartTaps(["client", "director"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 30);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(RealServerNames.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.Equal(10, c));
    }

    [SkippableFact]
    public async Task RepliesBypassTheDirector()
    {
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["director:lan", "router:lan"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var director = taps.On("director:lan");
        var router = taps.On("router:lan");
        // The director sees every request (in from the router, out to a real server)…
        Assert.Contains(director, f => f.IsIp(Cip, Vip) && f.Tcp is not null);
        // …and not one reply.
        Assert.DoesNotContain(director, f => f.IsIp(Vip, null));
        // The replies reach the router straight from the real servers' MACs, with source VIP.
        var realServerMacs = RealServerNames.Select(n => fixture.Lab.Node(n).On("lan").Mac).ToHashSet();
        var repliesAtRouter = router.Where(f => f.IsIp(Vip, Cip)).ToList();
        Assert.NotEmpty(repliesAtRouter);
        Assert.All(repliesAtRouter, f => Assert.Contains(f.SourceMac, realServerMacs));
        Assert.True(repliesAtRouter.Select(f => f.SourceMac).Distinct().Count() >= 2, "replies came from one server only");
    }

    [SkippableFact]
    public async Task RequestReachesRealServerWithIpHeaderUnchangedAndOnlyEthernetRewritten()
    {
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["router:lan", .. RealServerNames]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", Url, 3);
        await taps.StopAsync();

        // The server saw the true client address (no NAT on the way).
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        var directorMac = fixture.Lab.Node("director").On("lan").Mac;
        var routerMac = fixture.Lab.Node("router").On("lan").Mac;
        var sent = taps.On("router:lan").Where(f => f.IsIp(Cip, Vip) && f.SourceMac == routerMac).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, f => Assert.Equal(directorMac, f.DestinationMac));
        // Every request frame a real server got is one the router sent, rewritten as DR rewrites
        // (the MACs only: director → that server; the IP header and all after byte for byte).
        var requests = new FrameFilter($"{Cip} → {Vip}", f => f.IsIp(Cip, Vip));
        var checkedFrames = 0;
        foreach (var server in RealServerNames)
        {
            var dr = new DirectRoutingRewrite(directorMac, fixture.Lab.Node(server).On("lan").Mac, server);
            var result = PacketAssert.NoOtherPackets(taps.On(server), [.. sent.Select(f => dr.Expect(f.Data))], requests);
            checkedFrames += result.Matches.Count;
        }

        output.WriteLine($"{checkedFrames} request frames matched byte for byte after the Ethernet header");
        Assert.True(checkedFrames >= 3 * 3, $"only {checkedFrames} frames reached the real servers");
    }

    [SkippableFact]
    public async Task OnlyTheDirectorAnswersArpForTheVip()
    {
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["router:lan"]);

        var owners = await AskRouterForVipAsync(fixture);
        await taps.StopAsync();

        var answered = ArpEvidence.Owners(taps.On("router:lan"), Vip);
        Assert.Equal([fixture.Lab.Node("director").On("lan").Mac], answered);
        Assert.Equal(fixture.Lab.Node("director").On("lan").Mac, owners);
    }

    /// <summary>Empties the router's ARP cache for the VIP, makes it ask, and returns the MAC it learned.</summary>
    internal static async Task<string> AskRouterForVipAsync(LabFixture lab)
    {
        var vip = lab.Topology.Vip.ToString();
        await lab.Lab.ExecAsync("router", ["ip", "neigh", "flush", "to", vip]);
        // One ping makes the router broadcast "who has VIP"; its own answer does not matter.
        await lab.Lab.ExecAsync("router", ["ping", "-c", "1", "-W", "1", vip]);
        var neigh = await lab.Lab.ExecAsync("router", ["ip", "neigh", "show", "to", vip]);
        var words = neigh.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "lladdr");
        return at >= 0 ? words[at + 1] : string.Empty;
    }

    protected TapSet StartTaps(string[] links, [CallerMemberName] string scenario = "") => StartTaps(fixture, links, scenario);

    [SkippableTheory]
    [InlineData("spread")]
    [InlineData("true-client")]
    [InlineData("arp-vip")]
    [InlineData("replies-bypass")]
    public async Task EveryDrCheckPasses(string check)
    {
        fixture.SkipIfUnavailable();
        Assert.True((await LabCheckScenarios.RunAsync(fixture, check, output)).Passed);
    }

    [SkippableFact]
    public async Task TheDrPictureShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt()
    {
        fixture.SkipIfUnavailable();
        var flow = await FlowEvidence.TraceOneRequestAsync(fixture, nameof(TheDrPictureShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt), output);
        Assert.Equal(["client", "router", "director"], flow.Request.Select(h => h.From).Take(3));
        var atDirector = flow.Request.Single(h => h.From == "director");
        Assert.StartsWith("rs", atDirector.To, StringComparison.Ordinal);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac, atDirector.Changed);
        Assert.True(flow.ReplyBypassesDirector);
        Assert.DoesNotContain(flow.Reply, h => h.From == "director" || h.To == "director");
    }

    /// <summary>Starts taps whose pcaps go to the calling scenario's artifact folder.</summary>
    internal static TapSet StartTaps(LabFixture lab, string[] links, [CallerMemberName] string scenario = "") =>
        TapSet.Start(lab.Lab, Artifacts.For(lab.GetType().Name.Replace("Fixture", string.Empty, StringComparison.Ordinal), scenario), links);
}

/// <summary>The DR suite against the lab's own forwarder (the C# director, or <c>LVSLAB_FORWARDER</c>), and the C# director's own refusals and listings.</summary>
[Collection(DrLabCollection.Name)]
public sealed class DrScenarios : DrSuite
{
    public DrScenarios(DrLabFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [SkippableFact]
    public async Task DirectorCountsWhatItForwarded()
    {
        Fixture.SkipUnlessLvsDirector();
        await using var taps = StartTaps(["director"]);
        var before = await DirectorStats.ReadAsync(Fixture.Lab);
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 9);
        await taps.StopAsync();
        var after = await DirectorStats.ReadAsync(Fixture.Lab);

        Assert.All(replies, r => Assert.NotNull(r));
        var forwarded = after.GetProperty("forwardedPackets").GetInt64() - before.GetProperty("forwardedPackets").GetInt64();
        Output.WriteLine($"director forwarded {forwarded} packets for 9 requests; stats: {after}");
        // Each request is at least SYN, ACK, request, FIN/ACK from the client: ≥ 4 packets.
        Assert.True(forwarded >= 9 * 4, $"forwarded {forwarded}");
        Assert.Equal(0, after.GetProperty("drops").GetProperty("malformed").GetInt64());
        // What the director counted is what its link shows it sent towards the real servers.
        var directorMac = Fixture.Lab.Node("director").On("lan").Mac;
        var sentOnWire = taps.On("director").Count(f => f.SourceMac == directorMac && f.IsIp(Cip, Vip));
        Assert.Equal(forwarded, sentOnWire);
    }

    [SkippableFact]
    public async Task RulesFileWithAnErrorIsRefusedWithLineAndReasonBeforeTheDirectorStarts()
    {
        Fixture.SkipUnlessLvsDirector();
        var bad = $"-A -t {Vip}:80 -s rr\n-a -t {Vip}:80 -r 10.77.1.11:80 -g -w 1\n-a -t {Vip}:80 -r 10.77.1.12:99999 -g -w 1\n";
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/bad.ipvs", bad);

        // Bounded: a director that wrongly accepted the file would run until stopped.
        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/bad.ipvs", "--control", "/tmp/second.sock"]);

        Output.WriteLine(result.Stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/bad.ipvs:3:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("99999", result.Stderr, StringComparison.Ordinal);
        // It stopped before opening the interface: no start-up line, no control socket.
        Assert.DoesNotContain("ready", result.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Fixture.Lab.ExecAsync("director", ["test", "-e", "/tmp/second.sock"])).ExitCode);
    }

    [SkippableFact]
    public async Task ValidIpvsadmRulesTheDirectorCannotHonourYetAreRefusedWithTheReason()
    {
        Fixture.SkipUnlessLvsDirector();
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/thresholds.ipvs", $"-A -t {Vip}:80 -s rr\n-a -t {Vip}:80 -r 10.77.1.11:80 -g -w 1 -x 100\n");

        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/thresholds.ipvs", "--control", "/tmp/fourth.sock"]);

        Output.WriteLine(result.Stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/thresholds.ipvs:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("connection thresholds (-x/-y)", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DirectorListsServicesAndConnectionsLikeIpvsadm()
    {
        Fixture.SkipUnlessLvsDirector();
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 3);
        Assert.All(replies, r => Assert.NotNull(r));

        var list = (await Fixture.Lab.ExecAsync("director", ["lvs-director", "list"])).EnsureSuccess("lvs-director list").Stdout;
        var connections = (await Fixture.Lab.ExecAsync("director", ["lvs-director", "connections"])).EnsureSuccess("lvs-director connections").Stdout;

        Output.WriteLine(list);
        Output.WriteLine(connections);
        Assert.Contains("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn", list, StringComparison.Ordinal);
        Assert.Contains($"TCP  {Vip}:80 rr", list, StringComparison.Ordinal);
        foreach (var rs in Fixture.Topology.NodesWith(NodeRole.RealServer))
        {
            Assert.Matches($@"  -> {Regex.Escape(rs.AddressOn("lan") + ":80")}\s+Route\s+1\s+\d+\s+\d+", list);
        }

        Assert.Contains("pro expire state", connections, StringComparison.Ordinal);
        Assert.Contains($" {Cip}:", connections, StringComparison.Ordinal);
        Assert.Contains($"{Vip}:80", connections, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RulesFileWithoutAnyServiceIsRefused()
    {
        Fixture.SkipUnlessLvsDirector();
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/empty.ipvs", "# nothing here\n");

        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/empty.ipvs", "--control", "/tmp/third.sock"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/empty.ipvs: no virtual service", result.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>A DR lab whose director runs the nftables forwarder (the kernel peer).</summary>
public sealed class NftablesDrLabFixture() : StockLabFixture("dr", LabForwarders.Nftables, "t-nftdr");

/// <summary>The same DR suite, unchanged, against the kernel through nftables.</summary>
public sealed class NftablesDrScenarios(NftablesDrLabFixture fixture, ITestOutputHelper output) : DrSuite(fixture, output), IClassFixture<NftablesDrLabFixture>;

/// <summary>A DR lab whose director runs kernel IPVS (<c>ipvsadm -R</c>), where the kernel has ip_vs.</summary>
public sealed class IpvsDrLabFixture() : StockLabFixture("dr", LabForwarders.Ipvs, "t-ipvsdr");

/// <summary>The same DR suite against kernel IPVS; skipped, saying why, on kernels without ip_vs.</summary>
public sealed class IpvsDrScenarios(IpvsDrLabFixture fixture, ITestOutputHelper output) : DrSuite(fixture, output), IClassFixture<IpvsDrLabFixture>;
