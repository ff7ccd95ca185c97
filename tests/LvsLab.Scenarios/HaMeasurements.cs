using System.Globalization;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;

namespace LvsLab.Scenarios;

/// <summary>
/// Kills the master (director1, SIGKILL: no goodbye) under a steady UDP stream through the VIP
/// and measures the takeover from captures on the real servers' links (who forwarded each
/// frame, by source MAC) and on the router's LAN link (where the router sent it).
/// </summary>
internal sealed record Takeover(
    string OldMac,
    string NewMac,
    TimeSpan? Time,
    int ByOld,
    int ByNew,
    int Lost,
    DateTime? FirstGratuitousArp,
    TimeSpan? Decision,
    IReadOnlyList<CapturedFrame> ToOldMacAfterTakeover,
    IReadOnlyList<CapturedFrame> ToOldMacAfterGoal,
    string Summary)
{
    private const int Rate = 1000;

    // Long enough that the takeover falls inside the stream however slowly `docker kill` returns:
    // director1 is killed after 1 s of it, and the takeover takes about a third of a second.
    private const int Seconds = 6;

    public static async Task<Takeover> MeasureAsync(HaLabFixture fixture, string folder, ITestOutputHelper output)
    {
        var lab = fixture.Lab;
        string vip = lab.Topology.Vip.ToString();
        string oldMac = lab.Node("director1").On("lan").Mac;
        string newMac = lab.Node("director2").On("lan").Mac;
        await using var taps = TapSet.Start(lab, folder, "rs1", "rs2", "rs3", "router:lan");
        List<CapturedFrame> Forwarded(string mac) =>
            [.. new[] { "rs1", "rs2", "rs3" }.SelectMany(taps.On).Where(f => f.SourceMac == mac && f.Ip?.DestinationAddress.ToString() == vip && f.Ethernet.Extract<PacketDotNet.UdpPacket>()?.DestinationPort == 9999)];

        // Once director1 has forwarded a second of the stream it is killed.
        var stream = lab.ExecAsync("client", ["lvs-pktgen", "udp", "--to", $"{vip}:9999", "--rate", Rate.ToString(CultureInfo.InvariantCulture), "--seconds", Seconds.ToString(CultureInfo.InvariantCulture)]);
        await Eventually.TrueAsync(_ => Task.FromResult(Forwarded(oldMac).Count >= Rate), TimeSpan.FromSeconds(10), "director1 to forward a second of the stream");
        var killed = DateTime.UtcNow;
        Assert.Equal(0, (await DockerCli.RunAsync("kill", DockerLabRuntime.ContainerName(lab.Topology.Name, "director1"))).ExitCode);
        Assert.Equal(0, (await stream).ExitCode);
        await taps.StopAsync();

        var byOld = Forwarded(oldMac);
        var byNew = Forwarded(newMac);
        var lastOld = byOld.Max(f => f.Time);
        DateTime? firstNew = byNew.Count > 0 ? byNew.Min(f => f.Time) : null;
        TimeSpan? time = firstNew - lastOld;

        // What the router's LAN link saw: the advertisements of each director, director2's
        // gratuitous ARP for the VIP, and where the router sent the stream.
        var lan = taps.On("router:lan");
        // (An advertisement leaves from the virtual router's MAC, 00:00:5e:00:01:VRID: told apart by the source address.)
        string oldAddress = lab.Topology.Node("director1").AddressOn("lan").ToString();
        string newAddress = lab.Topology.Node("director2").AddressOn("lan").ToString();
        DateTime? LastAdvert(string from) => lan.Where(f => IsVrrp(f) && f.Ip!.SourceAddress.ToString() == from).Select(f => (DateTime?)f.Time).Max();
        DateTime? FirstAdvertAfter(string from, DateTime after) => lan.Where(f => IsVrrp(f) && f.Ip!.SourceAddress.ToString() == from && f.Time > after).Select(f => (DateTime?)f.Time).Min();
        var lastOldAdvert = LastAdvert(oldAddress);
        DateTime? firstNewAdvert = lastOldAdvert is { } l ? FirstAdvertAfter(newAddress, l) : null;
        DateTime? garp = lan.Where(f => f.SourceMac == newMac && f.Arp is { } a && a.SenderProtocolAddress.ToString() == vip && a.TargetProtocolAddress.ToString() == vip).Select(f => (DateTime?)f.Time).Min();
        var toOld = lan.Where(f => f.DestinationMac == oldMac && f.Ip?.DestinationAddress.ToString() == vip).ToList();
        string Ms(DateTime? at, DateTime from) => at is { } a ? $"{(a - from).TotalMilliseconds:F0} ms" : "never";
        var summary = string.Create(CultureInfo.InvariantCulture, $"""
            VRRP takeover, DR, adverts every {HaLabFixture.IntervalMilliseconds} ms, director1 (priority 250) killed by SIGKILL, director2 (200) takes over
            stream: {Rate * Seconds} UDP datagrams at {Rate}/s; forwarded by director1 {byOld.Count}, by director2 {byNew.Count}, lost {(Rate * Seconds) - byOld.Count - byNew.Count}
            after director1's last advertisement: its last forwarded frame {Ms(lastOld, lastOldAdvert ?? lastOld)}, director2's first advertisement {Ms(firstNewAdvert, lastOldAdvert ?? lastOld)} (master down interval {HaLabFixture.MasterDownMilliseconds} ms), its gratuitous ARP {Ms(garp, lastOldAdvert ?? lastOld)}, its first forwarded frame {Ms(firstNew, lastOldAdvert ?? lastOld)}
            takeover (last frame by the old master → first by the new): {(time is { } t ? $"{t.TotalMilliseconds:F0} ms" : "none within the stream")} (goal ≤ {HaScenarios.TakeoverGoal.TotalMilliseconds:F0} ms)
            frames the router sent to director1's MAC after the kill: {toOld.Count(fr => fr.Time > killed)}, after director2's gratuitous ARP: {toOld.Count(fr => garp is { } g && fr.Time > g)}
            """);
        output.WriteLine(summary);
        await File.WriteAllTextAsync(Path.Combine(folder, "takeover.txt"), summary + "\n");
        return new Takeover(
            oldMac,
            newMac,
            time,
            byOld.Count,
            byNew.Count,
            (Rate * Seconds) - byOld.Count - byNew.Count,
            garp,
            firstNewAdvert - lastOldAdvert,
            [.. toOld.Where(fr => firstNew is { } first && fr.Time > first)],
            [.. toOld.Where(fr => fr.Time > killed + HaScenarios.TakeoverGoal)],
            summary);
    }

    private static bool IsVrrp(CapturedFrame frame) => frame.Ip is { } ip && (int)ip.Protocol == 112;
}

