using System.Globalization;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;
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
    IReadOnlyList<CapturedFrame> ToOldMacAfterTakeover,
    IReadOnlyList<CapturedFrame> ToOldMacAfterGoal,
    string Summary)
{
    private const int Rate = 1000;
    private const int Seconds = 4;

    public static async Task<Takeover> MeasureAsync(LabFixture fixture, string folder, ITestOutputHelper output)
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
        var toOld = taps.On("router:lan").Where(f => f.DestinationMac == oldMac && f.Ip?.DestinationAddress.ToString() == vip).ToList();
        var summary = string.Create(CultureInfo.InvariantCulture, $"""
            VRRP takeover, DR, adverts every {HaDrLabFixture.IntervalMilliseconds} ms, director1 (priority 250) killed by SIGKILL, director2 (200) takes over
            stream: {Rate * Seconds} UDP datagrams at {Rate}/s; forwarded by director1 {byOld.Count}, by director2 {byNew.Count}, lost {(Rate * Seconds) - byOld.Count - byNew.Count}
            last forwarded by director1 {(lastOld - killed).TotalMilliseconds:F0} ms after the kill; first by director2 {(firstNew is { } f ? $"{(f - killed).TotalMilliseconds:F0} ms after it" : "never")}
            takeover (last frame by the old master → first by the new): {(time is { } t ? $"{t.TotalMilliseconds:F0} ms" : "none within the stream")} (goal ≤ {HaScenarios.TakeoverGoal.TotalMilliseconds:F0} ms)
            frames the router sent to director1's MAC after the kill: {toOld.Count(fr => fr.Time > killed)}
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
            [.. toOld.Where(fr => firstNew is { } first && fr.Time > first)],
            [.. toOld.Where(fr => fr.Time > killed + HaScenarios.TakeoverGoal)],
            summary);
    }
}

/// <summary>
/// Fifty long-lived connections to the upload service (port 9000: it answers with the byte
/// count once the client closes) through the VIP: each sends a line, waits, sends another and
/// closes; the master is killed (SIGKILL) in between. A connection that survives gets "4".
/// </summary>
internal static class LongLived
{
    public const int Count = 50;

    /// <summary>Runs the connections, kills director1 once <paramref name="watcher"/> lists all of them, and returns how many survived.</summary>
    public static async Task<int> RunAsync(LabFixture fixture, string watcher, ITestOutputHelper output)
    {
        var lab = fixture.Lab;
        string vip = lab.Topology.Vip.ToString();
        var script = $"rm -f /tmp/ll.*; for i in $(seq {Count}); do ( (echo a; sleep 8; echo b) | socat -t 8 - TCP4:{vip}:9000 > /tmp/ll.$i 2>/dev/null ) & done; wait; cat /tmp/ll.* 2>/dev/null";
        var connections = lab.ExecAsync("client", ["sh", "-c", script]);

        // Killed only once every connection is established — and, with sync, known to the backup.
        int Established(string table) => table.Split('\n').Count(l => l.StartsWith("TCP", StringComparison.Ordinal) && l.Contains("ESTABLISHED", StringComparison.Ordinal) && l.Contains($" {vip}:9000 ", StringComparison.Ordinal));
        await Eventually.TrueAsync(
            async _ => Established((await lab.ExecAsync(watcher, ["lvs-director", "connections"])).Stdout) >= Count,
            TimeSpan.FromSeconds(6),
            $"{watcher} to list {Count} established connections to port 9000");
        Assert.Equal(0, (await DockerCli.RunAsync("kill", DockerLabRuntime.ContainerName(lab.Topology.Name, "director1"))).ExitCode);
        var answers = (await connections).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int survived = answers.Count(a => a.Trim() == "4");
        output.WriteLine($"long-lived connections through the takeover: {survived} of {Count} completed (answers: {string.Join(" ", answers.Select(a => a.Trim()))})");
        return survived;
    }
}
