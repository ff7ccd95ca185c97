using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>The DR lab with a UDP service on port 9999 for packet streams, and the director's frame I/O chosen.</summary>
/// <param name="io">The director's <c>LVS_IO</c>: af-packet or pcap.</param>
/// <param name="prefix">The short prefix of the lab's name.</param>
/// <param name="workers">The director's <c>LVS_WORKERS</c> (AF_PACKET only).</param>
public abstract class FrameIoLabFixture(string io, string prefix, int workers = 1) : LabFixture
{
    /// <summary>The UDP service's port.</summary>
    public const int UdpPort = 9999;

    /// <summary>The director's frame I/O.</summary>
    public string Io => io;

    /// <summary>The director's worker threads.</summary>
    public int Workers => workers;

    /// <summary>
    /// A steady rate this frame I/O forwards without loss here: the fast path goes beyond
    /// 100,000 packets/s, libpcap loses some from about 10,000/s on (see the README's benchmark).
    /// </summary>
    public int SteadyRate => io == "pcap" ? 4_000 : 20_000;

    /// <inheritdoc/>
    protected override string NamePrefix => prefix;

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        StockLabs.WithDirectorEnvironment(StockLabs.WithUdpService(StockLabs.Load("dr", name, slot), UdpPort), new Dictionary<string, string> { ["LVS_IO"] = io, ["LVS_WORKERS"] = workers.ToString(CultureInfo.InvariantCulture) });
}

/// <summary>The DR lab whose director uses the AF_PACKET fast path (the default, named explicitly).</summary>
public sealed class AfPacketLabFixture() : FrameIoLabFixture("af-packet", "t-afp");

/// <summary>The DR lab whose director runs two AF_PACKET workers (frames spread by flow hash).</summary>
public sealed class TwoWorkerLabFixture() : FrameIoLabFixture("af-packet", "t-afp2", workers: 2);

/// <summary>The DR lab whose director uses libpcap.</summary>
public sealed class PcapLabFixture() : FrameIoLabFixture("pcap", "t-pcap");

