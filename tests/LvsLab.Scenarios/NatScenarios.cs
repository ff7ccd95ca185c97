using System.Net;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Scenarios;

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
        var frame = new EthernetPacket(LabMacs.Parse(rs1.Mac), LabMacs.Parse(back.Mac), EthernetType.IPv4) { PayloadPacket = ip };
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
        var result = await LabScenario.RunCheckAsync(fixture, "only-vip", output);
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
        await using var taps = LabScenario.StartTaps(fixture, ["rs1", "director:back", "client"]);

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
            await using var taps = LabScenario.StartTaps(fixture, ["client", "rs1"]);
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
            NatSuite.AssertChecksumsValid(taps.On("client"));
        }
        finally
        {
            await Ipvsadm("-D", "-u", $"{vip}:{ClosedPort}");
        }
    }

    private async Task Ipvsadm(params string[] arguments) =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", .. arguments])).EnsureSuccess("ipvsadm " + string.Join(' ', arguments));
}
