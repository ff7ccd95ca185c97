using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// The stock DR lab with a small connection table (<see cref="Capacity"/> connections) and the
/// upload service on port 9000 for long-lived connections; the director evicts by
/// <paramref name="eviction"/> when the table is full.
/// </summary>
/// <param name="eviction">The director's <c>LVS_EVICTION</c>: embryonic-first or lru.</param>
/// <param name="prefix">The short prefix of the lab's name.</param>
public abstract class SynFloodLabFixture(string eviction, string prefix) : LabFixture
{
    /// <summary>The director's <c>--max-connections</c>: small, so a flood fills it within a second.</summary>
    public const int Capacity = 4_096;

    /// <summary>The director's eviction.</summary>
    public string Eviction => eviction;

    /// <inheritdoc/>
    protected override string NamePrefix => prefix;

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        StockLabs.WithDirectorEnvironment(
            StockLabs.WithService(StockLabs.Load("dr", name, slot), "tcp", SynFlood.UploadPort),
            new Dictionary<string, string> { ["LVS_MAX_CONNECTIONS"] = Capacity.ToString(CultureInfo.InvariantCulture), ["LVS_EVICTION"] = eviction });
}

/// <summary>The flood lab with the director's defence: embryonic connections are evicted first.</summary>
public sealed class EmbryonicFirstFloodLabFixture() : SynFloodLabFixture("embryonic-first", "t-syn");

/// <summary>The flood lab without the defence: the least recently used connection goes, whatever its state.</summary>
public sealed class LruFloodLabFixture() : SynFloodLabFixture("lru", "t-synlru");

/// <summary>
/// A SYN flood from spoofed sources (the client's own network's upper half, where no lab node
/// lives: never an address outside the lab) at the client's highest rate, through a director
/// whose table holds 4,096 connections, while 50 long-lived connections wait idle and a stream
/// of requests runs. With the defence the flood only ever displaces its own half-open entries:
/// every long-lived connection completes and every request is answered. Pcaps of the client's
/// and the director's links keep the legitimate traffic (the flood is filtered out of them: a
/// million frames prove nothing a counter does not); figures go to <c>flood.txt</c>. Meanwhile
/// the host's own interfaces (its uplink, loopback, Docker's default bridge) are captured for
/// the lab's subnets: not one frame of the flood, or of anything else in the lab, shows there.
/// </summary>
public sealed class SynFloodScenarios(EmbryonicFirstFloodLabFixture fixture, ITestOutputHelper output) : IClassFixture<EmbryonicFirstFloodLabFixture>
{
    [Fact]
    public async Task AFloodOfSpoofedSynsEvictsOnlyItsOwnEntriesAndEveryoneElseIsServed()
    {
        fixture.SkipUnlessLvsDirector();
        var outcome = await SynFlood.RunAsync(fixture, TimeSpan.FromSeconds(30), nameof(SynFloodScenarios), nameof(AFloodOfSpoofedSynsEvictsOnlyItsOwnEntriesAndEveryoneElseIsServed), output);

        // The flood filled the table and pushed out only half-open entries.
        Assert.True(outcome.Evicted > 10 * SynFloodLabFixture.Capacity, $"the flood evicted only {outcome.Evicted} entries: it did not press on the table");
        Assert.Equal(outcome.Evicted, outcome.EmbryonicEvicted);
        Assert.InRange(outcome.MostConnections, SynFloodLabFixture.Capacity - 100, SynFloodLabFixture.Capacity);
        Assert.Equal(SynFlood.LongLivedCount, outcome.Survived);
        Assert.True(outcome.Requests >= 20, $"only {outcome.Requests} requests ran during the flood");
        Assert.Equal(outcome.Requests, outcome.Answered);
        Assert.Equal(0, outcome.LeakedFrames);
    }
}

