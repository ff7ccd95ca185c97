using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The DR suite against the lab's own forwarder (the C# director, or <c>LVSLAB_FORWARDER</c>), and the C# director's own refusals and listings.</summary>
[Collection(DrLabCollection.Name)]
public sealed class DrScenarios : DrSuite
{
    public DrScenarios(DrLabFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [SkippableFact]
    public async Task DirectorCountsWhatItForwarded()
    {
        Fixture.SkipUnlessLvsDirector();
        await using var taps = StartTaps(["director"]);
        var before = await DirectorStats.ReadAsync(Fixture.Lab);
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 9);
        await taps.StopAsync();
        var after = await DirectorStats.ReadAsync(Fixture.Lab);

        Assert.All(replies, r => Assert.NotNull(r));
        var forwarded = after.GetProperty("forwardedPackets").GetInt64() - before.GetProperty("forwardedPackets").GetInt64();
        Output.WriteLine($"director forwarded {forwarded} packets for 9 requests; stats: {after}");
        // Each request is at least SYN, ACK, request, FIN/ACK from the client: ≥ 4 packets.
        Assert.True(forwarded >= 9 * 4, $"forwarded {forwarded}");
        Assert.Equal(0, after.GetProperty("drops").GetProperty("malformed").GetInt64());
        // What the director counted is what its link shows it sent towards the real servers.
        var directorMac = Fixture.Lab.Node("director").On("lan").Mac;
        var sentOnWire = taps.On("director").Count(f => f.SourceMac == directorMac && f.IsIp(Cip, Vip));
        Assert.Equal(forwarded, sentOnWire);
    }

    [SkippableFact]
    public async Task RulesFileWithAnErrorIsRefusedWithLineAndReasonBeforeTheDirectorStarts()
    {
        Fixture.SkipUnlessLvsDirector();
        var bad = $"-A -t {Vip}:80 -s rr\n-a -t {Vip}:80 -r 10.77.1.11:80 -g -w 1\n-a -t {Vip}:80 -r 10.77.1.12:99999 -g -w 1\n";
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/bad.ipvs", bad);

        // Bounded: a director that wrongly accepted the file would run until stopped.
        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/bad.ipvs", "--control", "/tmp/second.sock"]);

        Output.WriteLine(result.Stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/bad.ipvs:3:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("99999", result.Stderr, StringComparison.Ordinal);
        // It stopped before opening the interface: no start-up line, no control socket.
        Assert.DoesNotContain("ready", result.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Fixture.Lab.ExecAsync("director", ["test", "-e", "/tmp/second.sock"])).ExitCode);
    }

    [SkippableFact]
    public async Task ValidIpvsadmRulesTheDirectorCannotHonourYetAreRefusedWithTheReason()
    {
        Fixture.SkipUnlessLvsDirector();
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/thresholds.ipvs", $"-A -t {Vip}:80 -s rr\n-a -t {Vip}:80 -r 10.77.1.11:80 -g -w 1 -x 100\n");

        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/thresholds.ipvs", "--control", "/tmp/fourth.sock"]);

        Output.WriteLine(result.Stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/thresholds.ipvs:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("connection thresholds (-x/-y)", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DirectorListsServicesAndConnectionsLikeIpvsadm()
    {
        Fixture.SkipUnlessLvsDirector();
        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", Url, 3);
        Assert.All(replies, r => Assert.NotNull(r));

        var list = (await Fixture.Lab.ExecAsync("director", ["lvs-director", "list"])).EnsureSuccess("lvs-director list").Stdout;
        var connections = (await Fixture.Lab.ExecAsync("director", ["lvs-director", "connections"])).EnsureSuccess("lvs-director connections").Stdout;

        Output.WriteLine(list);
        Output.WriteLine(connections);
        Assert.Contains("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn", list, StringComparison.Ordinal);
        Assert.Contains($"TCP  {Vip}:80 rr", list, StringComparison.Ordinal);
        foreach (var rs in Fixture.Topology.NodesWith(NodeRole.RealServer))
        {
            Assert.Matches($@"  -> {Regex.Escape(rs.AddressOn("lan") + ":80")}\s+Route\s+1\s+\d+\s+\d+", list);
        }

        Assert.Contains("pro expire state", connections, StringComparison.Ordinal);
        Assert.Contains($" {Cip}:", connections, StringComparison.Ordinal);
        Assert.Contains($"{Vip}:80", connections, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RulesFileWithoutAnyServiceIsRefused()
    {
        Fixture.SkipUnlessLvsDirector();
        await NodeFiles.WriteAsync(Fixture.Lab, "director", "/tmp/empty.ipvs", "# nothing here\n");

        var result = await Fixture.Lab.ExecAsync("director", ["timeout", "20", "lvs-director", "run", "--interface", "eth0", "--rules", "/tmp/empty.ipvs", "--control", "/tmp/third.sock"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tmp/empty.ipvs: no virtual service", result.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>A DR lab whose director runs the nftables forwarder (the kernel peer).</summary>
public sealed class NftablesDrLabFixture() : StockLabFixture("dr", LabForwarders.Nftables, "t-nftdr");

/// <summary>The same DR suite, unchanged, against the kernel through nftables.</summary>
public sealed class NftablesDrScenarios(NftablesDrLabFixture fixture, ITestOutputHelper output) : DrSuite(fixture, output), IClassFixture<NftablesDrLabFixture>;

/// <summary>A DR lab whose director runs kernel IPVS (<c>ipvsadm -R</c>), where the kernel has ip_vs.</summary>
public sealed class IpvsDrLabFixture() : StockLabFixture("dr", LabForwarders.Ipvs, "t-ipvsdr");

/// <summary>The same DR suite against kernel IPVS; skipped, saying why, on kernels without ip_vs.</summary>
public sealed class IpvsDrScenarios(IpvsDrLabFixture fixture, ITestOutputHelper output) : DrSuite(fixture, output), IClassFixture<IpvsDrLabFixture>;
