using System.Net;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The stock DR lab with IPv6 beside IPv4 (<c>lvslab up dr --ipv6</c>).</summary>
public sealed class DualStackDrLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-v6";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        DrLab.Create(name, slot, new DrLabOptions { Ipv6 = true });
}

/// <summary>
/// A dual-stack lab as Docker realises it: every node holds its unique-local IPv6 address beside
/// its IPv4 one, the client reaches each real server over IPv6 through the router (and the
/// server sees the client's own IPv6 address), status reports the VIP6, no frame of the lab's
/// IPv6 subnets shows on the host's own interfaces; <c>curl -6</c> to the VIP6 spreads over every
/// real server through the director, which rewrites only the MACs, while the replies bypass it
/// — and the IPv6 side of DR's "ARP problem", measured: only the director advertises the VIP6,
/// the real servers holding it on <c>lo</c> answer no solicitation for it (Linux answers one only
/// for an address of the interface it came in on), while the same address on a real server's
/// <c>eth0</c> (the negative control) is advertised by that server at once.
/// </summary>
public sealed class DualStackScenarios(DualStackDrLabFixture fixture, ITestOutputHelper output) : IClassFixture<DualStackDrLabFixture>
{
    [Fact]
    public async Task EveryNodeHoldsItsIpv6AddressAndTheClientReachesEachRealServerOverIpv6()
    {
        var lab = fixture.Lab;
        Assert.NotNull(lab.Topology.Vip6);
        foreach (var node in lab.Topology.Nodes)
        {
            var shown = (await lab.ExecAsync(node.Name, ["ip", "-o", "-6", "addr", "show", "scope", "global"])).Stdout;
            foreach (var nic in node.Interfaces)
            {
                Assert.Contains($" {nic.Address6}/64 ", shown, StringComparison.Ordinal);
            }

            // Unique-local only: no global address anywhere in the lab.
            Assert.All(
                shown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => IPAddress.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split('/')[0])),
                a => Assert.True(AddressMath.IsUniqueLocal(a), $"{node.Name} holds {a}"));
        }

        // Each real server over IPv6 from the client, through the router; the server sees the client's IPv6 address.
        var clientAddress = lab.Topology.Node("client").Address6On("front");
        var folder = Artifacts.For(nameof(DualStackScenarios), nameof(EveryNodeHoldsItsIpv6AddressAndTheClientReachesEachRealServerOverIpv6));
        var labSubnets = string.Join(" or ", lab.Topology.Networks.Select(n => $"net {n.Subnet6}"));
        var hostTaps = new DirectoryInfo("/sys/class/net").GetFileSystemInfos()
            .Select(i => i.Name)
            .Where(n => !n.StartsWith("veth", StringComparison.Ordinal) && !n.StartsWith("br-", StringComparison.Ordinal) && IsUp(n))
            .Select(n => Tap.Start($"host-{n}", n, $"ip6 and ({labSubnets})"))
            .ToList();
        await using (var taps = TapSet.Start(lab, folder, "client", "router:lan"))
        {
            foreach (var server in lab.Topology.NodesWith(NodeRole.RealServer))
            {
                var address = server.Address6On("lan");
                var answer = await lab.ExecAsync("client", ["curl", "-s", "-m", "5", $"http://[{address}]:{lab.Topology.Port}/"]);
                output.WriteLine($"{server.Name} [{address}]: {answer.Stdout.Trim()}");
                Assert.Equal($"server={server.Name} client={clientAddress}:", answer.Stdout.Trim()[..$"server={server.Name} client={clientAddress}:".Length]);
            }

            await taps.StopAsync();

            // The control: the same filter over the router's captured LAN frames finds the requests
            // (IPv6, EtherType 0x86DD, to the real servers' /64): a leak would not have gone unseen.
            var lan = lab.Topology.Network("lan").Subnet6!.Value;
            var onLan = taps.On("router:lan").Count(f => f.Data.Length > 54 && f.Data[12] == 0x86 && f.Data[13] == 0xDD && lan.Contains(new IPAddress(f.Data.AsSpan(38, 16))));
            output.WriteLine($"router's LAN link: {onLan} IPv6 frames to {lan}");
            Assert.True(onLan >= 3 * 3, $"only {onLan} IPv6 frames to {lan} on the router's LAN link");
        }

        var leaked = hostTaps.Sum(t => t.Frames.Count);
        output.WriteLine($"host interfaces ({string.Join(", ", hostTaps.Select(t => t.HostInterface))}): {leaked} frames of {labSubnets}");
        hostTaps.ForEach(t => t.Dispose());
        Assert.Equal(0, leaked);
    }

    [Fact]
    public Task CurlToTheVip6SpreadsOverEveryRealServerWithRepliesBypassingTheDirector() =>
        AssertDirectRoutingOverIpv6Async(
            fixture.Lab,
            Artifacts.For(nameof(DualStackScenarios), nameof(CurlToTheVip6SpreadsOverEveryRealServerWithRepliesBypassingTheDirector)),
            output);

    /// <summary>
    /// LVS-DR over IPv6, seen from outside the director: <c>curl -6</c> to the VIP6 spreads 10/10/10
    /// over the real servers, each sees the client's own address, the director sees every request
    /// and no reply, the replies reach the router from the real servers' MACs, and every request
    /// frame a real server got is one the router sent, with only the MACs rewritten.
    /// </summary>
    internal static async Task AssertDirectRoutingOverIpv6Async(IRunningLab lab, string folder, ITestOutputHelper output)
    {
        var vip6 = lab.Topology.Vip6!;
        var cip6 = lab.Topology.Node("client").Address6On("front")!;
        var servers = lab.Topology.NodesWith(NodeRole.RealServer).Select(n => n.Name).ToList();
        await using var taps = TapSet.Start(lab, folder, ["client", "director:lan", "router:lan", .. servers]);

        var replies = await HttpProbe.GetAsync(lab, "client", $"http://[{vip6}]:{lab.Topology.Port}/", 30);
        await taps.StopAsync();

        // Every request answered, round robin over every real server, each seeing the client's own IPv6 address.
        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(servers.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.Equal(10, c));
        Assert.All(replies, r => Assert.Equal(cip6, r!.Client));

        // The director sees every request and not one reply; the replies reach the router
        // straight from the real servers' MACs, with source VIP6.
        var director = taps.On("director:lan");
        Assert.Contains(director, f => f.IsIp(cip6, vip6) && f.Tcp is not null);
        // (The director's own neighbour advertisements come from the VIP6 too; they are not replies.)
        Assert.DoesNotContain(director, f => f.IsIp(vip6, null) && f.Tcp is not null);
        var realServerMacs = servers.Select(n => lab.Node(n).On("lan").Mac).ToHashSet();
        var repliesAtRouter = taps.On("router:lan").Where(f => f.IsIp(vip6, cip6)).ToList();
        Assert.NotEmpty(repliesAtRouter);
        Assert.All(repliesAtRouter, f => Assert.Contains(f.SourceMac, realServerMacs));
        Assert.Equal(servers.Count, repliesAtRouter.Select(f => f.SourceMac).Distinct().Count());

        // Direct routing over IPv6 rewrites the MACs only: every request frame a real server got
        // is one the router sent to the director, byte for byte after the Ethernet header (hop limit included).
        var directorMac = lab.Node("director").On("lan").Mac;
        var routerMac = lab.Node("router").On("lan").Mac;
        var sent = taps.On("router:lan").Where(f => f.IsIp(cip6, vip6) && f.SourceMac == routerMac).ToList();
        Assert.All(sent, f => Assert.Equal(directorMac, f.DestinationMac));
        var requests = new FrameFilter($"{cip6} → {vip6}", f => f.IsIp(cip6, vip6));
        var matched = 0;
        foreach (var server in servers)
        {
            var dr = new DirectRoutingRewrite(directorMac, lab.Node(server).On("lan").Mac, server);
            matched += PacketAssert.NoOtherPackets(taps.On(server), [.. sent.Select(f => dr.Expect(f.Data))], requests).Matches.Count;
        }

        output.WriteLine($"{matched} IPv6 request frames matched byte for byte after the Ethernet header");
        Assert.True(matched >= 30 * 3, $"only {matched} frames reached the real servers");

        // Only the director answered the router's solicitation for the VIP6.
        var neighbour = (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout;
        output.WriteLine($"router: {neighbour.Trim()}");
        Assert.Contains(directorMac, neighbour, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheIpv6FlowShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt()
    {
        var flow = await LabScenario.TraceOneRequestAsync(fixture, nameof(TheIpv6FlowShowsOnlyTheMacsRewrittenAtTheDirectorAndTheReplyBypassingIt), output, ipv6: true);
        Assert.Equal(fixture.Topology.Vip6, flow.Vip);
        var atDirector = flow.Request.Single(h => h.From == "director");
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac, atDirector.Changed);
        Assert.True(flow.ReplyBypassesDirector);
    }

    [Fact]
    public async Task StatusReportsTheVip6()
    {
        var status = (await fixture.Runtime.ListAsync()).Single(l => l.Name == fixture.Topology.Name);
        Assert.Equal(fixture.Topology.Vip6!.ToString(), status.Vip6);
    }

    [Fact]
    public async Task OnlyTheDirectorAdvertisesTheVip6AndARealServerWithItOnEth0WouldToo()
    {
        var lab = fixture.Lab;
        var vip6 = lab.Topology.Vip6!;
        var directorMac = lab.Node("director").On("lan").Mac;
        var rs1Mac = lab.Node("rs1").On("lan").Mac;
        var folder = Artifacts.For(nameof(DualStackScenarios), nameof(OnlyTheDirectorAdvertisesTheVip6AndARealServerWithItOnEth0WouldToo));

        // The router solicits the VIP6 (a ping makes it): every real server holds the VIP6 on lo,
        // and only the director advertises it.
        Assert.Contains(vip6.ToString(), (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "show", "dev", "lo"])).Stdout, StringComparison.Ordinal);
        var onLo = await AdvertisersOfVip6Async("lo");
        output.WriteLine($"VIP6 on the real servers' lo: advertised by {string.Join(", ", onLo)}");
        Assert.Equal([directorMac], onLo);
        var entry = (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout;
        Assert.Contains(directorMac, entry, StringComparison.Ordinal);

        // The negative control: the same address on rs1's eth0 is advertised by rs1 too (Linux answers
        // a solicitation for an address of the interface it came in on) — the check would see a real
        // server that answered.
        Assert.Equal(0, (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "add", $"{vip6}/128", "dev", "eth0", "nodad"])).ExitCode);
        try
        {
            var onEth0 = await AdvertisersOfVip6Async("eth0");
            output.WriteLine($"VIP6 on rs1's eth0 (the negative control): advertised by {string.Join(", ", onEth0)}");
            Assert.Contains(rs1Mac, onEth0);
        }
        finally
        {
            Assert.Equal(0, (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "del", $"{vip6}/128", "dev", "eth0"])).ExitCode);
            await lab.ExecAsync("router", ["ip", "-6", "neigh", "flush", "to", vip6.ToString()]);
        }

        // The MACs that sent a neighbour advertisement for the VIP6 on the LAN while the router solicited it.
        async Task<IReadOnlyList<string>> AdvertisersOfVip6Async(string where)
        {
            await lab.ExecAsync("router", ["ip", "-6", "neigh", "flush", "to", vip6.ToString()]);
            await using var taps = TapSet.Start(lab, Path.Combine(folder, where), "router:lan");
            await lab.ExecAsync("router", ["ping", "-6", "-c", "1", "-W", "1", vip6.ToString()]);
            await Eventually.TrueAsync(
                async _ => !(await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6.ToString()])).Stdout.Contains("INCOMPLETE", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10),
                $"the router's neighbour entry for {vip6} to resolve or fail");
            await taps.StopAsync();
            return [.. taps.On("router:lan").Where(f => IsAdvertisementOf(f, vip6)).Select(f => f.SourceMac).Distinct().Order(StringComparer.Ordinal)];
        }
    }

    // An ICMPv6 neighbour advertisement (type 136) whose target is the address.
    private static bool IsAdvertisementOf(CapturedFrame frame, IPAddress target) =>
        frame.Data.Length >= 14 + 40 + 24
        && frame.Data[12] == 0x86 && frame.Data[13] == 0xDD
        && frame.Data[14 + 6] == 58
        && frame.Data[14 + 40] == 136
        && new IPAddress(frame.Data.AsSpan(14 + 40 + 8, 16)).Equals(target);

    // An interface that is up (IFF_UP): one that is down carries nothing and cannot be captured.
    private static bool IsUp(string name) =>
        File.Exists($"/sys/class/net/{name}/flags")
        && (Convert.ToInt32(File.ReadAllText($"/sys/class/net/{name}/flags").Trim(), 16) & 1) != 0;
}