/// <summary>
/// The negative control: the same flood through a director that evicts by age alone pushes
/// every idle long-lived connection out of the table; their next segment finds no connection
/// (a segment other than a SYN opens none) and none completes.
/// </summary>
public sealed class SynFloodWithoutDefenceScenarios(LruFloodLabFixture fixture, ITestOutputHelper output) : IClassFixture<LruFloodLabFixture>
{
    [Fact]
    public async Task WithoutTheDefenceTheFloodPushesEveryEstablishedConnectionOut()
    {
        fixture.SkipUnlessLvsDirector();
        var outcome = await SynFlood.RunAsync(fixture, TimeSpan.FromSeconds(10), nameof(SynFloodWithoutDefenceScenarios), nameof(WithoutTheDefenceTheFloodPushesEveryEstablishedConnectionOut), output);
        Assert.True(outcome.Evicted > 10 * SynFloodLabFixture.Capacity, $"the flood evicted only {outcome.Evicted} entries: it did not press on the table");
        Assert.Equal(0, outcome.EmbryonicEvicted);
        Assert.Equal(0, outcome.Survived);
        Assert.Equal(0, outcome.LeakedFrames);
    }
}

/// <summary>What a flood run measured.</summary>
/// <param name="Sent">SYNs the client sent.</param>
/// <param name="SentPerSecond">Their rate.</param>
/// <param name="Survived">Long-lived connections that completed, of <see cref="SynFlood.LongLivedCount"/>.</param>
/// <param name="Requests">Requests made during the flood.</param>
/// <param name="Answered">Of them, answered.</param>
/// <param name="Evicted">Connections the director evicted during the flood.</param>
/// <param name="EmbryonicEvicted">Of them, embryonic.</param>
/// <param name="MostConnections">The most connections the director held at any reading.</param>
/// <param name="WorkingSetBefore">The director's working set before the flood, bytes.</param>
/// <param name="MostWorkingSet">Its largest reading during the flood, bytes.</param>
/// <param name="LeakedFrames">Frames of the lab's subnets seen on the host's own interfaces.</param>
internal sealed record FloodOutcome(long Sent, double SentPerSecond, int Survived, int Requests, int Answered, long Evicted, long EmbryonicEvicted, long MostConnections, long WorkingSetBefore, long MostWorkingSet, int LeakedFrames);

/// <summary>The flood run shared by the scenario and its negative control.</summary>
internal static class SynFlood
{
    /// <summary>The upload service's port (it answers with the byte count once the client closes).</summary>
    public const int UploadPort = LongLivedUploads.Port;

    /// <summary>How many long-lived connections wait through the flood.</summary>
    public const int LongLivedCount = 50;

