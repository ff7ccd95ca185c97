using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Scenarios;

/// <summary>
/// LVS-TUN with real packets (seed idea 8): the director wraps the client's packet unchanged in
/// IP-in-IP to a real server that may sit in another subnet; the server unwraps it, holds the
/// VIP, and answers the client directly, never through the director.
/// </summary>
public sealed class TunScenarios(TunLabFixture fixture, ITestOutputHelper output) : IClassFixture<TunLabFixture>
{
    [Theory]
    [InlineData("spread")]
    [InlineData("true-client")]
    [InlineData("replies-bypass")]
    public async Task TheTunChecksPassOnTheTunLab(string check) =>
        Assert.True((await LabCheckScenarios.RunAsync(fixture, check, output)).Passed);

    [Fact]
    public async Task TheTunPictureShowsThePacketWrappedUnchangedAndTheReplyBypassingTheDirector()
    {
        var flow = await FlowEvidence.TraceOneRequestAsync(fixture, nameof(TheTunPictureShowsThePacketWrappedUnchangedAndTheReplyBypassingTheDirector), output);
        var atDirector = flow.Request.Single(h => h.From == "director");
        Assert.True(atDirector.Changed.HasFlag(FlowFields.Wrapped), atDirector.Changed.ToString());
        Assert.False(atDirector.Changed.HasFlag(FlowFields.DestinationAddress));
        Assert.NotNull(atDirector.Outer);
        Assert.True(flow.ReplyBypassesDirector);
    }

    private IPAddress Vip => fixture.Topology.Vip;

    private IPAddress Cip => fixture.Topology.Node("client").AddressOn("front");

    private IPAddress Dip => fixture.Topology.Node("director").AddressOn("lan");

    private IReadOnlyList<LabNode> RealServers => fixture.Topology.NodesWith(NodeRole.RealServer);