/// <summary>
/// Fifty long-lived connections to the upload service (port 9000: it answers with the byte
/// count once the client closes) through the VIP: each sends a line, waits for a go, sends
/// another and closes. The master is killed (SIGKILL) once every connection is established
/// (and, with sync, known to the backup); the go comes once director2 is master, so each
/// connection's second half crosses the takeover whatever the machine's pace. A connection that
/// survives gets "4".
/// </summary>
internal static class LongLived
{
    public const int Count = 50;

    /// <summary>Runs the connections, kills director1 once <paramref name="watcher"/> and the real servers hold all of them, and returns how many survived.</summary>
    public static async Task<int> RunAsync(HaLabFixture fixture, string watcher, ITestOutputHelper output)
    {
        var lab = fixture.Lab;
        var uploads = await LongLivedUploads.StartAsync(lab, Count);

        // Killed only once every connection is established — and, with sync, known to the backup.
        await uploads.WaitEstablishedAsync(watcher);
        Assert.Equal(0, (await DockerCli.RunAsync("kill", DockerLabRuntime.ContainerName(lab.Topology.Name, "director1"))).ExitCode);

        // The takeover is complete once director2 (backup until the kill) says it is master: it has sent its gratuitous ARPs. Then the go.
        await fixture.WaitForMasterAsync(DirectorPair.Second);
        var (survived, answers) = await uploads.GoAsync();
        output.WriteLine($"long-lived connections through the takeover: {survived} of {Count} completed (answers: {string.Join(" ", answers)})");
        return survived;
    }
}
