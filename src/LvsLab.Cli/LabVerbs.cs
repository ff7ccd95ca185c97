using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;
using LvsLab.Testing.Timeline;

namespace LvsLab.Cli;

/// <summary>The verbs that work on a running lab: exec, rules, stats, probe, capture.</summary>
internal static class LabVerbs
{
    /// <summary>The lab option shared by the verbs.</summary>
    public static Option<string?> LabName() => new("--name") { Description = "the lab (default: the only one running)" };

    /// <summary><c>exec NODE -- CMD…</c>: runs a command in a node and passes its output and exit code on.</summary>
    public static Command Exec()
    {
        var node = new Argument<string>("node") { Description = "the node, e.g. client, director, rs1" };
        var commandLine = new Argument<string[]>("command") { Description = "the command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var name = LabName();
        var command = new Command("exec", "run a command in a lab node (not interactive: for a shell, docker exec -it CONTAINER bash)") { node, commandLine, name };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(name), async lab =>
        {
            var target = lab.Node(result.GetValue(node)!);
            var run = await lab.ExecAsync(target.Name, result.GetValue(commandLine)!, ct);
            Console.Write(run.Stdout);
            await Console.Error.WriteAsync(run.Stderr);
            return (int)run.ExitCode;
        }, ct));
        return command;
    }

    /// <summary><c>rules [--apply FILE [--replace]]</c>: shows the director's rules, or applies ipvsadm commands to it.</summary>
    public static Command Rules()
    {
        var apply = new Option<FileInfo?>("--apply") { Description = "a file of ipvsadm commands (-A/-E/-D/-a/-e/-d/-C lines) to apply at once, all or nothing" };
        var replace = new Option<bool>("--replace") { Description = "with --apply: clear the running rules first (ipvsadm -C, then the file)" };
        var name = LabName();
        var command = new Command("rules", "show the director's ipvsadm rules, or apply a file of ipvsadm commands to it") { apply, replace, name };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(name), async lab =>
        {
            var director = LabSelection.NodeWith(lab, NodeRole.Director).Name;
            if (result.GetValue(apply) is not { } file)
            {
                return await PassAsync(lab, director, ["lvs-director", "ipvsadm", "-S", "-n"], ct);
            }

            string text;
            try
            {
                text = await File.ReadAllTextAsync(file.FullName, ct);
            }
            catch (IOException e)
            {
                return Fail($"cannot read '{file.FullName}': {e.Message}");
            }

            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            var restore = result.GetValue(replace) ? "lvs-director restore --replace --rules /tmp/lvslab-rules" : "lvs-director restore --rules /tmp/lvslab-rules";
            var exit = await PassAsync(lab, director, ["sh", "-c", $"echo {encoded} | base64 -d > /tmp/lvslab-rules && {restore}"], ct);
            return exit == 0 ? await PassAsync(lab, director, ["lvs-director", "ipvsadm", "-L", "-n"], ct) : exit;
        }, ct));
        return command;
    }

    /// <summary><c>stats [--json | --rate | --connections]</c>: the director's counters, like ipvsadm -Ln --stats.</summary>
    public static Command Stats()
    {
        var json = new Option<bool>("--json") { Description = "machine-readable counters, with drops by reason" };
        var rate = new Option<bool>("--rate") { Description = "rates over the last seconds, like ipvsadm -Ln --rate" };
        var connections = new Option<bool>("--connections") { Description = "the connection table, like ipvsadm -Lnc" };
        var name = LabName();
        var command = new Command("stats", "the director's counters (like ipvsadm -Ln --stats, plus drops by reason)") { json, rate, connections, name };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(name), async lab =>
        {
            var director = LabSelection.NodeWith(lab, NodeRole.Director).Name;
            IReadOnlyList<string> arguments = result.GetValue(json) ? ["lvs-director", "stats", "--json"]
                : result.GetValue(rate) ? ["lvs-director", "ipvsadm", "-L", "-n", "--rate"]
                : result.GetValue(connections) ? ["lvs-director", "ipvsadm", "-L", "-n", "-c"]
                : ["lvs-director", "stats"];
            return await PassAsync(lab, director, arguments, ct);
        }, ct));
        return command;
    }

    /// <summary><c>probe [-n N | --for D [--rate R] [--plot FILE]] [--port P] [--udp]</c>: requests from the client, which server answered each.</summary>
    public static Command Probe()
    {
        var count = new Option<int>("-n", "--count") { Description = "how many requests (one after the other)", DefaultValueFactory = _ => 10 };
        var port = new Option<int?>("--port") { Description = "the VIP's port (default: the lab's service port; UDP: 53)" };
        var udp = new Option<bool>("--udp") { Description = "UDP datagrams (socat) instead of HTTP (curl)" };
        var during = new Option<string?>("--for") { Description = "a timeline: send at a steady rate for this long (e.g. 30s, 2m) and show each second live: who answered, what failed, what happened to the lab" };
        var rate = new Option<int>("--rate") { Description = $"with --for: requests per second (1 to {ProbeScript.MaxRate})", DefaultValueFactory = _ => 20 };
        var timeout = new Option<string>("--timeout") { Description = "with --for: how long a request may take before it counts as failed", DefaultValueFactory = _ => "1s" };
        var plot = new Option<string?>("--plot") { Description = "with --for: save the timeline as a picture, FILE.svg or FILE.png, with the lab's events marked" };
        var name = LabName();
        var command = new Command("probe", "send requests from the client to the VIP and show which real server answered each; --for: a live timeline") { count, port, udp, during, rate, timeout, plot, name };
        command.SetAction(async (result, ct) =>
        {
            var isUdp = result.GetValue(udp);
            if (result.GetValue(during) is { } forText)
            {
                // Everything is checked before the lab is touched.
                if (!Durations.TryParse(forText, out var duration) || duration > ProbeScript.MaxDuration)
                {
                    return Fail($"--for {forText}: a duration such as 30s, 500ms or 2m, at most {ProbeScript.MaxDuration.TotalMinutes:0} minutes");
                }

                var r = result.GetValue(rate);
                if (r is < 1 or > ProbeScript.MaxRate)
                {
                    return Fail($"--rate {r}: between 1 and {ProbeScript.MaxRate} requests per second");
                }

                if (!Durations.TryParse(result.GetValue(timeout), out var wait) || wait > TimeSpan.FromSeconds(60))
                {
                    return Fail($"--timeout {result.GetValue(timeout)}: a duration such as 1s or 500ms, at most 60s");
                }

                var picture = result.GetValue(plot);
                if (picture is not null && Path.GetExtension(picture).ToUpperInvariant() is not (".SVG" or ".PNG"))
                {
                    return Fail($"--plot {picture}: the picture is FILE.svg or FILE.png");
                }

                return await RunAsync(result.GetValue(name), async (runtime, lab) =>
                {
                    var client = LabSelection.NodeWith(lab, NodeRole.Client).Name;
                    var vip = lab.Topology.Vip;
                    var p = result.GetValue(port) ?? (isUdp ? 53 : lab.Topology.Port);
                    var url = string.Create(CultureInfo.InvariantCulture, $"http://{vip}:{p}/");
                    var (target, script) = isUdp
                        ? (string.Create(CultureInfo.InvariantCulture, $"udp {vip}:{p}, {r}/s for {forText}"), ProbeScript.Udp(vip, p, r, duration, wait))
                        : (string.Create(CultureInfo.InvariantCulture, $"{url}, {r}/s for {forText}"), ProbeScript.Http(url, r, duration, wait));
                    return await TimelineProbe.RunAsync(runtime, lab, client, target, script, picture, ct);
                }, ct);
            }

            return await RunAsync(result.GetValue(name), async lab =>
            {
                var n = result.GetValue(count);
                if (n is < 1 or > 10000)
                {
                    return Fail($"-n {n}: between 1 and 10000 requests");
                }

                var client = LabSelection.NodeWith(lab, NodeRole.Client).Name;
                var vip = lab.Topology.Vip;
                var p = result.GetValue(port) ?? (isUdp ? 53 : lab.Topology.Port);
                var replies = isUdp
                    ? await HttpProbe.UdpAsync(lab, client, vip.ToString(), p, n, ct)
                    : await HttpProbe.GetAsync(lab, client, string.Create(CultureInfo.InvariantCulture, $"http://{vip}:{p}/"), n, cancellationToken: ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"#",4}  {"SERVER",-8} {"SEEN CLIENT",-22}"));
                for (var i = 0; i < replies.Count; i++)
                {
                    var reply = replies[i];
                    Console.WriteLine(reply is null
                        ? string.Create(CultureInfo.InvariantCulture, $"{i + 1,4}  {"FAILED",-8}")
                        : string.Create(CultureInfo.InvariantCulture, $"{i + 1,4}  {reply.Server,-8} {reply.Client + ":" + reply.ClientPort,-22}"));
                }

                Console.WriteLine();
                foreach (var group in replies.GroupBy(reply => reply?.Server ?? "FAILED").OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key,-8} {group.Count(),5}  ({100.0 * group.Count() / replies.Count:F1}%)"));
                }

                return replies.Any(reply => reply is null) ? 1 : 0;
            }, ct);
        });
        return command;
    }

    /// <summary><c>capture TARGET [-w FILE] [--seconds N]</c>: a pcap of a node's links or a whole network.</summary>
    public static Command Capture()
    {
        var target = new Argument<string>("target") { Description = "a node (all its links), NODE:NETWORK, or a network name (its bridge: every frame on it)" };
        var write = new Option<string?>("-w") { Description = "the pcap to write (default: ./lvslab-LAB-TARGET.pcap; one file per link for a node with several)" };
        var seconds = new Option<double>("--seconds") { Description = "how long to capture", DefaultValueFactory = _ => 10 };
        var name = LabName();
        var command = new Command("capture", "capture a node's links or a network into pcap files that open in Wireshark") { target, write, seconds, name };
        command.SetAction(async (result, ct) =>
        {
            var runtime = new DockerLabRuntime();
            return await RunAsync(runtime, result.GetValue(name), async lab =>
            {
                var duration = result.GetValue(seconds);
                if (duration is <= 0 or > 3600)
                {
                    return Fail($"--seconds {duration}: between 0 and 3600");
                }

                var what = result.GetValue(target)!;
                var links = await LinksAsync(runtime, lab, what, ct);
                var folder = Path.Combine(Path.GetTempPath(), $"lvslab-capture-{Environment.ProcessId}");
                var taps = new List<Tap>();
                try
                {
                    foreach (var (label, hostInterface) in links)
                    {
                        taps.Add(Tap.Start(label, hostInterface));
                    }

                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"capturing {string.Join(", ", links.Select(l => l.Label))} for {duration} s (Ctrl-C stops early)"));
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(duration), ct);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    var written = new List<string>();
                    foreach (var tap in taps)
                    {
                        var pcap = await tap.StopAsync(folder, limit: TimeSpan.FromSeconds(2));
                        var destination = result.GetValue(write) is { } w
                            ? taps.Count == 1 ? w : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(w)) ?? ".", $"{Path.GetFileNameWithoutExtension(w)}-{tap.Label}.pcap")
                            : Path.GetFullPath($"lvslab-{lab.Topology.Name}-{tap.Label}.pcap");
                        File.Move(pcap, destination, overwrite: true);
                        written.Add(string.Create(CultureInfo.InvariantCulture, $"{destination} ({tap.Frames.Count} frames)"));
                    }

                    foreach (var line in written)
                    {
                        Console.WriteLine(line);
                    }

                    return 0;
                }
                finally
                {
                    foreach (var tap in taps)
                    {
                        tap.Dispose();
                    }
                }
            }, CancellationToken.None);
        });
        return command;
    }

    /// <summary><c>run CHECK</c> (or <c>run --list</c>): a named scenario check against the running lab, with evidence.</summary>
    public static Command Run()
    {
        var check = new Argument<string?>("check") { Description = "the check's name (run --list shows them)", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "list the checks" };
        var artifacts = new Option<string?>("--artifacts") { Description = "where its captures go (default: ./lvslab-run-LAB-CHECK)" };
        var name = LabName();
        var command = new Command("run", "run a named scenario check of the suite against a running lab, with evidence and captures") { check, list, artifacts, name };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(list) || result.GetValue(check) is null)
            {
                foreach (var c in Testing.Checks.LabChecks.All)
                {
                    Console.WriteLine($"  {c.Name,-16} {(c.Modes.Count == 0 ? "any" : string.Join(",", c.Modes)),-8} {c.Description}");
                }

                return result.GetValue(list) ? 0 : Fail("say which check to run (above), e.g. lvslab run arp-vip");
            }

            Testing.Checks.ILabCheck chosen;
            try
            {
                chosen = Testing.Checks.LabChecks.Find(result.GetValue(check)!);
            }
            catch (KeyNotFoundException e)
            {
                return Fail(e.Message.Trim('\''));
            }

            return await RunAsync(result.GetValue(name), async lab =>
            {
                var folder = Path.GetFullPath(result.GetValue(artifacts) ?? $"lvslab-run-{lab.Topology.Name}-{chosen.Name}");
                Directory.CreateDirectory(folder);
                var outcome = await chosen.RunAsync(lab, folder, ct);
                Console.WriteLine($"{(outcome.Passed ? "PASS" : "FAIL")}  {chosen.Name}: {chosen.Description}");
                foreach (var line in outcome.Evidence)
                {
                    Console.WriteLine($"  {line}");
                }

                foreach (var pcap in outcome.Pcaps)
                {
                    Console.WriteLine($"  capture: {pcap}");
                }

                return outcome.Passed ? 0 : 1;
            }, ct);
        });
        return command;
    }

    /// <summary><c>flow [-o FILE.svg] [--no-reply] [--ipv6]</c>: one request's path hop by hop, as text and as an SVG picture.</summary>
    public static Command Flow()
    {
        var svg = new Option<string?>("-o", "--out") { Description = "the SVG to write (default: ./lvslab-LAB-flow.svg)" };
        var noReply = new Option<bool>("--no-reply") { Description = "follow the request only" };
        var ipv6 = new Option<bool>("--ipv6") { Description = "send the request over IPv6, to the VIP6 of a dual-stack lab (one brought up with --ipv6)" };
        var name = LabName();
        var command = new Command("flow", "send one HTTP request from the client to the VIP (or with --ipv6 the VIP6) and draw its path hop by hop (MACs, IPs, ports, TTL or hop limit, a tunnel's outer header; what each hop rewrote)") { svg, noReply, ipv6, name };
        command.SetAction(async (result, ct) => await RunAsync(result.GetValue(name), async lab =>
        {
            IPAddress vip;
            if (!result.GetValue(ipv6))
            {
                vip = lab.Topology.Vip;
            }
            else if (lab.Topology.Vip6 is { } vip6)
            {
                vip = vip6;
            }
            else
            {
                return Fail($"lab '{lab.Topology.Name}' is not dual-stack (no VIP6): bring it up with --ipv6");
            }

            var client = LabSelection.NodeWith(lab, NodeRole.Client).Name;
            var folder = Path.Combine(Path.GetTempPath(), $"lvslab-flow-{Environment.ProcessId}");
            var taps = TapSet.Start(lab, folder, [.. lab.Nodes.Where(n => n.IsRunning).Select(n => n.Name)]);
            await using (taps)
            {
                var host = vip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{vip}]" : vip.ToString();
                var url = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{lab.Topology.Port}/");
                var reply = (await HttpProbe.GetAsync(lab, client, url, 1, cancellationToken: ct))[0];
                await taps.StopAsync();
                Testing.Flow.PacketFlow flow;
                try
                {
                    var tracer = Testing.Flow.FlowTracer.For(lab, taps.Captures);
                    flow = result.GetValue(noReply)
                        ? tracer.Trace(f => f.Tcp is { Synchronize: true, Acknowledgment: false } && f.IsIp(null, vip), withReply: false)
                        : tracer.Trace();
                }
                catch (Testing.Flow.FlowTraceException e)
                {
                    return Fail(e.Message);
                }

                Console.Write(Testing.Flow.FlowText.Render(flow));
                var path = Path.GetFullPath(result.GetValue(svg) ?? $"lvslab-{lab.Topology.Name}-flow.svg");
                await File.WriteAllTextAsync(path, Testing.Flow.FlowSvg.Render(flow), ct);
                Console.WriteLine();
                Console.WriteLine(reply is null ? "the request failed (the picture shows how far it got)" : $"answered by {reply.Server}");
                Console.WriteLine($"picture: {path}");
                return 0;
            }
        }, ct));
        return command;
    }

    /// <summary>Attaches to the lab and runs <paramref name="body"/>; a lab error becomes a message and exit 1.</summary>
    public static Task<int> RunAsync(string? name, Func<IRunningLab, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(new DockerLabRuntime(), name, body, cancellationToken);

    /// <summary>Attaches to the lab and runs <paramref name="body"/> with the runtime too (for node events, say).</summary>
    public static Task<int> RunAsync(string? name, Func<DockerLabRuntime, IRunningLab, Task<int>> body, CancellationToken cancellationToken)
    {
        var runtime = new DockerLabRuntime();
        return RunAsync(runtime, name, lab => body(runtime, lab), cancellationToken);
    }

    /// <summary>Prints a message on stderr and gives exit code 1.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"lvslab: {message}");
        return 1;
    }

    private static async Task<int> RunAsync(DockerLabRuntime runtime, string? name, Func<IRunningLab, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var lab = await LabSelection.AttachAsync(runtime, name, cancellationToken);
            var down = lab.Nodes.Where(n => !n.IsRunning).ToList();
            if (down.Count > 0)
            {
                await Console.Error.WriteLineAsync($"lvslab: down in lab '{lab.Topology.Name}': {string.Join(", ", down.Select(n => $"{n.Name} ({n.State})"))}");
            }

            return await body(lab);
        }
        catch (Exception e) when (e is LabConfigurationException or NodeNotRunningException)
        {
            return Fail(e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return Fail(e.Message.Trim('\''));
        }
    }

    private static async Task<int> PassAsync(IRunningLab lab, string node, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var run = await lab.ExecAsync(node, command, cancellationToken);
        Console.Write(run.Stdout);
        await Console.Error.WriteAsync(run.Stderr);
        return (int)run.ExitCode;
    }

    // The host-side interfaces to capture for a target: a node's veths, one of them, or a network's bridge.
    private static async Task<List<(string Label, string HostInterface)>> LinksAsync(DockerLabRuntime runtime, IRunningLab lab, string target, CancellationToken cancellationToken)
    {
        var parts = target.Split(':');
        var node = lab.Nodes.FirstOrDefault(n => n.Name == parts[0]);
        if (node is not null)
        {
            if (!node.IsRunning)
            {
                throw new LabConfigurationException($"node '{node.Name}' is {node.State}: nothing to capture until it runs (lvslab start {node.Name})");
            }

            var nics = node.Interfaces.Where(i => parts.Length == 1 || i.Network == parts[1]).ToList();
            return nics.Count > 0
                ? nics.Select(i => ($"{node.Name}-{i.Network}", i.HostInterface)).ToList()
                : throw new LabConfigurationException($"node '{node.Name}' has no link on '{parts[1]}' (its networks: {string.Join(", ", node.Interfaces.Select(i => i.Network))})");
        }

        if (lab.Topology.Networks.Any(n => n.Name == target))
        {
            return [($"{target}", await runtime.BridgeOfAsync(lab.Topology.Name, target, cancellationToken))];
        }

        throw new LabConfigurationException(
            $"'{target}' is neither a node ({string.Join(", ", lab.Nodes.Select(n => n.Name))}) nor a network ({string.Join(", ", lab.Topology.Networks.Select(n => n.Name))}) of lab '{lab.Topology.Name}'");
    }
}