    [Fact]
    public async Task CurlReachesEveryRealServerIncludingThoseBehindTheRouter()
    {
        var paths = new List<string>();
        foreach (var rs in RealServers)
        {
            paths.Add((await fixture.Lab.ExecAsync(rs.Name, ["cat", TunLab.PathFile])).Stdout.Trim());
        }

        output.WriteLine($"decapsulation: {string.Join(", ", paths)}; kernel ipip module present: {Directory.Exists("/sys/module/ipip")}");
        Assert.All(paths, p => Assert.Equal(Directory.Exists("/sys/module/ipip") ? "kernel-ipip" : "user-space", p));
        await using var taps = StartTaps(["client"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.All(replies.GroupBy(r => r!.Server), g => Assert.Equal(2, g.Count()));
        Assert.Equal(RealServers.Select(n => n.Name).Order(), replies.Select(r => r!.Server).Distinct().Order());
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        Assert.Contains(RealServers, n => n.Interfaces[0].Network == "far");
    }

    [Fact]
    public async Task DirectorWrapsTheClientsPacketUnchangedInIpInIp()
    {
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        await using var taps = StartTaps(["router:lan", "director", far.Name]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var directorMac = fixture.Lab.Node("director").On("lan").Mac;
        var routerMac = fixture.Lab.Node("router").On("lan").Mac;
        var sentByRouter = taps.On("router:lan").Where(f => f.IsIp(Cip, Vip) && f.SourceMac == routerMac).Select(f => f.AfterEthernet.ToArray()).ToList();
        var wrapped = taps.On("director").Where(f => f.SourceMac == directorMac && f.Ip is { Protocol: PacketDotNet.ProtocolType.IPv4 }).ToList();
        Assert.NotEmpty(wrapped);
        foreach (var frame in wrapped)
        {
            Assert.Equal(Dip, frame.Ip!.SourceAddress);
            Assert.Contains(frame.Ip.DestinationAddress, RealServers.Select(n => n.Interfaces[0].Address));
            Assert.True(frame.Ip.ValidChecksum, "outer IP checksum");
            var inner = Inner(frame);
            Assert.Contains(sentByRouter, s => s.AsSpan().SequenceEqual(inner));
        }

        // The far server receives the tunnel through the router, still director → RIP, protocol 4.
        var farAddress = far.Interfaces[0].Address;
        var arrived = taps.On(far.Name).Where(f => f.IsIp(Dip, farAddress) && f.Ip!.Protocol == PacketDotNet.ProtocolType.IPv4).ToList();
        Assert.NotEmpty(arrived);
        Assert.All(arrived, f => Assert.Equal(fixture.Lab.Node("router").On("far").Mac, f.SourceMac));
        Assert.All(arrived, f => Assert.Contains(sentByRouter, s => s.AsSpan().SequenceEqual(Inner(f))));
        output.WriteLine($"{wrapped.Count} wrapped packets left the director; {arrived.Count} reached {far.Name} across the router");
    }

    [Fact]
    public async Task RepliesCrossSubnetsWithoutTheDirector()
    {
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        await using var taps = StartTaps(["director", far.Name]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.DoesNotContain(taps.On("director"), f => f.IsIp(Vip, null));
        var leaving = taps.On(far.Name).Where(f => f.IsIp(Vip, Cip)).ToList();
        Assert.NotEmpty(leaving);
        Assert.All(leaving, f => Assert.Equal(fixture.Lab.Node("router").On("far").Mac, f.DestinationMac));
    }

    [Fact]
    public async Task UploadLargerThanTheTunnelMtuSucceedsAfterTheDirectorsFragmentationNeeded()
    {
        await using var taps = StartTaps(["client", "director"]);

        var upload = await fixture.Lab.ExecAsync("client", ["sh", "-c", $"head -c 1048576 /dev/zero | socat -t 20 - TCP4:{Vip}:{TunLab.UploadPort}"]);
        await taps.StopAsync();

        output.WriteLine($"server counted: {upload.Stdout.Trim()} {upload.Stderr.Trim()}");
        Assert.Equal("1048576", upload.Stdout.Trim());
        var directorMac = fixture.Lab.Node("director").On("lan").Mac;
        var icmp = taps.On("director").Where(f => f.SourceMac == directorMac && f.Ethernet.Extract<IcmpV4Packet>() is { } i && i.TypeCode == IcmpV4TypeCode.UnreachableFragmentationNeeded).ToList();
        Assert.NotEmpty(icmp);
        foreach (var frame in icmp)
        {
            Assert.Equal(Cip, frame.Ip!.DestinationAddress);
            var message = frame.Ethernet.Extract<IcmpV4Packet>()!.Bytes;
            // RFC 1191: the next-hop MTU sits in the low 16 bits of the second word.
            Assert.Equal(1480, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6, 2)));
        }

        Assert.Contains(taps.On("client"), f => f.Ethernet.Extract<IcmpV4Packet>() is { TypeCode: IcmpV4TypeCode.UnreachableFragmentationNeeded });
    }

    [SkippableFact]
    public async Task DecapsulatorCountsAndDropsATruncatedInnerPacketAndKeepsServing()
    {
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        var path = (await fixture.Lab.ExecAsync(far.Name, ["cat", TunLab.PathFile])).Stdout.Trim();
        Skip.If(path != "user-space", $"{far.Name} decapsulates with '{path}' (the kernel's ipip): lvs-decap is not running there");
        var nic = fixture.Lab.Node(far.Name).On("far");
        var before = await DecapStatsAsync(far.Name);

        // Outer DIP → RIP, protocol 4, with only 10 bytes of an inner header behind it.
        var frame = new byte[14 + 20 + 10];
        NatScenarios.Mac(nic.Mac).GetAddressBytes().CopyTo(frame, 0);
        NatScenarios.Mac(fixture.Lab.Node("router").On("far").Mac).GetAddressBytes().CopyTo(frame, 6);
        frame[12] = 0x08;
        var ip = frame.AsSpan(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 30);
        ip[8] = 64;
        ip[9] = 4;
        Dip.GetAddressBytes().CopyTo(ip[12..]);
        nic.Address.GetAddressBytes().CopyTo(ip[16..]);
        DirectorStats.WriteIpv4HeaderChecksum(ip);
        frame.AsSpan(34, 10).Fill(0x45);
        FrameInjector.Send(nic.HostInterface, [frame]);

        await LvsLab.Lab.Runtime.Eventually.TrueAsync(
            async _ => (await DecapStatsAsync(far.Name)).GetProperty("dropped").GetProperty("innerTruncated").GetInt64() > before.GetProperty("dropped").GetProperty("innerTruncated").GetInt64(),
            TimeSpan.FromSeconds(10),
            "lvs-decap to count the truncated inner packet");
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", RealServers.Count);

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Contains(replies, r => r!.Server == far.Name);
        Assert.Equal(0, (await fixture.Lab.ExecAsync(far.Name, ["pgrep", "-x", "lvs-decap"])).ExitCode);
    }

    private async Task<System.Text.Json.JsonElement> DecapStatsAsync(string node)
    {
        var stats = await fixture.Lab.ExecAsync(node, ["cat", "/run/lvs-decap.json"]);
        return System.Text.Json.JsonDocument.Parse(stats.Stdout).RootElement.Clone();
    }

    internal static byte[] Inner(CapturedFrame frame) =>
        frame.AfterEthernet[(frame.Ip!.HeaderLength * 4)..frame.Ip.TotalLength].ToArray();

    private TapSet StartTaps(string[] links, [CallerMemberName] string scenario = "") => DrScenarios.StartTaps(fixture, links, scenario);
}

/// <summary>
/// The TUN pitfall as a negative control: with strict reverse-path filtering the real server's
/// kernel drops the unwrapped packet (it came in on the tunnel, the way back is eth0) and no
/// reply ever leaves.
/// </summary>
public sealed class TunStrictRpFilterScenarios(TunStrictRpFilterLabFixture fixture) : IClassFixture<TunStrictRpFilterLabFixture>
{
    [Fact]
    public async Task StrictRpFilterOnTheRealServerDropsUnwrappedPacketsAndNoReplyLeaves()
    {
        var vip = fixture.Topology.Vip;
        var rip = fixture.Topology.Node("rs1").Interfaces[0].Address;
        var dip = fixture.Topology.Node("director").AddressOn("lan");
        await using var taps = DrScenarios.StartTaps(fixture, ["rs1"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 1, maxSeconds: 3);
        await taps.StopAsync();

        Assert.Null(replies[0]);
        Assert.Contains(taps.On("rs1"), f => f.IsIp(dip, rip) && f.Ip!.Protocol == PacketDotNet.ProtocolType.IPv4);
        Assert.DoesNotContain(taps.On("rs1"), f => f.IsIp(vip, null));
    }
}
