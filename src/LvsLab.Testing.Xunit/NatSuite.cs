using System.Net;
using System.Text.Json;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// LVS-NAT with real packets (seed idea 6): the director rewrites the destination VIP:80 →
/// RIP:8080 on the way in and the source RIP:8080 → VIP:80 on the way out; the client only
/// ever sees the VIP, the real servers see the true client address.
/// </summary>
/// <remarks>
/// Forwarder-agnostic: only packets captured outside the forwarder and the client's own view.
/// Derive a class from it with a <see cref="NatLabFixture"/> as its class or collection Fixture.
/// </remarks>
public abstract class NatSuite(LabFixture fixture, ITestOutputHelper output) : LabSuite(fixture, output)
{
    [SkippableFact]
    public async Task CurlToVipReachesEveryServerOn8080AndTheClientOnlyEverSeesTheVip()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["client"]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        // Each real server answered twice (rr) and saw the true client address.
        Assert.All(replies.GroupBy(r => r!.Server), g => Assert.Equal(2, g.Count()));
        Assert.Equal(RealServers.Count, replies.Select(r => r!.Server).Distinct().Count());
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        var ipFrames = taps.On("client").Where(f => f.Ip is not null).ToList();
        Assert.NotEmpty(ipFrames);
        Assert.All(ipFrames, f => Assert.True(f.IsIp(Cip, Vip) || f.IsIp(Vip, Cip), $"the client saw {f}"));
        Assert.DoesNotContain(ipFrames, f => f.Tcp is { } t && (t.SourcePort == NatLab.RealTcpPort || t.DestinationPort == NatLab.RealTcpPort));
    }

    [SkippableFact]
    public async Task DirectorRewritesDestinationInAndSourceOutWithValidChecksums()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["director:front", "director:back"]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));

        // The director's own connections (its health checks of the real servers, from its own
        // address) are not traffic it forwards: everything else on its links is accounted for.
        var director = Fixture.Lab.Node("director");
        var own = director.Interfaces.Select(i => i.Address).ToHashSet();
        bool Forwarded(CapturedFrame f) => f.Tcp is not null && !own.Contains(f.Ip!.SourceAddress) && !own.Contains(f.Ip.DestinationAddress);
        var front = taps.On("director:front").Where(Forwarded).ToList();
        var back = taps.On("director:back").Where(Forwarded).ToList();
        var rips = RealServers.Select(n => n.AddressOn("back")).ToHashSet();

        var frontMac = director.On("front").Mac;
        var backMac = director.On("back").Mac;
        var inFront = front.Where(f => f.IsIp(Cip, Vip) && f.DestinationMac == frontMac).ToList();
        var outFront = front.Where(f => f.IsIp(Vip, Cip)).ToList();
        var inBack = back.Where(f => f.IsIp(Cip, null) && rips.Contains(f.Ip!.DestinationAddress)).ToList();
        var outBack = back.Where(f => rips.Contains(f.Ip!.SourceAddress) && f.Ip.DestinationAddress.Equals(Cip) && f.DestinationMac == backMac).ToList();
        Output.WriteLine($"front in {inFront.Count} out {outFront.Count}; back in {inBack.Count} out {outBack.Count}");
        Assert.NotEmpty(inFront);
        Assert.NotEmpty(outBack);
        // Every request that left towards a real server is one that came in, rewritten as NAT
        // rewrites it (VIP:80 → RIP:8080, TTL − 1, checksums recomputed, all else unchanged)…
        var requestModels = RealServers.Select(n => new NatRequestRewrite(new IPEndPoint(n.AddressOn("back"), NatLab.RealTcpPort), backMac, Fixture.Lab.Node(n.Name).On("back").Mac, n.Name)).ToList();
        PacketAssert.NoOtherPackets(back, [.. inFront.SelectMany(f => requestModels.Select(m => m.Expect(f.Data)))], new FrameFilter($"{Cip} → a real server, from the director", f => f.SourceMac == backMac && f.IsIp(Cip, null)));
        // …and every reply that left towards the client is one a real server sent, rewritten back.
        var replyModel = new NatReplyRewrite(new IPEndPoint(Vip, Fixture.Topology.Port), frontMac, Fixture.Lab.Node("client").On("front").Mac, "client");
        PacketAssert.NoOtherPackets(front, [.. outBack.Select(f => replyModel.Expect(f.Data))], new FrameFilter($"replies → {Cip}, from the director", f => f.SourceMac == frontMac && f.IsIp(null, Cip)));
        // Nothing else crosses the director's links, and nothing leaves it that did not come in.
        Assert.InRange(inBack.Count, 1, inFront.Count);
        Assert.InRange(outFront.Count, 1, outBack.Count);
        Assert.Equal(front.Count + back.Count, inFront.Count + outFront.Count + inBack.Count + outBack.Count);
        AssertChecksumsValid(front.Concat(back));
    }

    [SkippableFact]
    public async Task UdpServiceWorksThroughNatAndSeesTheClient()
    {
        Fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["client", "director:back"]);

        var replies = await HttpProbe.UdpAsync(Fixture.Lab, "client", Vip.ToString(), NatLab.UdpPort, 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Equal(RealServers.Count, replies.Select(r => r!.Server).Distinct().Count());
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        var udp = taps.On("client").Where(f => f.Ethernet.Extract<UdpPacket>() is not null).ToList();
        Assert.All(udp, f => Assert.Contains(Vip, new[] { f.Ip!.SourceAddress, f.Ip.DestinationAddress }));
        Assert.Contains(taps.On("director:back"), f => f.Ethernet.Extract<UdpPacket>() is { DestinationPort: NatLab.RealUdpPort });
        AssertChecksumsValid(taps.On("client").Concat(taps.On("director:back")));
    }

    [SkippableTheory]
    [InlineData("spread")]
    [InlineData("true-client")]
    [InlineData("arp-vip")]
    [InlineData("only-vip")]
    public async Task EveryNatCheckPasses(string check)
    {
        Fixture.SkipIfUnavailable();
        Assert.True((await LabScenario.RunCheckAsync(Fixture, check, Output)).Passed);
    }

    [SkippableFact]
    public async Task TheNatPictureShowsTheDestinationRewrittenInAndTheSourceRewrittenOut()
    {
        Fixture.SkipIfUnavailable();
        var flow = await LabScenario.TraceOneRequestAsync(Fixture, nameof(TheNatPictureShowsTheDestinationRewrittenInAndTheSourceRewrittenOut), Output);
        var inbound = flow.Request.Single(h => h.From == "director");
        Assert.Equal(
            FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.DestinationAddress | FlowFields.DestinationPort | FlowFields.TimeToLive,
            inbound.Changed);
        var outbound = flow.Reply.Single(h => h.From == "director");
        Assert.Equal(
            FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.SourceAddress | FlowFields.SourcePort | FlowFields.TimeToLive,
            outbound.Changed);
        Assert.False(flow.ReplyBypassesDirector);
    }

    /// <summary>Asserts that every IP, TCP and UDP checksum in <paramref name="frames"/> is valid (a UDP checksum of 0 means none).</summary>
    /// <param name="frames">Captured frames.</param>
    public static void AssertChecksumsValid(IEnumerable<CapturedFrame> frames)
    {
        foreach (var frame in frames.Where(f => f.Ip is not null))
        {
            Assert.True(frame.Ip!.ValidChecksum, $"IP checksum: {frame}");
            if (frame.Tcp is { } tcp)
            {
                Assert.True(tcp.ValidTcpChecksum, $"TCP checksum: {frame}");
            }

            if (frame.Ethernet.Extract<UdpPacket>() is { } udp && udp.Checksum != 0)
            {
                Assert.True(udp.ValidUdpChecksum, $"UDP checksum: {frame}");
            }
        }
    }

    /// <summary>A drop counter of lvs-director's counters.</summary>
    /// <param name="stats">Counters read with <see cref="DirectorStats.ReadAsync"/>.</param>
    /// <param name="reason">The drop reason.</param>
    /// <returns>The count.</returns>
    protected static long Drops(JsonElement stats, string reason) => DirectorStats.Drops(stats, reason);
}