/// <summary>
/// The director's frame I/O under load and with the pitfall of checksum offload: the AF_PACKET
/// fast path forwards a steady stream without one garbage collection and completes checksums the
/// sender's kernel left to offload; libpcap (the control) passes such frames on unfinished and the
/// real server drops them.
/// </summary>
public abstract class FrameIoSuite<TFixture>(TFixture fixture, ITestOutputHelper output)
    where TFixture : FrameIoLabFixture
{
    /// <summary>What the director logged about its frame I/O at start.</summary>
    [Fact]
    public async Task TheDirectorSaysWhichFrameIoItUses()
    {
        var (log, _) = await fixture.Lab.LogsAsync("director");
        var line = Assert.Single(log.Split('\n'), l => l.Contains("frame i/o", StringComparison.Ordinal));
        output.WriteLine(line);
        Assert.Contains(fixture.Io == "pcap" ? "libpcap" : "af_packet", line, StringComparison.Ordinal);
        if (fixture.Io != "pcap")
        {
            Assert.Contains("qdisc bypass on", line, StringComparison.Ordinal);
            Assert.Contains("ignore outgoing on", line, StringComparison.Ordinal);
            Assert.Contains(fixture.Workers == 1 ? ", 1 worker" : $", {fixture.Workers} workers (fanout by flow hash)", line, StringComparison.Ordinal);
        }
    }

    /// <summary>Round robin stays exact whatever the frame I/O: one engine schedules, however many threads move frames.</summary>
    [Fact]
    public async Task RoundRobinStaysExactlyTenTenTen()
    {
        var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{fixture.Topology.Vip}/", 30);
        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Equal([10, 10, 10], replies.GroupBy(r => r!.Server).Select(g => g.Count()));
    }

    /// <summary>
    /// The client's and the router's kernels leave TCP checksums to offload (as Linux does over
    /// veth unless told otherwise), so frames reach the director with the checksum unfinished.
    /// </summary>
    [Fact]
    public async Task ChecksumsLeftToOffloadAreCompletedOnlyByTheFastPath()
    {
        var client = fixture.Lab.Node("client");
        var router = fixture.Lab.Node("router");
        var routerLan = router.On("lan").Name;
        var vip = fixture.Topology.Vip;
        await using var taps = TapSet.Start(fixture.Lab, Artifacts.For(GetType().Name, nameof(ChecksumsLeftToOffloadAreCompletedOnlyByTheFastPath)), "director", "rs1");
        var before = await DirectorStats.ReadAsync(fixture.Lab);
        try
        {
            await ExecOkAsync(client.Name, "ethtool", "-K", client.Interfaces[0].Name, "tx", "on");
            await ExecOkAsync(router.Name, "ethtool", "-K", routerLan, "tx", "on");
            var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 3, maxSeconds: 3);
            var after = await DirectorStats.ReadAsync(fixture.Lab);
            var completed = Io(after, "checksumsCompleted") - Io(before, "checksumsCompleted");
            output.WriteLine($"{fixture.Io}: {replies.Count(r => r is not null)} of 3 answered; checksums completed {completed}");
            if (fixture.Io == "pcap")
            {
                // libpcap hands the frame over as it is: the real server's kernel finds the
                // checksum wrong and drops the SYN, so no request is answered.
                Assert.All(replies, r => Assert.Null(r));
                Assert.Equal(0, completed);
            }
            else
            {
                Assert.All(replies, r => Assert.NotNull(r));
                Assert.True(completed >= 3 * 3, $"checksums completed: {completed}");
            }
        }
        finally
        {
            await ExecOkAsync(client.Name, "ethtool", "-K", client.Interfaces[0].Name, "tx", "off");
            await ExecOkAsync(router.Name, "ethtool", "-K", routerLan, "tx", "off");
        }

        // With offload off again, both frame I/Os serve.
        Assert.All(await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 3), r => Assert.NotNull(r));
    }

    /// <summary>
    /// A stream of 64-byte UDP datagrams (5 s at the frame I/O's steady rate) is forwarded whole,
    /// the director's frame threads allocate nothing for it and the director collects no garbage
    /// meanwhile. Allocation is what causes a collection, and it is measured exactly where the
    /// forwarding happens: each frame thread reads its own allocation count
    /// (<c>gc.frameThreadsAllocatedBytes</c>). The process-wide count is no measure of it: it
    /// counts whole allocation contexts (8 KB each) handed to any thread, the runtime's compiler
    /// thread tiering methods up, the control socket and the health checks (a CI run counted
    /// 132 KB more than its reads over one stream, with the frame threads at 0). A warm-up second
    /// of the same flows (fixed source ports) first: the stream's connection entries exist before
    /// the window, so nothing grows in it. One object per frame would count 2.4 MB. Margin of the
    /// collection count: a collection comes when the first-generation budget (64 MB in the
    /// director's image) runs out; the rest of the process allocates some 10 to 150 KB in the
    /// window, a chance under 0.3 % to meet one.
    /// </summary>
    [Fact]
    public async Task ASteadyStreamIsForwardedWithoutGarbageCollection()
    {
        var rate = fixture.SteadyRate;
        string[] Stream(string seconds) => ["lvs-pktgen", "udp", "--to", $"{fixture.Topology.Vip}:{FrameIoLabFixture.UdpPort}", "--rate", rate.ToString(CultureInfo.InvariantCulture), "--seconds", seconds, "--first-port", "47000"];

        // The warm-up: the flows' entries, and code run the first time, before the window.
        var warmUp = await fixture.Lab.ExecAsync("client", Stream("1"));
        Assert.True(warmUp.ExitCode == 0, warmUp.Stderr);
        await DirectorStats.ReadAsync(fixture.Lab);
        var before = await DirectorStats.ReadAsync(fixture.Lab);
        var run = await fixture.Lab.ExecAsync("client", Stream("5"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var after = await DirectorStats.ReadAsync(fixture.Lab);
        var sent = long.Parse(Regex.Match(run.Stdout, @"sent=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var forwarded = after.GetProperty("forwardedPackets").GetInt64() - before.GetProperty("forwardedPackets").GetInt64();
        var collections = DirectorStats.Collections(after) - DirectorStats.Collections(before);
        var frameThreads = FrameThreadsAllocated(after) - FrameThreadsAllocated(before);
        var process = Allocated(after) - Allocated(before);
        output.WriteLine($"{fixture.Io}: {run.Stdout.Trim()}; forwarded {forwarded}; garbage collections {collections}; frame threads allocated {frameThreads} bytes, the whole process {process}; io {after.GetProperty("io")}");
        Assert.Equal(5 * rate, sent);

        // Every datagram of the stream (a few more frames may be the lab's own: ARP, health).
        Assert.InRange(forwarded, sent * 99 / 100, sent + 100);
        Assert.True(frameThreads == 0, $"the director's frame threads allocated {frameThreads} bytes during the stream of {sent} frames ({(double)frameThreads / sent:F2} bytes a frame)");
        Assert.Equal(0, collections);
    }

    private static long FrameThreadsAllocated(JsonElement stats) => stats.GetProperty("gc").GetProperty("frameThreadsAllocatedBytes").GetInt64();

    private static long Allocated(JsonElement stats) => stats.GetProperty("gc").GetProperty("allocatedBytes").GetInt64();

    private static long Io(JsonElement stats, string name) => stats.GetProperty("io").GetProperty(name).GetInt64();

    private async Task ExecOkAsync(string node, params string[] command)
    {
        var result = await fixture.Lab.ExecAsync(node, command);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)} on {node}: {result.Stderr}");
    }
}

/// <summary>The frame I/O suite against the AF_PACKET fast path.</summary>
public sealed class AfPacketScenarios(AfPacketLabFixture fixture, ITestOutputHelper output)
    : FrameIoSuite<AfPacketLabFixture>(fixture, output), IClassFixture<AfPacketLabFixture>;

/// <summary>The frame I/O suite against two AF_PACKET workers.</summary>
public sealed class TwoWorkerScenarios(TwoWorkerLabFixture fixture, ITestOutputHelper output)
    : FrameIoSuite<TwoWorkerLabFixture>(fixture, output), IClassFixture<TwoWorkerLabFixture>;

/// <summary>The frame I/O suite against libpcap: the control of the checksum pitfall.</summary>
public sealed class PcapScenarios(PcapLabFixture fixture, ITestOutputHelper output)
    : FrameIoSuite<PcapLabFixture>(fixture, output), IClassFixture<PcapLabFixture>;
