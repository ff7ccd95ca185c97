using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Scenarios;

/// <summary>
/// LVS-NAT with real packets (seed idea 6): the director rewrites the destination VIP:80 →
/// RIP:8080 on the way in and the source RIP:8080 → VIP:80 on the way out; the client only
/// ever sees the VIP, the real servers see the true client address.
/// </summary>
public abstract class NatSuite(LabFixture fixture, ITestOutputHelper output)
{
    /// <summary>The lab.</summary>
    protected LabFixture Fixture => fixture;

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    protected IPAddress Vip => fixture.Topology.Vip;

    protected IPAddress Cip => fixture.Topology.Node("client").AddressOn("front");

    protected IReadOnlyList<LabNode> RealServers => fixture.Topology.NodesWith(NodeRole.RealServer);

    [SkippableFact]
    public async Task CurlToVipReachesEveryServerOn8080AndTheClientOnlyEverSeesTheVip()
    {
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["client"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 6);
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
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["director:front", "director:back"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var front = taps.On("director:front").Where(f => f.Tcp is not null).ToList();
        var back = taps.On("director:back").Where(f => f.Tcp is not null).ToList();
        var rips = RealServers.Select(n => n.AddressOn("back")).ToHashSet();

        var inFront = front.Where(f => f.IsIp(Cip, Vip)).ToList();
        var outFront = front.Where(f => f.IsIp(Vip, Cip)).ToList();
        var inBack = back.Where(f => f.IsIp(Cip, null) && rips.Contains(f.Ip!.DestinationAddress)).ToList();
        var outBack = back.Where(f => rips.Contains(f.Ip!.SourceAddress) && f.Ip.DestinationAddress.Equals(Cip)).ToList();
        Assert.All(inFront, f => Assert.Equal(80, f.Tcp!.DestinationPort));
        Assert.All(outFront, f => Assert.Equal(80, f.Tcp!.SourcePort));
        Assert.All(inBack, f => Assert.Equal(NatLab.RealTcpPort, f.Tcp!.DestinationPort));
        Assert.All(outBack, f => Assert.Equal(NatLab.RealTcpPort, f.Tcp!.SourcePort));
        // Nothing else crosses the director's links, and nothing leaves it that did not come in.
        output.WriteLine($"front in {inFront.Count} out {outFront.Count}; back in {inBack.Count} out {outBack.Count}");
        Assert.NotEmpty(inFront);
        Assert.InRange(inBack.Count, 1, inFront.Count);
        Assert.InRange(outFront.Count, 1, outBack.Count);
        Assert.Equal(front.Count + back.Count, inFront.Count + outFront.Count + inBack.Count + outBack.Count);
        // TTL goes down by one through the director, as through any router.
        Assert.Equal(inFront[0].Ip!.TimeToLive - 1, inBack[0].Ip!.TimeToLive);
        AssertChecksumsValid(front.Concat(back));
    }

    [SkippableFact]
    public async Task UdpServiceWorksThroughNatAndSeesTheClient()
    {
        fixture.SkipIfUnavailable();
        await using var taps = StartTaps(["client", "director:back"]);

        var replies = await HttpProbe.UdpAsync(fixture.Lab, "client", Vip.ToString(), NatLab.UdpPort, 3);
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
        fixture.SkipIfUnavailable();
        Assert.True((await LabCheckScenarios.RunAsync(fixture, check, output)).Passed);
    }

    [SkippableFact]
    public async Task TheNatPictureShowsTheDestinationRewrittenInAndTheSourceRewrittenOut()
    {
        fixture.SkipIfUnavailable();
        var flow = await FlowEvidence.TraceOneRequestAsync(fixture, nameof(TheNatPictureShowsTheDestinationRewrittenInAndTheSourceRewrittenOut), output);
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

    internal static void AssertChecksumsValid(IEnumerable<CapturedFrame> frames)
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

    internal static PhysicalAddress Mac(string text) => PhysicalAddress.Parse(text.Replace(':', '-').ToUpperInvariant());

    protected static long Drops(JsonElement stats, string reason) => DirectorStats.Drops(stats, reason);

    protected TapSet StartTaps(string[] links, [CallerMemberName] string scenario = "") => DrScenarios.StartTaps(fixture, links, scenario);
}

/// <summary>The NAT suite against the lab's own forwarder (the C# director, or <c>LVSLAB_FORWARDER</c>), and the C# director's own counters.</summary>
public sealed class NatScenarios : NatSuite, IClassFixture<NatLabFixture>
{
    public NatScenarios(NatLabFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [SkippableFact]
    public async Task TheDirectorForwardsEveryPacketOnceEachWay()
    {
        Fixture.SkipUnlessLvsDirector();
        await using var taps = StartTaps(["director:front", "director:back"]);
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var front = taps.On("director:front").Where(f => f.Tcp is not null).ToList();
        var back = taps.On("director:back").Where(f => f.Tcp is not null).ToList();
        Assert.Equal(front.Count(f => f.IsIp(Cip, Vip)), back.Count(f => f.IsIp(Cip, null)));
        Assert.Equal(back.Count(f => f.IsIp(null, Cip)), front.Count(f => f.IsIp(Vip, Cip)));
    }

    [SkippableFact]
    public async Task ReplyWithoutAConnectionIsDroppedAndCountedNeverLeaked()
    {
        Fixture.SkipUnlessLvsDirector();
        var back = Fixture.Lab.Node("director").On("back");
        var rs1 = Fixture.Lab.Node("rs1").On("back");
        await using var taps = StartTaps(["director:front"]);
        var before = await DirectorStats.ReadAsync(Fixture.Lab);

        var tcp = new TcpPacket(NatLab.RealTcpPort, 45678) { Synchronize = true, Acknowledgment = true, SequenceNumber = 7, AcknowledgmentNumber = 8, WindowSize = 1000 };
        var ip = new IPv4Packet(rs1.Address, Cip) { TimeToLive = 64, PayloadPacket = tcp };
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        var frame = new EthernetPacket(Mac(rs1.Mac), Mac(back.Mac), EthernetType.IPv4) { PayloadPacket = ip };
        FrameInjector.Send(back.HostInterface, [frame.Bytes]);
        await Eventually.TrueAsync(
            async _ => Drops(await DirectorStats.ReadAsync(Fixture.Lab), "orphanReply") > Drops(before, "orphanReply"),
            TimeSpan.FromSeconds(10),
            "the director to count the orphan reply");
        await taps.StopAsync();

        Assert.DoesNotContain(taps.On("director:front"), f => f.Tcp is { DestinationPort: 45678 });
    }

    [SkippableFact]
    public async Task DirectorCountsBothDirections()
    {
        Fixture.SkipUnlessLvsDirector();
        var before = await DirectorStats.ReadAsync(Fixture.Lab);
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 3);
        var after = await DirectorStats.ReadAsync(Fixture.Lab);

        Assert.All(replies, r => Assert.NotNull(r));
        Output.WriteLine(after.ToString());
        Assert.True(after.GetProperty("forwardedPackets").GetInt64() > before.GetProperty("forwardedPackets").GetInt64());
        Assert.True(after.GetProperty("replyPackets").GetInt64() > before.GetProperty("replyPackets").GetInt64());
    }
}

/// <summary>A NAT lab whose director runs the nftables forwarder (dnat over a map of the real servers).</summary>
public sealed class NftablesNatLabFixture() : StockLabFixture("nat", LabForwarders.Nftables, "t-nftnat");

/// <summary>The same NAT suite, unchanged, against the kernel through nftables.</summary>
public sealed class NftablesNatScenarios(NftablesNatLabFixture fixture, ITestOutputHelper output) : NatSuite(fixture, output), IClassFixture<NftablesNatLabFixture>;

/// <summary>A NAT lab whose director runs kernel IPVS, where the kernel has ip_vs.</summary>
public sealed class IpvsNatLabFixture() : StockLabFixture("nat", LabForwarders.Ipvs, "t-ipvsnat");

/// <summary>The same NAT suite against kernel IPVS; skipped, saying why, on kernels without ip_vs.</summary>
public sealed class IpvsNatScenarios(IpvsNatLabFixture fixture, ITestOutputHelper output) : NatSuite(fixture, output), IClassFixture<IpvsNatLabFixture>;

/// <summary>
/// The negative control of NAT: a real server whose default route is not the director sends
/// its reply un-rewritten (source RIP:8080) by the wrong way, and the client gets no answer.
/// </summary>
public sealed class NatWrongGatewayScenarios(NatWrongGatewayLabFixture fixture, ITestOutputHelper output) : IClassFixture<NatWrongGatewayLabFixture>
{
    [Fact]
    public async Task TheOnlyVipCheckFailsHereWithTheLeakAsEvidence()
    {
        var result = await LabCheckScenarios.RunAsync(fixture, "only-vip", output);
        Assert.False(result.Passed);
        Assert.Contains(result.Evidence, line => line.StartsWith("answered: 0 of 3", StringComparison.Ordinal));
        Assert.Contains(result.Evidence, line => line.StartsWith("unexpected:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RealServerRoutingAroundTheDirectorLeaksUnrewrittenRepliesAndTheClientGetsNone()
    {
        var vip = fixture.Topology.Vip;
        var cip = fixture.Topology.Node("client").AddressOn("front");
        var rip = fixture.Topology.Node("rs1").AddressOn("back");
        await using var taps = DrScenarios.StartTaps(fixture, ["rs1", "director:back", "client"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 1, maxSeconds: 3);
        await taps.StopAsync();

        Assert.Null(replies[0]);
        // The request did arrive, rewritten by the director…
        Assert.Contains(taps.On("rs1"), f => f.IsIp(cip, rip) && f.Tcp is { Synchronize: true, Acknowledgment: false });
        // …but the SYN-ACK left with the real server's own address, towards the router.
        var routerMac = fixture.Lab.Node("router").On("back").Mac;
        var leaked = taps.On("rs1").Where(f => f.IsIp(rip, cip) && f.Tcp is { Synchronize: true, Acknowledgment: true }).ToList();
        Assert.NotEmpty(leaked);
        Assert.All(leaked, f => Assert.Equal(routerMac, f.DestinationMac));
        Assert.All(leaked, f => Assert.Equal(NatLab.RealTcpPort, f.Tcp!.SourcePort));
        Assert.DoesNotContain(taps.On("director:back"), f => f.IsIp(rip, cip));
        // The client saw a stranger's answer (RIP, not VIP) and no answer from the VIP.
        Assert.Contains(taps.On("client"), f => f.IsIp(rip, cip));
        Assert.DoesNotContain(taps.On("client"), f => f.IsIp(vip, cip) && f.Tcp is not null);
    }
}

/// <summary>ICMP errors through the NAT director, in a running lab.</summary>
public sealed class NatIcmpScenarios(NatLabFixture fixture, ITestOutputHelper output) : IClassFixture<NatLabFixture>
{
    [SkippableFact]
    public async Task PortUnreachableFromARealServerReachesTheClientFromTheVipAboutTheVip()
    {
        // The UDP service is added at run time through lvs-director's control socket.
        fixture.SkipUnlessClaims(ForwarderCapabilities.IcmpErrors, ForwarderCapabilities.LvsDirectorControl);
        var vip = fixture.Topology.Vip;
        var cip = fixture.Topology.Node("client").AddressOn("front");
        var rip = fixture.Topology.Node("rs1").AddressOn("back");
        const int ClosedPort = 5454;

        // A UDP service added at run time, to a port where nothing listens on rs1.
        await Ipvsadm("-A", "-u", $"{vip}:{ClosedPort}", "-s", "rr");
        await Ipvsadm("-a", "-u", $"{vip}:{ClosedPort}", "-r", $"{rip}:{ClosedPort}", "-m");
        try
        {
            await using var taps = DrScenarios.StartTaps(fixture, ["client", "rs1"]);
            var result = await fixture.Lab.ExecAsync("client", ["sh", "-c", $"echo probe | socat -t 2 - UDP4:{vip}:{ClosedPort}"]);
            output.WriteLine(result.Stderr);
            await taps.StopAsync();

            // rs1 answered the rewritten datagram with port unreachable about RIP…
            Assert.Contains(taps.On("rs1"), f => f.IsIp(rip, cip) && f.Ethernet.Extract<IcmpV4Packet>() is { TypeCode: IcmpV4TypeCode.UnreachablePort });

            // …and the client got it from the VIP, quoting its own datagram to VIP:5454.
            var icmp = taps.On("client").Where(f => f.Ethernet.Extract<IcmpV4Packet>() is { TypeCode: IcmpV4TypeCode.UnreachablePort }).ToList();
            Assert.NotEmpty(icmp);
            Assert.All(icmp, f => Assert.True(f.IsIp(vip, cip), $"the client saw {f}"));
            var quote = icmp[0].Data[(14 + ((icmp[0].Data[14] & 0x0F) * 4) + 8)..];
            Assert.Equal(vip, new IPAddress(quote[16..20]));
            Assert.Equal(ClosedPort, (quote[22] << 8) | quote[23]);
            Assert.DoesNotContain(taps.On("client"), f => f.Ip is { } ip && (ip.SourceAddress.Equals(rip) || ip.DestinationAddress.Equals(rip)));
            Assert.False(icmp[0].Data.AsSpan().IndexOf(rip.GetAddressBytes()) >= 0, "the RIP is nowhere in the ICMP error");
            NatScenarios.AssertChecksumsValid(taps.On("client"));
        }
        finally
        {
            await Ipvsadm("-D", "-u", $"{vip}:{ClosedPort}");
        }
    }

    private async Task Ipvsadm(params string[] arguments) =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", .. arguments])).EnsureSuccess("ipvsadm " + string.Join(' ', arguments));
}
