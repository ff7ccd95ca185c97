using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Packets;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The stock NAT lab with IPv6 beside IPv4 (<c>lvslab up nat --ipv6</c>).</summary>
public sealed class DualStackNatLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-v6nat";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        NatLab.Create(name, slot, new NatLabOptions { Ipv6 = true });
}

/// <summary>
/// LVS-NAT over IPv6 with real packets: <c>curl -6</c> to the VIP6 spreads over every real
/// server; on the way in the director rewrites the destination to RIP6:RPORT and lowers the hop
/// limit by one, on the way back the source to VIP6:VPORT; every rewritten segment's TCP checksum
/// verifies over the IPv6 pseudo-header, and no real server's address reaches the client.
/// </summary>
public sealed class DualStackNatScenarios(DualStackNatLabFixture fixture, ITestOutputHelper output) : IClassFixture<DualStackNatLabFixture>
{
    [Fact]
    public Task CurlToTheVip6SpreadsOverEveryRealServerThroughTheDirectorBothWays() =>
        AssertNatOverIpv6Async(
            fixture.Lab,
            Artifacts.For(nameof(DualStackNatScenarios), nameof(CurlToTheVip6SpreadsOverEveryRealServerThroughTheDirectorBothWays)),
            output);

    /// <summary>
    /// LVS-NAT over IPv6, seen from outside the director: the spread, the client's own address at
    /// the real servers, the destination RIP6:8080 with the hop limit one lower and a valid
    /// checksum on the back network, the source VIP6:80 with a valid checksum on the front, and no
    /// real server's address on the front.
    /// </summary>
    internal static async Task AssertNatOverIpv6Async(IRunningLab lab, string folder, ITestOutputHelper output)
    {
        var vip6 = lab.Topology.Vip6!;
        var cip6 = lab.Topology.Node("client").Address6On("front")!;
        var servers = lab.Topology.NodesWith(NodeRole.RealServer).ToList();
        var rips = servers.Select(s => s.Address6On("back")!).ToHashSet();
        await using var taps = TapSet.Start(lab, folder, "client", "director:front", "director:back");

        var replies = await HttpProbe.GetAsync(lab, "client", $"http://[{vip6}]:{lab.Topology.Port}/", 30);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var counts = replies.GroupBy(r => r!.Server).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(servers.Select(s => s.Name).Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.Equal(10, c));

        // NAT keeps the client's address: each real server saw the client's own IPv6 address.
        Assert.All(replies, r => Assert.Equal(cip6, r!.Client));

        var front = taps.On("director:front");
        var back = taps.On("director:back");
        var inFront = front.Where(f => f.IsIp(cip6, vip6) && f.Tcp is not null).ToList();
        var outFront = front.Where(f => f.IsIp(vip6, cip6) && f.Tcp is not null).ToList();
        var inBack = back.Where(f => f.AnyIp is { } ip && ip.SourceAddress.Equals(cip6) && rips.Contains(ip.DestinationAddress) && f.Tcp is not null).ToList();
        var outBack = back.Where(f => f.AnyIp is { } ip && rips.Contains(ip.SourceAddress) && ip.DestinationAddress.Equals(cip6) && f.Tcp is not null).ToList();
        output.WriteLine($"front in {inFront.Count} out {outFront.Count}; back in {inBack.Count} out {outBack.Count}");
        Assert.NotEmpty(inBack);
        Assert.NotEmpty(outFront);

        // Into the back network: to RIP6:8080 (the NAT port), hop limit one lower than the client sent, checksum right.
        var sentHopLimit = inFront.Select(HopLimit).Distinct().Single();
        Assert.All(inBack, f => Assert.Equal(sentHopLimit - 1, HopLimit(f)));
        Assert.All(inBack, f => Assert.True(TcpChecksumVerifies(f), $"bad checksum: {f}"));
        Assert.All(inBack, f => Assert.Equal(8080, f.Tcp!.DestinationPort));

        // Back to the client: from VIP6:80, checksum right; not one frame on the front carries a real server's address.
        Assert.All(outFront, f => Assert.Equal(lab.Topology.Port, f.Tcp!.SourcePort));
        Assert.All(outFront, f => Assert.True(TcpChecksumVerifies(f), $"bad checksum: {f}"));
        Assert.DoesNotContain(front, f => f.AnyIp is { } ip && (rips.Contains(ip.SourceAddress) || rips.Contains(ip.DestinationAddress)));
        Assert.DoesNotContain(taps.On("client"), f => f.AnyIp is { } ip && rips.Contains(ip.SourceAddress));
    }

    [Fact]
    public async Task UdpToTheVip6IsAnsweredByTheRealServersThroughTheDirector()
    {
        var lab = fixture.Lab;
        var cip6 = lab.Topology.Node("client").Address6On("front")!;

        // The IPv6 twin of the stock UDP service (VIP6:53 → RIP6:5353 by NAT), one datagram at a time.
        var replies = await HttpProbe.UdpAsync(lab, "client", lab.Topology.Vip6!.ToString(), 53, 6);
        output.WriteLine(string.Join(", ", replies.Select(r => r is null ? "-" : $"{r.Server} saw {r.Client}")));
        Assert.All(replies, r => Assert.NotNull(r));
        Assert.All(replies, r => Assert.Equal(cip6, r!.Client));
        Assert.Equal(lab.Topology.NodesWith(NodeRole.RealServer).Count, replies.Select(r => r!.Server).Distinct().Count());
    }

    private static int HopLimit(CapturedFrame frame) => frame.Data[14 + 7];

    // The TCP checksum over the IPv6 pseudo-header (the frames carry no extension headers).
    private static bool TcpChecksumVerifies(CapturedFrame frame)
    {
        var ip = new Ipv6Packet(frame.Data.AsSpan(14));
        var payload = frame.Data.AsSpan(14 + Ipv6Packet.HeaderLength, ip.PayloadLength);
        return Checksum.Finish(Checksum.Add(payload, Checksum.PseudoHeaderSum(ip.Source, ip.Destination, ip.NextHeader, payload.Length))) == 0;
    }
}
