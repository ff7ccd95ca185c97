using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// Interop with the real thing (issue 15): lvs-director and Debian's keepalived as the two
/// halves of one VRRP pair. Whichever starts first, they elect exactly one master — the higher
/// priority, lvs-director — and hand the VIP back and forth on stop and start; both sides'
/// advertisements decode without a warning in Wireshark's dissector.
/// </summary>
public sealed class HaKeepalivedScenarios(HaKeepalivedLabFixture fixture, ITestOutputHelper output) : IClassFixture<HaKeepalivedLabFixture>
{
    private string Vip => fixture.Topology.Vip.ToString();

    [Fact]
    public async Task LvsDirectorAndKeepalivedElectOneMasterWhicheverStartsFirstAndHandTheVipOver()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();

        // Both running, lvs-director (250) is master and keepalived (200) backup: the VIP is on no interface of director2.
        await AssertHolderAsync("director1");

        // lvslab status says which is which: lvs-director by its counters, keepalived by the state its notify FIFO reports.
        var status = await CliRunner.RunAsync(["status", "--name", fixture.Topology.Name, "--json"], output);
        Assert.Equal(0, status.ExitCode);
        var nodes = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n);
        Assert.Equal("master", nodes["director1"].GetProperty("vrrp").GetString());
        Assert.Equal("backup", nodes["director2"].GetProperty("vrrp").GetString());
        var flapsBefore = (await fixture.StatsAsync("director1")).GetProperty("vrrpDetail").GetProperty("becameMaster").GetInt64();

        // keepalived stopped and started under a running master: it comes back as backup, and the master never flaps.
        await fixture.Lab.StopNodeAsync("director2");
        await fixture.Lab.StartNodeAsync("director2");
        await Eventually.TrueAsync(async _ => await fixture.VrrpStateAsync("director2") == "backup" && (await KeepalivedLogAsync()).Contains("Entering BACKUP STATE", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "keepalived to come back as backup");
        await AssertHolderAsync("director1");
        Assert.Equal(flapsBefore, (await fixture.StatsAsync("director1")).GetProperty("vrrpDetail").GetProperty("becameMaster").GetInt64());

        // lvs-director stopped (its priority 0 advertisement): keepalived takes the VIP, and nftables forwards for it.
        await fixture.Lab.StopNodeAsync("director1");
        await Eventually.TrueAsync(async _ => await fixture.VrrpStateAsync("director2") == "master", TimeSpan.FromSeconds(10), "keepalived to become master");
        await AssertHolderAsync("director2");

        // keepalived the master that started first; lvs-director starts with the higher priority and preempts.
        await fixture.Lab.StartNodeAsync("director1");
        await fixture.WaitForPairAsync();
        await AssertHolderAsync("director1");

        // lvs-director heard keepalived's advertisements while it was backup, found them well formed and for
        // its virtual router with its addresses, and passed over them as RFC 5798 says a backup with the
        // higher priority and preemption does (lower priority): the master down timer ran out and it took over.
        var detail = (await fixture.StatsAsync("director1")).GetProperty("vrrpDetail");
        output.WriteLine($"director1 after its restart: {detail}");
        var ignoredBy = detail.GetProperty("ignoredBy");
        Assert.True(ignoredBy.GetProperty("lowerPriority").GetInt64() > 0, detail.ToString());
        Assert.Equal(0, ignoredBy.GetProperty("malformed").GetInt64());
        Assert.Equal(0, ignoredBy.GetProperty("foreign").GetInt64());
        Assert.Equal(0, detail.GetProperty("addressListMismatches").GetInt64());
    }

    [Fact]
    public async Task BothSidesAdvertisementsDecodeWithoutAWarningInWireshark()
    {
        fixture.SkipUnlessLvsDirector();
        await fixture.WaitForPairAsync();
        var folder = Artifacts.For(nameof(HaKeepalivedScenarios), nameof(BothSidesAdvertisementsDecodeWithoutAWarningInWireshark));
        await using (var taps = TapSet.Start(fixture.Lab, folder, "router:lan"))
        {
            // A handover each way, so both speak as master: keepalived while lvs-director is stopped, then lvs-director again.
            await fixture.Lab.StopNodeAsync("director1");
            await Eventually.TrueAsync(async _ => await fixture.VrrpStateAsync("director2") == "master", TimeSpan.FromSeconds(10), "keepalived to become master");
            await fixture.Lab.StartNodeAsync("director1");
            await fixture.WaitForPairAsync();
            await AssertHolderAsync("director1");
            await taps.StopAsync();
        }

        var pcap = Directory.GetFiles(folder, "router-*.pcap").Single();
        string first = fixture.Topology.Node("director1").AddressOn("lan").ToString();
        string second = fixture.Topology.Node("director2").AddressOn("lan").ToString();
        var lines = (await Tshark(pcap, "vrrp", "-T", "fields", "-e", "ip.src", "-e", "vrrp.version", "-e", "vrrp.prio", "-e", "vrrp.checksum.status")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine($"{lines.Length} VRRP packets; by source: {string.Join(", ", lines.GroupBy(l => l.Split('\t')[0]).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.Contains(lines, l => l.StartsWith(first + "\t3\t", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(second + "\t3\t", StringComparison.Ordinal));

        // Every checksum verified good (status 1: "Good"), and no expert note of any severity on any VRRP packet.
        Assert.All(lines, l => Assert.Equal("1", l.Split('\t')[3]));
        var expert = await Tshark(pcap, "vrrp && _ws.expert");
        Assert.True(expert.Trim().Length == 0, $"tshark has remarks on VRRP packets:\n{expert}");

        // The control: told to check the checksums as VRRP v2 computes them (no pseudo-header), tshark calls every one bad.
        var asV2 = await ProcessRunner.RunAsync("tshark", ["-r", pcap, "-o", "vrrp.v3_checksum_as_in_v2:TRUE", "-Y", "vrrp", "-T", "fields", "-e", "vrrp.checksum.status"], null, CancellationToken.None);
        Assert.All(asV2.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), status => Assert.Equal("0", status));

        // The priority 0 advertisement lvs-director sends on stop is there too.
        Assert.Contains(lines, l => l.StartsWith(first + "\t3\t0\t", StringComparison.Ordinal));

        // And keepalived found nothing wrong in lvs-director's advertisements.
        var log = await KeepalivedLogAsync();
        Assert.DoesNotMatch("(?i)(invalid|mismatch|bad |discard|error)", log);
    }

    // The VIP on exactly one director: the holder has it (lvs-director answers ARP for it itself;
    // keepalived puts it on the interface), the router sends to the holder's MAC, requests succeed.
    private async Task AssertHolderAsync(string holder)
    {
        string other = holder == DirectorPair.First ? DirectorPair.Second : DirectorPair.First;
        Assert.Equal("master", await fixture.VrrpStateAsync(holder));
        Assert.NotEqual("master", await fixture.VrrpStateAsync(other));

        // keepalived puts the VIP on director2's interface while master, and only then.
        var onSecond = (await fixture.ExecIfRunningAsync(DirectorPair.Second, ["ip", "-o", "-4", "addr", "show"]))?.Stdout ?? string.Empty;
        if (holder == DirectorPair.Second)
        {
            Assert.Contains($" {Vip}/32 ", onSecond, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain($" {Vip}/", onSecond, StringComparison.Ordinal);
        }

        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:{fixture.Topology.Port}/", 6);
        Assert.All(replies, r => Assert.NotNull(r));
        var holderMac = fixture.Lab.Node(holder).On("lan").Mac;
        await Eventually.TrueAsync(async _ => await RouterMacForVipAsync() == holderMac, TimeSpan.FromSeconds(5), $"the router to send the VIP's traffic to {holder}");
    }

    private async Task<string> KeepalivedLogAsync()
    {
        var (stdout, stderr) = await fixture.Lab.LogsAsync(DirectorPair.Second);
        return stdout + stderr;
    }

    private Task<string> RouterMacForVipAsync() => fixture.NeighbourMacAsync(fixture.VipNeighbour, Vip);

    private static async Task<string> Tshark(string pcap, string filter, params string[] more)
    {
        var result = await ProcessRunner.RunAsync("tshark", ["-r", pcap, "-o", "vrrp.v3_checksum_as_in_v2:FALSE", "-Y", filter, .. more], null, CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }
}
