using System.Buffers.Binary;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The TUN suite against the C# director, and the real servers' user-space decapsulator.</summary>
public sealed class TunScenarios(TunLabFixture fixture, ITestOutputHelper output) : TunSuite(fixture, output), IClassFixture<TunLabFixture>
{
    [SkippableFact]
    public async Task DecapsulatorCountsAndDropsATruncatedInnerPacketAndKeepsServing()
    {
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        var path = (await Fixture.Lab.ExecAsync(far.Name, ["cat", TunLab.PathFile])).Stdout.Trim();
        Skip.If(path != "user-space", $"{far.Name} decapsulates with '{path}' (the kernel's ipip): lvs-decap is not running there");
        var nic = Fixture.Lab.Node(far.Name).On("far");
        var before = await DecapStatsAsync(far.Name);

        // Outer DIP → RIP, protocol 4, with only 10 bytes of an inner header behind it.
        var frame = new byte[14 + 20 + 10];
        LabMacs.Parse(nic.Mac).GetAddressBytes().CopyTo(frame, 0);
        LabMacs.Parse(Fixture.Lab.Node("router").On("far").Mac).GetAddressBytes().CopyTo(frame, 6);
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
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", RealServers.Count);

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Contains(replies, r => r!.Server == far.Name);
        Assert.Equal(0, (await Fixture.Lab.ExecAsync(far.Name, ["pgrep", "-x", "lvs-decap"])).ExitCode);
    }

    private async Task<System.Text.Json.JsonElement> DecapStatsAsync(string node)
    {
        var stats = await Fixture.Lab.ExecAsync(node, ["cat", "/run/lvs-decap.json"]);
        return System.Text.Json.JsonDocument.Parse(stats.Stdout).RootElement.Clone();
    }

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
        await using var taps = LabScenario.StartTaps(fixture, ["rs1"]);

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 1, maxSeconds: 3);
        await taps.StopAsync();

        Assert.Null(replies[0]);
        Assert.Contains(taps.On("rs1"), f => f.IsIp(dip, rip) && f.Ip!.Protocol == PacketDotNet.ProtocolType.IPv4);
        Assert.DoesNotContain(taps.On("rs1"), f => f.IsIp(vip, null));
    }
}