    /// <summary>Runs the flood for <paramref name="length"/> and measures it.</summary>
    public static async Task<FloodOutcome> RunAsync(SynFloodLabFixture fixture, TimeSpan length, string suite, string scenario, ITestOutputHelper output)
    {
        var lab = fixture.Lab;
        var vip = lab.Topology.Vip.ToString();
        var client = lab.Topology.Node("client").AddressOn("front");
        var front = lab.Topology.Network("front").Subnet;

        // The upper half of the client's own /24: lab addresses where no node lives (the client is .10, the router .2).
        var sources = $"{AddressMath.Offset(front.BaseAddress, 128)}/25";
        Assert.DoesNotContain(lab.Topology.NodeAddresses, a => IPNetwork.Parse(sources).Contains(a));

        // The director runs with its CPU shares (a lab's nodes share the machine; a real director has its own).
        var shares = await DockerCli.RunAsync("inspect", "-f", "{{.HostConfig.CpuShares}}", DockerLabRuntime.ContainerName(lab.Topology.Name, "director"));
        Assert.Equal(LabNode.DirectorCpuShares.ToString(CultureInfo.InvariantCulture), shares.Stdout.Trim());

        var folder = Artifacts.For(suite, scenario);
        await using var taps = TapSet.StartFiltered(lab, folder, $"host {client}", "client", "director");

        // The host's own interfaces (not the labs' bridges and veths): not one frame of this lab's subnets may show there.
        var labSubnets = string.Join(" or ", lab.Topology.Networks.Select(n => $"net {n.Subnet}"));
        var hostTaps = new DirectoryInfo("/sys/class/net").GetFileSystemInfos()
            .Select(i => i.Name)
            .Where(n => !n.StartsWith("veth", StringComparison.Ordinal) && !n.StartsWith("br-", StringComparison.Ordinal) && IsUp(n))
            .Select(n => Tap.Start($"host-{n}", n, labSubnets))
            .ToList();

        // The control: the filter on the lab's own front bridge sees the lab's frames (the flood left out: too many to keep).
        var frontNetwork = (await DockerCli.RunAsync("network", "ls", "-q", "--no-trunc", "--filter", $"label={LabLabels.Lab}={lab.Topology.Name}", "--filter", $"label={LabLabels.Network}=front")).Stdout.Trim();
        using var bridgeTap = Tap.Start("lab-front-bridge", HostFirewall.BridgeOf(frontNetwork), $"({labSubnets}) and not src net {sources}");

        // Fifty long-lived connections, each idle from its first line until the go.
        var uploads = await LongLivedUploads.StartAsync(lab, LongLivedCount);
        await uploads.WaitEstablishedAsync("director");

        var before = await DirectorStats.ReadAsync(lab);
        var seconds = length.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var flood = lab.ExecAsync("client", ["lvs-pktgen", "syn", "--to", $"{vip}:{lab.Topology.Port}", "--rate", "1000000", "--seconds", seconds, "--sources", sources]);

        // Requests once the flood has filled the table, until it ends: one at a time, each with 5 s to be answered.
        await Eventually.TrueAsync(
            async _ => Long(await DirectorStats.ReadAsync(lab), "connections") >= SynFloodLabFixture.Capacity - 100 || flood.IsCompleted,
            length,
            "the flood to fill the director's table");
        var stream = lab.ExecAsync("client", ["sh", "-c", $"n=0; ok=0; while [ ! -e /tmp/flood.done ] && [ $n -lt 1000 ]; do n=$((n+1)); r=$(curl -s -m 5 -o /dev/null -w '%{{http_code}} port=%{{local_port}} exit=%{{exitcode}} connect=%{{time_connect}} total=%{{time_total}}' http://{vip}:{lab.Topology.Port}/); case \"$r\" in 200*) ok=$((ok+1));; *) echo \"failed: $r at $(date +%s.%N)\";; esac; sleep 0.1; done; echo requests=$n answered=$ok"]);

        // The director's table and memory, read every half second while the flood lasts.
        long mostConnections = 0;
        long mostWorkingSet = 0;
        var watch = Stopwatch.StartNew();
        var drops = new List<string>();
        var lastDrops = RingDrops(before);
        while (!flood.IsCompleted)
        {
            var now = await DirectorStats.ReadAsync(lab);
            mostConnections = Math.Max(mostConnections, Long(now, "connections"));
            mostWorkingSet = Math.Max(mostWorkingSet, Long(now, "workingSetBytes"));
            if (RingDrops(now) > lastDrops)
            {
                drops.Add(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:F1} s +{RingDrops(now) - lastDrops}"));
                lastDrops = RingDrops(now);
            }

            await Task.WhenAny(flood, Task.Delay(500));
        }

        var sent = await flood;
        Assert.True(sent.ExitCode == 0, sent.Stderr);
        Assert.Equal(0, (await lab.ExecAsync("client", ["touch", "/tmp/flood.done"])).ExitCode);
        var streamed = await stream;
        var after = await DirectorStats.ReadAsync(lab);

        var (survived, _) = await uploads.GoAsync();
        await taps.StopAsync();

        // Read without a marker frame: nothing of ours goes onto the host's own links, not even that.
        var leaked = hostTaps.ToDictionary(t => t.HostInterface, t => t.Frames.Count);
        hostTaps.ForEach(t => t.Dispose());
        var onBridge = bridgeTap.Frames.Count;
        Assert.True(onBridge > 100, $"the capture filter saw only {onBridge} frames on the lab's own bridge: it would not see a leak either");
        Assert.Equal(0, (await lab.ExecAsync("client", ["rm", "-f", "/tmp/flood.done"])).ExitCode);

        var sentCount = long.Parse(Regex.Match(sent.Stdout, @"sent=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var sentRate = double.Parse(Regex.Match(sent.Stdout, @"rate=([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = int.Parse(Regex.Match(streamed.Stdout, @"requests=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var answered = int.Parse(Regex.Match(streamed.Stdout, @"answered=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var failures = streamed.Stdout.Split('\n').Where(l => l.StartsWith("failed: ", StringComparison.Ordinal)).Select(l => l["failed: ".Length..].Trim()).ToList();
        var outcome = new FloodOutcome(
            sentCount,
            sentRate,
            survived,
            requests,
            answered,
            Long(after, "connectionsEvicted") - Long(before, "connectionsEvicted"),
            Long(after, "embryonicEvicted") - Long(before, "embryonicEvicted"),
            mostConnections,
            Long(before, "workingSetBytes"),
            mostWorkingSet,
            leaked.Values.Sum());

        var figures = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"eviction {fixture.Eviction}, table of {SynFloodLabFixture.Capacity} connections, flood of {length.TotalSeconds:F0} s from {sources}")
            .AppendLine(CultureInfo.InvariantCulture, $"flood: {sent.Stdout.Trim()}")
            .AppendLine(CultureInfo.InvariantCulture, $"director: frames in {Long(after, "framesIn") - Long(before, "framesIn")}, forwarded {Long(after, "forwardedPackets") - Long(before, "forwardedPackets")}, receive queue drops {RingDrops(after) - RingDrops(before)}")
            .AppendLine(CultureInfo.InvariantCulture, $"table: evicted {outcome.Evicted} (embryonic {outcome.EmbryonicEvicted}), most connections held {mostConnections} of {SynFloodLabFixture.Capacity}")
            .AppendLine(CultureInfo.InvariantCulture, $"memory: working set {outcome.WorkingSetBefore / 1048576.0:F1} MB before, at most {outcome.MostWorkingSet / 1048576.0:F1} MB during; managed heap {Long(after, "managedHeapBytes") / 1048576.0:F1} MB after; collections {DirectorStats.Collections(after) - DirectorStats.Collections(before)}")
            .AppendLine(CultureInfo.InvariantCulture, $"host interfaces ({string.Join(", ", leaked.Keys)}): {leaked.Values.Sum()} frames of the lab's subnets ({labSubnets}); the lab's own front bridge: {onBridge}")
            .AppendLine(CultureInfo.InvariantCulture, $"long-lived connections completed: {survived} of {LongLivedCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"requests during the flood: {answered} of {requests} answered ({(requests == 0 ? 0 : 100.0 * answered / requests):F1} %), in {watch.Elapsed.TotalSeconds:F1} s")
            .AppendLine(CultureInfo.InvariantCulture, $"receive-queue drops by reading (every 0.5 s): {(drops.Count == 0 ? "none" : string.Join(", ", drops))}")
            .AppendLine(CultureInfo.InvariantCulture, $"requests not answered: {(failures.Count == 0 ? "none" : string.Join("; ", failures))}")
            .ToString();
        await File.WriteAllTextAsync(Path.Combine(folder, "flood.txt"), figures);
        output.WriteLine(figures);
        return outcome;
    }

    private static long Long(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    // An interface that is up (IFF_UP in its flags): one that is down carries nothing and cannot be captured.
    private static bool IsUp(string name) =>
        File.Exists($"/sys/class/net/{name}/flags")
        && (Convert.ToInt32(File.ReadAllText($"/sys/class/net/{name}/flags").Trim(), 16) & 1) != 0;

    private static long RingDrops(JsonElement stats) => stats.GetProperty("io").GetProperty("receiveQueueDrops").GetInt64();
}
