using System.Net.NetworkInformation;
using System.Text.Json;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Scenarios;

/// <summary>
/// Malformed frames reach the running director from its link (injected on the host side of its
/// veth): each is counted under its reason and dropped, none is forwarded, and the director
/// keeps serving.
/// </summary>
[Collection(DrLabCollection.Name)]
public sealed class BadFrameScenarios(DrLabFixture fixture, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task MalformedFramesAreCountedAndDroppedAndTheDirectorKeepsServing()
    {
        // The drops are read from lvs-director's counters (the conformance case for any
        // forwarder checks with packets only that malformed frames are never forwarded).
        fixture.SkipUnlessLvsDirector();
        var director = fixture.Lab.Node("director").On("lan");
        var router = fixture.Lab.Node("router").On("lan");
        var cip = fixture.Topology.Node("client").AddressOn("front");
        var vip = fixture.Topology.Vip;
        await using var taps = LabScenario.StartTaps(fixture, ["director", .. fixture.Topology.NodesWith(NodeRole.RealServer).Select(n => n.Name)]);
        var before = await DirectorStats.ReadAsync(fixture.Lab);

        byte[] Syn(ushort sourcePort, byte ttl)
        {
            var tcp = new TcpPacket(sourcePort, 80) { Synchronize = true, SequenceNumber = 1000, WindowSize = 64240 };
            var ip = new IPv4Packet(cip, vip) { TimeToLive = ttl, PayloadPacket = tcp };
            tcp.UpdateTcpChecksum();
            ip.UpdateIPChecksum();
            var eth = new EthernetPacket(PhysicalAddress.Parse(router.Mac.Replace(':', '-').ToUpperInvariant()), PhysicalAddress.Parse(director.Mac.Replace(':', '-').ToUpperInvariant()), EthernetType.IPv4) { PayloadPacket = ip };
            return eth.Bytes;
        }

        var badChecksum = Syn(61001, 64);
        badChecksum[14 + 10] ^= 0x5a;
        var truncated = Syn(61002, 64);
        // Claim an IP total length that leaves only 10 bytes of the 20-byte TCP header.
        truncated[14 + 2] = 0;
        truncated[14 + 3] = 30;
        DirectorStats.WriteIpv4HeaderChecksum(truncated.AsSpan(14, 20));
        var ttlOne = Syn(61003, 1);
        FrameInjector.Send(director.HostInterface, [badChecksum, truncated[..(14 + 30)], ttlOne]);

        await Eventually.TrueAsync(
            async _ => Drops(await DirectorStats.ReadAsync(fixture.Lab), "ttlExpired") > Drops(before, "ttlExpired"),
            TimeSpan.FromSeconds(10),
            "the director to count the injected frames");
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 3);
        await taps.StopAsync();
        var after = await DirectorStats.ReadAsync(fixture.Lab);

        output.WriteLine(after.GetProperty("drops").ToString());
        Assert.Equal(1, Drops(after, "badIpChecksum") - Drops(before, "badIpChecksum"));
        Assert.Equal(1, Drops(after, "truncatedTcp") - Drops(before, "truncatedTcp"));
        Assert.Equal(1, Drops(after, "ttlExpired") - Drops(before, "ttlExpired"));
        // None of them went on to a real server; the director still serves.
        foreach (var server in fixture.Topology.NodesWith(NodeRole.RealServer))
        {
            Assert.DoesNotContain(taps.On(server.Name), f => f.Tcp is { } t && t.SourcePort is >= 61001 and <= 61003);
        }

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Equal(0, (await fixture.Lab.ExecAsync("director", ["pgrep", "-x", "lvs-director"])).ExitCode);
    }

    private static long Drops(JsonElement stats, string reason) => DirectorStats.Drops(stats, reason);
}