/// <summary>A dual-stack DR lab whose director is a mutant: it lowers the hop limit of what it forwards by direct routing, as a router would (LVS-DR makes no hop).</summary>
public sealed class MutantDualStackDrLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-v6mut";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        StockLabs.WithDirectorEnvironment(
            DrLab.Create(name, slot, new DrLabOptions { Ipv6 = true }),
            new Dictionary<string, string> { ["LVS_FAULT"] = "ttl" });
}

/// <summary>The negative control of the IPv6 DR check: against a mutant director it fails.</summary>
public sealed class DualStackNegativeControlScenarios(MutantDualStackDrLabFixture fixture, ITestOutputHelper output) : IClassFixture<MutantDualStackDrLabFixture>
{
    [Fact]
    public async Task TheIpv6DirectRoutingCheckCatchesADirectorThatRewritesMoreThanTheMacs()
    {
        var folder = Artifacts.For(nameof(DualStackNegativeControlScenarios), nameof(TheIpv6DirectRoutingCheckCatchesADirectorThatRewritesMoreThanTheMacs));
        var caught = await Assert.ThrowsAnyAsync<Exception>(() => DualStackScenarios.AssertDirectRoutingOverIpv6Async(fixture.Lab, folder, output));
        output.WriteLine($"caught: {caught.Message}");

        // The mutant still spreads the connections and serves every request: only the frame check can tell.
        Assert.Contains("DR frame to", caught.Message, StringComparison.Ordinal);
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://[{fixture.Topology.Vip6}]:{fixture.Topology.Port}/", 3);
        Assert.All(replies, r => Assert.NotNull(r));
    }
}
