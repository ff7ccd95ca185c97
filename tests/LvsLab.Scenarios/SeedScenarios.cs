using System.Net;
using System.Runtime.CompilerServices;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Scenarios;

/// <summary>
/// The seed document's ideas before load balancing, each shown with real packets: ARP (1), an
/// alias address on another subnet (2), what each hop rewrites (3) and S-NAT (5).
/// </summary>
public sealed class SeedScenarios(SeedLabFixture fixture, ITestOutputHelper output) : IClassFixture<SeedLabFixture>
{
    private static readonly IPAddress Node11 = IPAddress.Parse("192.168.10.71");
    private static readonly IPAddress Node12 = IPAddress.Parse("192.168.10.72");
    private static readonly IPAddress Moving = IPAddress.Parse("192.168.10.100");

    private IRunningLab Lab => fixture.Lab;

    [Fact]
    public async Task ArpRequestIsBroadcastOneReplyComesBackAndBothCachesFill()
    {
        await Run("node11", "ip neigh flush all");
        await Run("node12", "ip neigh flush all");
        Assert.Equal(string.Empty, await NeighbourMacAsync("node12", Node11));
        await using var taps = StartTaps(["node12"]);

        await Run("node12", $"ping -c 1 -W 2 {Node11}");
        await taps.StopAsync();

        var frames = taps.On("node12");
        var node11Mac = Lab.Node("node11").On("lan10").Mac;
        var node12Mac = Lab.Node("node12").On("lan10").Mac;
        var requests = frames.Where(f => f.IsArpRequestFor(Node11)).ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, f => Assert.Equal("ff:ff:ff:ff:ff:ff", f.DestinationMac));
        var reply = Assert.Single(frames, f => f.IsArpReplyFor(Node11));
        Assert.Equal(node11Mac, reply.SourceMac);
        Assert.Equal(node12Mac, reply.DestinationMac);
        // The asker caches the answer; the owner recorded the asker.
        Assert.Equal(node11Mac, await NeighbourMacAsync("node12", Node11));
        Assert.Equal(node12Mac, await NeighbourMacAsync("node11", Node12));
    }

    [Fact]
    public async Task GratuitousArpMovesAnAddressToItsNewMacInAPeersCache()
    {
        var node11Mac = Lab.Node("node11").On("lan10").Mac;
        var node12Mac = Lab.Node("node12").On("lan10").Mac;
        await Run("node11", $"ip addr add {Moving}/24 dev eth0");
        try
        {
            await Run("router", $"ping -c 1 -W 2 {Moving}");
            Assert.Equal(node11Mac, await NeighbourMacAsync("router", Moving));

            // The address moves to node12. Without an announcement the router's cache is stale.
            await Run("node11", $"ip addr del {Moving}/24 dev eth0");
            await Run("node12", $"ip addr add {Moving}/24 dev eth0");
            Assert.Equal(node11Mac, await NeighbourMacAsync("router", Moving));

            await using var taps = StartTaps(["router:lan10"]);
            await Eventually.TrueAsync(
                async ct =>
                {
                    // node12 announces "Moving is at my MAC"; the router updates its existing entry.
                    await Lab.ExecAsync("node12", ["arping", "-U", "-c", "1", "-I", "eth0", Moving.ToString()], ct);
                    return await NeighbourMacAsync("router", Moving) == node12Mac;
                },
                TimeSpan.FromSeconds(10),
                "the router's cache to follow the gratuitous ARP");
            await taps.StopAsync();

            var announcements = taps.On("router:lan10").Where(f => f.Arp is { } arp && arp.SenderProtocolAddress.Equals(Moving) && arp.TargetProtocolAddress.Equals(Moving)).ToList();
            Assert.NotEmpty(announcements);
            Assert.All(announcements, a => Assert.Equal((node12Mac, "ff:ff:ff:ff:ff:ff"), (a.SourceMac, a.DestinationMac)));
        }
        finally
        {
            await Lab.ExecAsync("node11", ["ip", "addr", "del", $"{Moving}/24", "dev", "eth0"]);
            await Lab.ExecAsync("node12", ["ip", "addr", "del", $"{Moving}/24", "dev", "eth0"]);
        }
    }

    [Fact]
    public async Task AliasOnAnotherSubnetIsReachedOnlyOnceANeighbourHasARoute()
    {
        var alias = SeedLab.Alias;
        await Run("node11", $"ip addr add {alias}/24 dev eth0");
        try
        {
            await using (var before = StartTaps(["node12"], "AliasWithoutRoute"))
            {
                var failed = await Lab.ExecAsync("node12", ["ping", "-c", "1", "-W", "1", alias.ToString()]);
                await before.StopAsync();

                Assert.NotEqual(0, failed.ExitCode);
                // The seed's point: without a route the ping goes to the gateway, not to node11.
                var echo = Assert.Single(before.On("node12"), f => f.IsIp(Node12, alias) && f.Ethernet.Extract<IcmpV4Packet>() is not null);
                Assert.Equal(Lab.Node("router").On("lan10").Mac, echo.DestinationMac);
            }

            await Run("node12", "ip route add 192.168.88.0/24 dev eth0");
            await using var after = StartTaps(["node12"], "AliasWithRoute");
            await Run("node12", $"ping -c 1 -W 2 {alias}");
            await after.StopAsync();

            var node11Mac = Lab.Node("node11").On("lan10").Mac;
            Assert.Contains(after.On("node12"), f => f.IsArpReplyFor(alias) && f.SourceMac == node11Mac);
            Assert.Contains(after.On("node12"), f => f.IsIp(Node12, alias) && f.DestinationMac == node11Mac);
        }
        finally
        {
            await Lab.ExecAsync("node12", ["ip", "route", "del", "192.168.88.0/24", "dev", "eth0"]);
            await Lab.ExecAsync("node11", ["ip", "addr", "del", $"{alias}/24", "dev", "eth0"]);
        }
    }

    [Fact]
    public async Task EachHopRewritesBothMacsWhileBothIpsStayTheSame()
    {
        var pc = IPAddress.Parse("192.168.1.4");
        var server = IPAddress.Parse("192.168.3.4");
        await using var taps = StartTaps(["router:home", "router:net3"]);

        var reply = Assert.Single(await HttpProbe.GetAsync(Lab, "pc", $"http://{server}/", 1));
        await taps.StopAsync();

        Assert.Equal(pc, reply!.Client);
        var pcMac = Lab.Node("pc").On("home").Mac;
        var serverMac = Lab.Node("server3").On("net3").Mac;
        var routerHome = Lab.Node("router").On("home").Mac;
        var routerNet3 = Lab.Node("router").On("net3").Mac;
        var first = taps.On("router:home").Where(f => f.IsIp(pc, server) && f.Tcp is not null).ToList();
        var second = taps.On("router:net3").Where(f => f.IsIp(pc, server) && f.Tcp is not null).ToList();
        Assert.NotEmpty(first);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal((pcMac, routerHome), (first[i].SourceMac, first[i].DestinationMac));
            Assert.Equal((routerNet3, serverMac), (second[i].SourceMac, second[i].DestinationMac));
            Assert.Equal(first[i].Ip!.SourceAddress, second[i].Ip!.SourceAddress);
            Assert.Equal(first[i].Ip!.DestinationAddress, second[i].Ip!.DestinationAddress);
            Assert.Equal(first[i].Ip!.TimeToLive - 1, second[i].Ip!.TimeToLive);
            Assert.Equal(first[i].Tcp!.SequenceNumber, second[i].Tcp!.SequenceNumber);
        }

        output.WriteLine($"{first.Count} packets: {pcMac}>{routerHome} then {routerNet3}>{serverMac}, {pc}>{server}, TTL {first[0].Ip!.TimeToLive}→{second[0].Ip!.TimeToLive}");
    }

    [Fact]
    public async Task SnatGivesTwoClientsWithTheSamePortOneAddressAndTwoPorts()
    {
        var web = "http://192.168.66.10/";
        await using var taps = StartTaps(["router:home", "router:wan"]);

        var answers = await Task.WhenAll(
            Lab.ExecAsync("host1", ["curl", "-s", "--max-time", "5", "--local-port", "12121", web]),
            Lab.ExecAsync("host2", ["curl", "-s", "--max-time", "5", "--local-port", "12121", web]));
        await taps.StopAsync();

        var seen = answers.Select(a => ServerReply.TryParse(a.Stdout)).ToList();
        output.WriteLine(string.Join('\n', answers.Select(a => a.Stdout.Trim())));
        Assert.All(seen, s => Assert.Equal(SeedLab.PublicStandIn, s!.Client));
        Assert.NotEqual(seen[0]!.ClientPort, seen[1]!.ClientPort);

        // On the outside only the router's address shows, with one port per client…
        var outside = taps.On("router:wan").Where(f => f.Tcp is { Synchronize: true, Acknowledgment: false } && f.IsIp(null, IPAddress.Parse("192.168.66.10"))).ToList();
        Assert.Equal(2, outside.Count);
        Assert.All(outside, f => Assert.Equal(SeedLab.PublicStandIn, f.Ip!.SourceAddress));
        Assert.Equal(seen.Select(s => (ushort)s!.ClientPort).Order(), outside.Select(f => f.Tcp!.SourcePort).Order());

        // …and each reply is mapped back to the client that asked, at its own port 12121.
        foreach (var host in new[] { "host1", "host2" })
        {
            var address = Lab.Node(host).On("home");
            var replies = taps.On("router:home").Where(f => f.IsIp(null, address.Address) && f.Tcp is not null).ToList();
            Assert.NotEmpty(replies);
            Assert.All(replies, f => Assert.Equal((ushort)12121, f.Tcp!.DestinationPort));
            Assert.All(replies, f => Assert.Equal(address.Mac, f.DestinationMac));
        }
    }

    [Fact]
    public async Task WithoutSnatTheOutsideServerCannotAnswer()
    {
        await Run("router", "nft flush table ip seednat");
        try
        {
            var answer = await Lab.ExecAsync("host1", ["curl", "-s", "--max-time", "2", "http://192.168.66.10/"]);

            // The server sees 192.168.1.8 and has no route back to it: the request times out.
            Assert.NotEqual(0, answer.ExitCode);
        }
        finally
        {
            await Run("router", $"nft add rule ip seednat postrouting oifname {fixture.Topology.Node("router").InterfaceOn("wan")} masquerade");
        }

        var restored = await HttpProbe.GetAsync(Lab, "host1", "http://192.168.66.10/", 1);
        Assert.Equal(SeedLab.PublicStandIn, restored[0]!.Client);
    }

    private async Task Run(string node, string command) =>
        (await Lab.ExecAsync(node, ["sh", "-c", command])).EnsureSuccess($"{node}: {command}");

    private async Task<string> NeighbourMacAsync(string node, IPAddress address)
    {
        var neigh = await Lab.ExecAsync(node, ["ip", "neigh", "show", "to", address.ToString()]);
        var words = neigh.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "lladdr");
        return at >= 0 ? words[at + 1] : string.Empty;
    }

    private TapSet StartTaps(string[] links, [CallerMemberName] string scenario = "") =>
        LabScenario.StartTaps(fixture, links, scenario);
}
