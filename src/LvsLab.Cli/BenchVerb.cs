using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Bench;

namespace LvsLab.Cli;

/// <summary>
/// <c>lvslab bench</c>: TCP connections per second and request latency through each forwarder on
/// the same lab topology, against no load balancer at all (direct), runs interleaved, medians.
/// </summary>
internal static class BenchVerb
{
    /// <summary>The baseline's name in reports: the client straight to a real server, no load balancer.</summary>
    private const string NoLoadBalancer = "direct";

    public static Command Build()
    {
        var modes = new Option<string>("--modes") { Description = "lab modes, comma-separated (dr, nat, tun)", DefaultValueFactory = _ => "dr,nat" };
        var forwarders = new Option<string>("--forwarders") { Description = "forwarders, comma-separated (lvslab, lvslab-pcap, nftables, ipvs, xdp, image:NAME:TAG)", DefaultValueFactory = _ => "lvslab,nftables" };
        var runs = new Option<int>("--runs") { Description = "runs per forwarder (the median is reported)", DefaultValueFactory = _ => 5 };
        var requests = new Option<int>("--requests") { Description = "requests (one TCP connection each) per run", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "requests in flight", DefaultValueFactory = _ => 8 };
        var udpRates = new Option<string>("--udp-rates") { Description = "64-byte UDP rates to try, packets/s, comma-separated (empty: no UDP search)", DefaultValueFactory = _ => "10000,20000,50000,100000,150000,200000,300000" };
        var udpRuns = new Option<int>("--udp-runs") { Description = "runs of each UDP rate per forwarder, interleaved (the median run by loss is reported)", DefaultValueFactory = _ => 5 };
        var latency = new Option<int>("--latency-rate") { Description = "64-byte UDP packets/s offered for 1 s while the forwarder's links are captured to measure the latency it adds (0: none)", DefaultValueFactory = _ => 10_000 };
        var soak = new Option<long>("--soak-packets") { Description = "after the search, this many 64-byte UDP packets through the C# director at its highest loss-free rate, counting its garbage collections (0: no soak)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "where the markdown report goes", DefaultValueFactory = _ => "bench/results" };
        var json = new Option<string?>("--json") { Description = "also write the figures as JSON to this file: one row per mode, forwarder and offered rate (for scripts that compare runs)" };
        var command = new Command("bench", "connections per second and latency through each forwarder (and none), same topology, interleaved runs, medians")
        {
            modes, forwarders, runs, requests, concurrency, udpRates, udpRuns, latency, soak, output, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var modeList = Split(result.GetValue(modes)!);
            var forwarderList = Split(result.GetValue(forwarders)!);
            int runCount = result.GetValue(runs), requestCount = result.GetValue(requests), inFlight = result.GetValue(concurrency);
            if (runCount is < 1 or > 50 || requestCount is < 10 or > 1_000_000 || inFlight < 1 || inFlight > requestCount)
            {
                return LabVerbs.Fail("--runs 1..50, --requests 10..1000000, --concurrency 1..requests");
            }

            if (modeList.FirstOrDefault(m => m is not ("dr" or "nat" or "tun")) is { } badMode)
            {
                return LabVerbs.Fail($"unknown mode '{badMode}' (bench modes: dr, nat, tun)");
            }

            List<int> rates;
            try
            {
                rates = [.. Split(result.GetValue(udpRates)!).Select(r => int.Parse(r, NumberStyles.None, CultureInfo.InvariantCulture)).Order()];
            }
            catch (FormatException)
            {
                return LabVerbs.Fail($"--udp-rates '{result.GetValue(udpRates)}': whole numbers of packets per second, comma-separated");
            }

            var runtime = new DockerLabRuntime();
            var samples = new List<BenchSample>();
            var udpSamples = new List<UdpRateSample>();
            var soakLines = new List<string>();
            var soakPackets = result.GetValue(soak);
            var latencyRate = result.GetValue(latency);
            var udpRunCount = Math.Clamp(result.GetValue(udpRuns), 1, 50);
            var latencySamples = new List<LatencySample>();
            var labs = new List<IRunningLab>();
            try
            {
                foreach (var mode in modeList)
                {
                    // One lab per forwarder, the same topology in free slots; owned by this process.
                    var targets = new List<(string Forwarder, IRunningLab Lab, string Url)>();
                    foreach (var forwarder in forwarderList)
                    {
                        if (!ForwarderCatalog.Resolve(forwarder).Supports(mode))
                        {
                            // A mode it does not claim (nftables: no TUN, it has no IP-in-IP; xdp: DR only).
                            await Console.Error.WriteLineAsync($"lvslab bench: {mode}: {forwarder} does not claim {mode.ToUpperInvariant()}, left out");
                            continue;
                        }

                        var topology = LabForwarders.Apply(StockLabs.WithUdpService(StockLabs.Load(mode, LabName(mode, forwarder), await runtime.FreeSlotAsync(ct)), UdpPort), forwarder);
                        await Console.Error.WriteLineAsync($"lvslab bench: bringing up {mode} with {forwarder}");
                        var lab = await runtime.UpAsync(topology, LabOwner.CurrentProcess(), null, ct);
                        labs.Add(lab);
                        targets.Add((forwarder, lab, string.Create(CultureInfo.InvariantCulture, $"http://{topology.Vip}:{topology.Port}/")));
                    }

                    if (mode == "dr" && targets.Count > 0)
                    {
                        // No load balancer: the same client, straight to one real server (its RIP).
                        var lab = targets[0].Lab;
                        var rip = lab.Topology.NodesWith(NodeRole.RealServer)[0].Interfaces[0].Address;
                        targets.Insert(0, (NoLoadBalancer, lab, string.Create(CultureInfo.InvariantCulture, $"http://{rip}:{lab.Topology.Port}/")));
                    }

                    foreach (var (forwarder, lab, url) in targets)
                    {
                        await AbAsync(lab, url, Math.Min(200, requestCount), inFlight, ct); // warm-up, not counted
                    }

                    // The UDP search: each rate offered to every target in turn (A, B, A, B, … for
                    // --udp-runs rounds), up from the lowest, until a target's median run loses
                    // more than 0.1 % (then it is not offered more).
                    var lost = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var rate in rates)
                    {
                        var offered = targets.Where(t => !lost.Contains(t.Forwarder)).ToList();
                        for (var udpRun = 1; udpRun <= udpRunCount; udpRun++)
                        {
                            foreach (var (forwarder, lab, url) in offered)
                            {
                                var destination = forwarder == NoLoadBalancer ? new Uri(url).Host : lab.Topology.Vip.ToString();
                                var (step, cost) = await CostedAsync(lab, forwarder, () => UdpStepAsync(lab, destination, rate, 2, ct), ct);
                                var batching = cost.Batching;
                                var sample = new UdpRateSample(mode, forwarder, rate, step.Sent, step.Received, cost.Per(step.Sent).Director, step.Achieved, cost.Per(step.Sent).Machine, cost.Collections, udpRun)
                                {
                                    WakeupsPerSecond = batching.WakeupsPerSecond,
                                    FramesPerWakeup = batching.FramesPerWakeup,
                                    FramesPerSendCall = batching.FramesPerSendCall,
                                };
                                udpSamples.Add(sample);
                                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                                    $"  {mode} {forwarder,-9} udp {rate,6}/s run {udpRun}: sent {step.Sent} (at {step.Achieved:F0}/s), received {step.Received}, loss {sample.Loss * 100:F2} %"));
                            }
                        }

                        foreach (var (forwarder, _, _) in offered)
                        {
                            if (BenchReport.MedianRun(udpSamples.Where(s => s.Mode == mode && s.Forwarder == forwarder && s.OfferedPerSecond == rate)).Loss > 0.001)
                            {
                                lost.Add(forwarder);
                            }
                        }
                    }

                    // Added latency: each forwarder's own links captured from the host while a steady
                    // rate passes, each packet paired with its forwarded copy.
                    foreach (var (forwarder, lab, _) in targets.Where(t => latencyRate > 0 && t.Forwarder != NoLoadBalancer))
                    {
                        var measured = await LatencyAsync(lab, latencyRate, ct);
                        latencySamples.Add(new LatencySample(mode, forwarder, latencyRate, measured));
                        await Console.Error.WriteLineAsync($"  {mode} {forwarder,-9} latency at {latencyRate}/s: {measured}");
                    }

                    // The soak: many packets through the C# director at the highest rate it kept
                    // loss-free, counting its garbage collections (the fast path allocates nothing
                    // per packet, so there should be none).
                    foreach (var (forwarder, lab, _) in targets.Where(t => soakPackets > 0 && t.Forwarder == LabForwarders.LvsLab))
                    {
                        var rate = udpSamples.Where(s => s.Mode == mode && s.Forwarder == forwarder).GroupBy(s => s.OfferedPerSecond).Where(g => BenchReport.MedianRun(g).Loss <= 0.001).Select(g => g.Key).DefaultIfEmpty(rates.FirstOrDefault(10_000)).Max();
                        var (step, cost) = await CostedAsync(lab, forwarder, () => UdpStepAsync(lab, lab.Topology.Vip.ToString(), rate, Math.Min(3600, (double)soakPackets / rate), ct), ct);
                        var soaked = new UdpRateSample(mode, forwarder, rate, step.Sent, step.Received, null, step.Achieved);
                        var line = string.Create(CultureInfo.InvariantCulture,
                            $"{mode} {forwarder}: {step.Sent:N0} packets offered at {rate}/s (sent at {step.Achieved:F0}/s), loss {soaked.Loss * 100:F3} %, garbage collections {cost.Collections}, CPU {cost.Per(step.Sent).Director:F2} µs/packet");
                        soakLines.Add(line);
                        await Console.Error.WriteLineAsync($"  soak {line}");
                    }

                    for (var run = 1; run <= runCount; run++)
                    {
                        foreach (var (forwarder, lab, url) in targets)
                        {
                            var (measured, cost) = await CostedAsync(lab, forwarder, () => AbAsync(lab, url, requestCount, inFlight, ct), ct);
                            samples.Add(new BenchSample(mode, forwarder, run, measured, cost.Per(measured.Complete).Director, cost.Collections));
                            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                                $"  {mode} {forwarder,-9} run {run}: {measured.RequestsPerSecond,8:F0} conn/s  p50 {measured.P50Milliseconds} ms  p99 {measured.P99Milliseconds} ms  failed {measured.Failed}"));
                        }
                    }
                }
            }
            catch (Exception e) when (e is LabConfigurationException or ArgumentException or FormatException or Lab.TopologyFiles.TopologyFileException)
            {
                return LabVerbs.Fail(e.Message);
            }
            finally
            {
                foreach (var lab in labs)
                {
                    await lab.DisposeAsync();
                }
            }

            var machine = await MachineAsync(ct);
            var report = BenchReport.Markdown(samples, machine, string.Create(CultureInfo.InvariantCulture,
                $"ab -n {requestCount} -c {inFlight} (one TCP connection per request, HTTP GET to nginx) from the lab's client; {runCount} runs per forwarder, after a warm-up"));
            if (udpSamples.Count > 0)
            {
                report += "\n## 64-byte UDP packet rate\n\n" + BenchReport.UdpMarkdown(udpSamples)
                    + $"\nOffered by lvs-pktgen from the client (16 source ports, sendmmsg batches of 32) for 2 s per step, {udpRunCount} runs per rate interleaved across forwarders (the median run by loss is shown), to UDP port 9999 (an extra service, to no listener: the real servers' kernels count every datagram); received = the real servers' UDP counters (InDatagrams + NoPorts; a datagram with a bad checksum is not counted).\n";
            }

            if (latencySamples.Count > 0)
            {
                report += "\n## Latency added per packet\n\n" + BenchReport.LatencyMarkdown(latencySamples)
                    + "\nThe forwarder's links captured from the host (its veths) while lvs-pktgen offered the rate for 1 s; each packet going in is paired with its forwarded copy coming out (NAT and TUN rewritten or wrapped copies too), and the difference of the kernel's capture timestamps is what the forwarder added: waking up, the decision, the rewrite and the send. A packet left unpaired is one whose copy the host-side capture missed (it drops some frames in bursts; the forwarder's own counters are the loss figure).\n";
            }

            if (soakLines.Count > 0)
            {
                report += "\n## Steady state: garbage collections under load\n\n" + string.Concat(soakLines.Select(l => $"- {l}\n"));
            }

            var folder = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(folder);
            var stamp = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            var file = Path.Combine(folder, $"bench-{stamp}.md");
            await File.WriteAllTextAsync(file, report, ct);
            try
            {
                BenchPlot.SavePng(Path.Combine(folder, $"bench-{stamp}.png"), samples, [.. BenchReport.MedianRuns(udpSamples)], machine[0]);
                var link = $"\n![plot](bench-{stamp}.png)\n";
                await File.AppendAllTextAsync(file, link, ct);
                report += link;
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException)
            {
                await Console.Error.WriteLineAsync($"lvslab bench: no plot ({e.Message})");
            }

            Console.Write(report);
            Console.WriteLine();
            Console.WriteLine($"report: {file}");
            if (result.GetValue(json) is { } jsonFile)
            {
                var path = Path.GetFullPath(jsonFile);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, BenchJson.Serialize(BenchJson.Rows(udpSamples, latencySamples)), ct);
                Console.WriteLine($"data: {path}");
            }
            return samples.Any(s => s.Result.Failed > 0) ? 1 : 0;
        });
        return command;
    }

    /// <summary>The UDP port of the extra service the packet-rate search uses.</summary>
    private const int UdpPort = 9999;

    // One step: lvs-pktgen offers 2 s of 64-byte frames (22 bytes of UDP payload) at the rate from
    // 16 source ports, in sendmmsg batches; the real servers' kernels count what arrived.
    private static async Task<(long Sent, long Received, double Achieved)> UdpStepAsync(IRunningLab lab, string destination, int rate, double seconds, CancellationToken ct)
    {
        var servers = lab.Nodes.Where(n => n.Role == NodeRole.RealServer).Select(n => n.Name).ToList();
        async Task<long> CountAsync()
        {
            long total = 0;
            foreach (var server in servers)
            {
                var snmp = (await lab.ExecAsync(server, ["cat", "/proc/net/snmp"], ct)).Stdout.Split('\n').Where(l => l.StartsWith("Udp: ", StringComparison.Ordinal)).ToList();
                var names = snmp[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var values = snmp[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                total += long.Parse(values[Array.IndexOf(names, "InDatagrams")], CultureInfo.InvariantCulture)
                    + long.Parse(values[Array.IndexOf(names, "NoPorts")], CultureInfo.InvariantCulture);
            }

            return total;
        }

        var client = lab.Nodes.First(n => n.Role == NodeRole.Client).Name;
        var before = await CountAsync();
        var run = await lab.ExecAsync(client, ["lvs-pktgen", "udp", "--to", string.Create(CultureInfo.InvariantCulture, $"{destination}:{UdpPort}"), "--rate", rate.ToString(CultureInfo.InvariantCulture), "--seconds", seconds.ToString("0.######", CultureInfo.InvariantCulture)], ct);
        var said = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"sent=(\d+) seconds=([\d.]+) rate=(\d+)");
        if (run.ExitCode != 0 || !said.Success)
        {
            throw new FormatException($"lvs-pktgen failed ({run.ExitCode}): {run.Stdout}{run.Stderr}");
        }

        // Counters settle within a moment of the last frame; wait until two reads agree.
        long received = await CountAsync();
        for (var i = 0; i < 20; i++)
        {
            var again = await CountAsync();
            if (again == received)
            {
                break;
            }

            received = again;
        }

        var sent = long.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture);
        return (sent, received - before, double.Parse(said.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    // The machine's busy CPU time so far (all CPUs, user + system + softirq …, not idle or
    // waiting), from /proc/stat, in microseconds; null where there is no /proc/stat.
    private static double? MachineBusyMicroseconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        var steal = fields.Length > 7 ? fields[7] : 0;
        return (fields.Take(8).Sum() - idle - steal) * 10_000.0;
    }

    // Captures the forwarder's links while lvs-pktgen offers the rate for 1 s, and pairs what went
    // in with what came out.
    private static async Task<ForwardingLatency> LatencyAsync(IRunningLab lab, int rate, CancellationToken ct)
    {
        var director = lab.Nodes.First(n => n.Role == NodeRole.Director);
        var folder = Path.Combine(Path.GetTempPath(), $"lvslab-bench-latency-{Guid.NewGuid():N}");
        try
        {
            await using var taps = Testing.Capture.TapSet.Start(lab, folder, director.Name);
            await UdpStepAsync(lab, lab.Topology.Vip.ToString(), rate, 1, ct);
            await taps.StopAsync();
            return ForwardingLatency.Measure(taps.Captures.Values.SelectMany(f => f), [.. director.Interfaces.Select(i => i.Mac)]);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // bench-MODE-PID-FORWARDER, cut to the 24 characters a lab name may have.
    private static string LabName(string mode, string forwarder)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"bench-{mode}-{Environment.ProcessId % 10000}-{Slug(forwarder)}");
        return name[..Math.Min(24, name.Length)].TrimEnd('-');
    }

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Slug(string forwarder) => new([.. forwarder.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]);

    private static async Task<ApacheBenchResult> AbAsync(IRunningLab lab, string url, int requests, int concurrency, CancellationToken ct)
    {
        var client = lab.Nodes.First(n => n.Role == NodeRole.Client).Name;
        var run = await lab.ExecAsync(client, ["ab", "-q", "-s", "10", "-n", requests.ToString(CultureInfo.InvariantCulture), "-c", concurrency.ToString(CultureInfo.InvariantCulture), url], ct);
        return run.ExitCode == 0 ? ApacheBenchResult.Parse(run.Stdout) : throw new FormatException($"ab failed ({run.ExitCode}): {run.Stderr.Trim()} {run.Stdout.Trim()}");
    }

    // What some work cost: the C# director's CPU time, garbage collections, wake-ups and send
    // calls during it (null for another forwarder), and the whole machine's busy CPU time.
    private readonly record struct Cost(double? DirectorMicroseconds, long? Collections, double? MachineMicroseconds, double Seconds, DirectorCounters? Io)
    {
        public (double? Director, double? Machine) Per(long units) =>
            (DirectorMicroseconds / Math.Max(1, units), MachineMicroseconds / Math.Max(1, units));

        // Wake-ups per second, frames sent per wake-up and per send call (the director's batching).
        public (double? WakeupsPerSecond, double? FramesPerWakeup, double? FramesPerSendCall) Batching =>
            Io is not { } io ? (null, null, null)
            : (io.Wakeups / Math.Max(0.001, Seconds), io.Wakeups == 0 ? null : io.FramesSent / (double)io.Wakeups, io.SendCalls == 0 ? null : io.FramesSent / (double)io.SendCalls);
    }

    // The director's counters at one moment (or the difference of two).
    private readonly record struct DirectorCounters(double CpuMicroseconds, long Collections, long Wakeups, long SendCalls, long FramesSent)
    {
        public static DirectorCounters operator -(DirectorCounters a, DirectorCounters b) =>
            new(a.CpuMicroseconds - b.CpuMicroseconds, a.Collections - b.Collections, a.Wakeups - b.Wakeups, a.SendCalls - b.SendCalls, a.FramesSent - b.FramesSent);
    }

    private static async Task<(T Result, Cost Cost)> CostedAsync<T>(IRunningLab lab, string forwarder, Func<Task<T>> work, CancellationToken ct)
    {
        // The baseline without a load balancer has no director to ask.
        var director = forwarder != NoLoadBalancer && LabForwarders.IsLvsDirector(forwarder);
        var before = director ? await DirectorCostAsync(lab, ct) : null;
        var machineBefore = MachineBusyMicroseconds();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await work();
        var seconds = clock.Elapsed.TotalSeconds;
        var machineAfter = MachineBusyMicroseconds();
        var after = director ? await DirectorCostAsync(lab, ct) : null;
        var delta = before is { } b && after is { } a ? a - b : (DirectorCounters?)null;
        return (result, new Cost(delta?.CpuMicroseconds, delta?.Collections, machineAfter - machineBefore, seconds, delta));
    }

    // lvs-director's CPU time (PID 1 of its container: utime + stime, in clock ticks of 10 ms),
    // its wake-ups (the voluntary context switches of all its threads: each is a wait that ended),
    // its garbage collections and its frame-sending calls so far.
    private static async Task<DirectorCounters?> DirectorCostAsync(IRunningLab lab, CancellationToken ct)
    {
        var director = lab.Nodes.First(n => n.Role == NodeRole.Director).Name;
        var proc = await lab.ExecAsync(director, ["sh", "-c", "cat /proc/1/stat; grep -h '^voluntary_ctxt_switches' /proc/1/task/*/status"], ct);
        var lines = proc.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stat = lines[0];
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var wakeups = lines.Skip(1).Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
        var json = await lab.ExecAsync(director, ["lvs-director", "stats", "--json"], ct);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        var gc = root.GetProperty("gc");
        var io = root.GetProperty("io");
        return new DirectorCounters(
            ticks * 10_000,
            gc.GetProperty("gen0").GetInt64() + gc.GetProperty("gen1").GetInt64() + gc.GetProperty("gen2").GetInt64(),
            wakeups,
            io.GetProperty("sendCalls").GetInt64(),
            io.GetProperty("framesSent").GetInt64());
    }

    private static async Task<IReadOnlyList<string>> MachineAsync(CancellationToken ct)
    {
        var model = File.Exists("/proc/cpuinfo")
            ? (await File.ReadAllLinesAsync("/proc/cpuinfo", ct)).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease", ct)).Trim() : "?";
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} CPU(s), {model}, Linux {kernel}"),
            $"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; .NET {Environment.Version}",
        ];
    }
}
