using System.Globalization;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;

namespace LvsLab.Scenarios;

/// <summary>
/// Long-lived connections to the real servers' upload service (port 9000: it answers with the
/// number of bytes it received once the client closes): each sends a first line, waits idle for
/// the go, sends a second line and closes, so an answer of 4 means the connection lived through
/// whatever happened while it waited, and 2 that its second line was lost. The one source of
/// the script and of the readiness signal for every scenario that keeps connections open
/// through a fault (a takeover, a flood).
/// </summary>
internal sealed class LongLivedUploads
{
    /// <summary>The upload service's port.</summary>
    public const int Port = 9000;

    private const string Go = "/tmp/ll.go";

    private readonly IRunningLab lab;
    private readonly string vip;
    private readonly Task<ExecResult> connections;
    private readonly long listenDropsBefore;

    private LongLivedUploads(IRunningLab lab, int count, long listenDropsBefore)
    {
        this.lab = lab;
        Count = count;
        this.listenDropsBefore = listenDropsBefore;
        vip = lab.Topology.Vip.ToString();
        var script = $"rm -f /tmp/ll.*; for i in $(seq {count}); do ( (echo a; while [ ! -e {Go} ]; do sleep 0.05; done; echo b) | socat -t 8 - TCP4:{vip}:{Port} > /tmp/ll.$i 2>/dev/null ) & done; wait; cat /tmp/ll.[0-9]* 2>/dev/null";
        connections = lab.ExecAsync("client", ["sh", "-c", script]);
    }

    /// <summary>How many connections run.</summary>
    public int Count { get; }

    /// <summary>Opens <paramref name="count"/> connections from the client; each sends its first line and waits.</summary>
    public static async Task<LongLivedUploads> StartAsync(IRunningLab lab, int count) => new(lab, count, await ListenDropsAsync(lab));

    /// <summary>
    /// Waits until <paramref name="director"/> lists every connection as established and the
    /// real servers hold every one established with its first line received and acknowledged
    /// (nothing left in a send queue on the client). A director that saw the handshake does not
    /// prove a real server accepted it: a server whose listen queue overflowed answers with a
    /// SYN cookie and may drop the handshake's last segment, and a connection it builds later
    /// from a cookie starts at whatever segment arrives then — the first line lost.
    /// </summary>
    public async Task WaitEstablishedAsync(string director)
    {
        int Established(string table) => table.Split('\n').Count(l => l.StartsWith("TCP", StringComparison.Ordinal) && l.Contains("ESTABLISHED", StringComparison.Ordinal) && l.Contains($" {vip}:{Port} ", StringComparison.Ordinal));
        await Eventually.TrueAsync(
            async _ => Established((await lab.ExecAsync(director, ["lvs-director", "connections"])).Stdout) >= Count,
            TimeSpan.FromSeconds(30),
            $"{director} to list {Count} established connections to port {Port}");
        await Eventually.TrueAsync(
            async _ => await OnRealServersAsync() >= Count && await UnacknowledgedOnClientAsync() == 0,
            TimeSpan.FromSeconds(30),
            $"the real servers to hold {Count} established connections on port {Port}, every first line acknowledged");
        Assert.True(await ListenDropsAsync(lab) == listenDropsBefore, $"the real servers' listen queues dropped {await ListenDropsAsync(lab) - listenDropsBefore} handshakes while {Count} connections opened");
    }

    /// <summary>Lets every connection send its second line and close; returns how many the servers counted whole (4 bytes).</summary>
    public async Task<(int Survived, IReadOnlyList<string> Answers)> GoAsync()
    {
        Assert.Equal(0, (await lab.ExecAsync("client", ["touch", Go])).ExitCode);
        var answers = (await connections).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Trim()).ToList();
        Assert.Equal(0, (await lab.ExecAsync("client", ["rm", "-f", Go])).ExitCode);
        return (answers.Count(a => a == "4"), answers);
    }

    // TcpExt ListenDrops summed over the real servers: handshakes a listen queue could not take (its overflows among them).
    private static async Task<long> ListenDropsAsync(IRunningLab lab)
    {
        long total = 0;
        foreach (var server in lab.Topology.NodesWith(NodeRole.RealServer))
        {
            var lines = (await lab.ExecAsync(server.Name, ["cat", "/proc/net/netstat"])).Stdout.Split('\n').Where(l => l.StartsWith("TcpExt:", StringComparison.Ordinal)).ToList();
            var names = lines[0].Split(' ');
            var values = lines[1].Split(' ');
            total += long.Parse(values[Array.IndexOf(names, "ListenDrops")], CultureInfo.InvariantCulture);
        }

        return total;
    }

    // Established connections on the upload port, summed over the real servers (accepted or still in the accept queue).
    private async Task<int> OnRealServersAsync()
    {
        var total = 0;
        foreach (var server in lab.Topology.NodesWith(NodeRole.RealServer))
        {
            var listed = await lab.ExecAsync(server.Name, ["ss", "-Htn", "state", "established", "( sport = :" + Port.ToString(CultureInfo.InvariantCulture) + " )"]);
            total += listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        return total;
    }

    // Bytes the client has sent to the upload port and not yet had acknowledged.
    private async Task<long> UnacknowledgedOnClientAsync()
    {
        var listed = await lab.ExecAsync("client", ["ss", "-Htn", "state", "established", "( dport = :" + Port.ToString(CultureInfo.InvariantCulture) + " )"]);
        return listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Sum(f => long.Parse(f[1], CultureInfo.InvariantCulture));
    }
}
