using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The stock TUN lab with IPv6 beside IPv4 (<c>lvslab up tun --ipv6</c>).</summary>
public sealed class DualStackTunLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-v6tun";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        TunLab.Create(name, slot, new TunLabOptions { Ipv6 = true });
}

/// <summary>
/// LVS-TUN over IPv6 with real packets: <c>curl -6</c> to the VIP6 spreads over every real
/// server, those behind the router included; the director wraps the client's IPv6 packet byte
/// for byte in an outer IPv6 header (next header 41) from its own address to the real server's,
/// the real servers unwrap it (<c>lvs-decap</c>: this kernel has no ip6_tunnel) and answer the
/// client from the VIP6 directly, never through the director.
/// </summary>
public sealed class DualStackTunScenarios(DualStackTunLabFixture fixture, ITestOutputHelper output) : IClassFixture<DualStackTunLabFixture>
{
    [Fact]
    public async Task CurlToTheVip6ReachesEveryRealServerThroughAnIpv6TunnelAndTheRepliesBypassTheDirector()
    {
        var lab = fixture.Lab;
        var vip6 = lab.Topology.Vip6!;
        var cip6 = lab.Topology.Node("client").Address6On("front")!;
        var dip6 = lab.Topology.Node("director").Address6On("lan")!;
        var servers = lab.Topology.NodesWith(NodeRole.RealServer).ToList();
        var rips = servers.Select(s => s.Interfaces[0].Address6!).ToHashSet();
        var folder = Artifacts.For(nameof(DualStackTunScenarios), nameof(CurlToTheVip6ReachesEveryRealServerThroughAnIpv6TunnelAndTheRepliesBypassTheDirector));
        await using var taps = TapSet.Start(lab, folder, "client", "director:lan");

        var replies = await HttpProbe.GetAsync(lab, "client", $"http://[{vip6}]:{lab.Topology.Port}/", 30);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(servers.Select(s => s.Name).Order(), counts.Keys.Order());
        Assert.All(replies, r => Assert.Equal(cip6, r!.Client));

        // What the director sent: each client packet whole behind an outer IPv6 header, next header 41, DIP6 → a RIP6.
        var director = taps.On("director:lan");
        var received = director.Where(f => f.IsIp(cip6, vip6) && f.Tcp is not null).Select(f => f.Data.AsSpan(14).ToArray()).ToList();
        var wrapped = director.Where(f => f.Data.Length > 14 + 80 && f.Data[12] == 0x86 && f.Data[13] == 0xDD && f.Data[14 + 6] == 41).ToList();
        output.WriteLine($"director: {received.Count} client packets in, {wrapped.Count} wrapped out");
        Assert.NotEmpty(wrapped);
        foreach (var frame in wrapped)
        {
            Assert.Equal(dip6, new IPAddress(frame.Data.AsSpan(14 + 8, 16)));
            Assert.Contains(new IPAddress(frame.Data.AsSpan(14 + 24, 16)), rips);
            var inner = frame.Data.AsSpan(14 + 40).ToArray();
            Assert.Contains(received, r => r.AsSpan().SequenceEqual(inner.AsSpan(0, Math.Min(inner.Length, r.Length))) && inner.Length >= r.Length);
        }

        // Not one reply passes the director.
        Assert.DoesNotContain(director, f => f.IsIp(vip6, cip6) && f.Tcp is not null);

        // The real servers unwrapped the IPv6 tunnels in user space (the kernel here has no ip6_tunnel)
        // and dropped nothing: every wrapped packet the director sent was delivered by one of them.
        long delivered = 0;
        foreach (var rs in servers)
        {
            var log = (await lab.ExecAsync(rs.Name, ["cat", "/run/lvs-decap.log"])).Stdout;
            Assert.Contains("next header 41 over IPv6", log, StringComparison.Ordinal);
            using var stats = System.Text.Json.JsonDocument.Parse((await lab.ExecAsync(rs.Name, ["cat", "/run/lvs-decap.json"])).Stdout);
            var root = stats.RootElement;
            output.WriteLine($"{rs.Name}: received {root.GetProperty("received")}, delivered {root.GetProperty("delivered")}, dropped {root.GetProperty("dropped").GetProperty("total")}");
            Assert.Equal(0, root.GetProperty("dropped").GetProperty("total").GetInt64());
            delivered += root.GetProperty("delivered").GetInt64();
        }

        Assert.True(delivered >= wrapped.Count, $"the real servers delivered {delivered} of the {wrapped.Count} wrapped packets");
    }
}
