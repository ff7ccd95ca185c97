using System.CommandLine;
using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Cli;

/// <summary>The <c>lvslab</c> verbs: thin layers over the lab runtime.</summary>
public static class LabCommands
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Builds the command tree.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var root = new RootCommand("lvslab: bring up LVS labs (DR, NAT, TUN) in Docker and look at their packets");
        root.Subcommands.Add(Up());
        root.Subcommands.Add(Down());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(LabVerbs.Exec());
        root.Subcommands.Add(LabVerbs.Rules());
        root.Subcommands.Add(LabVerbs.Stats());
        root.Subcommands.Add(LabVerbs.Probe());
        root.Subcommands.Add(WatchVerb.Build());
        root.Subcommands.Add(LabVerbs.Capture());
        root.Subcommands.Add(LabVerbs.Run());
        root.Subcommands.Add(LabVerbs.Flow());
        root.Subcommands.Add(FaultVerbs.Stop());
        root.Subcommands.Add(FaultVerbs.Start());
        root.Subcommands.Add(FaultVerbs.Restart());
        root.Subcommands.Add(FaultVerbs.Link());
        root.Subcommands.Add(BenchVerb.Build());
        root.Subcommands.Add(ConformVerb.Build());
        return root;
    }

    private static Command Up()
    {
        var kind = new Argument<string>("lab") { Description = $"a topology file (*.lab.yml), or a stock lab: {string.Join(", ", StockLabs.Names)}" };
        var name = new Option<string?>("--name") { Description = "the lab's name (default: the file's name, e.g. dr)" };
        var servers = new Option<int?>("--servers") { Description = "how many real servers (default: the file's count)" };
        var forwarder = new Option<string>("--forwarder") { Description = "what forwards in the director: lvslab (the C# lvs-director), lvslab-pcap (the same with libpcap frame I/O), nftables (DR, NAT), ipvs (kernel IPVS), xdp (an XDP program, DR), or image:NAME:TAG (your own)", DefaultValueFactory = _ => LabForwarders.LvsLab };
        var directors = new Option<int>("--directors") { Description = "1, or 2 for a VRRP pair (director1 the master, director2 the backup; in NAT the real servers' gateway floats with the VIP; forwarders that speak VRRP: lvslab and lvslab-pcap, with connection sync, and nftables, with keepalived)", DefaultValueFactory = _ => 1 };
        var second = new Option<string?>("--second-forwarder") { Description = "with --directors 2: director2's forwarder when the pair mixes two (e.g. --forwarder lvslab --second-forwarder nftables: lvs-director beside keepalived)" };
        var ipv6 = new Option<bool>("--ipv6") { Description = "dual stack: every lab network gets a unique-local IPv6 /64 beside its IPv4 subnet (fd00:10:77:X::H beside 10.77.X.H), a VIP6 beside the VIP, real servers that answer on both (as ipv6: true in a topology file)" };
        var command = new Command("up", "bring a lab up from a topology file or a stock lab, and leave it running") { kind, name, servers, forwarder, directors, second, ipv6 };
        command.SetAction(async (result, ct) =>
        {
            var labKind = result.GetValue(kind)!;
            var isFile = labKind.EndsWith(".yml", StringComparison.Ordinal) || labKind.EndsWith(".yaml", StringComparison.Ordinal) || File.Exists(labKind);
            if (!isFile && !StockLabs.Names.Contains(labKind))
            {
                return Fail($"unknown lab '{labKind}' (known: {string.Join(", ", StockLabs.Names)}, or a topology file *.lab.yml)");
            }

            var runtime = new DockerLabRuntime();
            var owner = Environment.GetEnvironmentVariable("LVSLAB_OWNER") == "process" ? LabOwner.CurrentProcess() : LabOwner.Kept;
            string labName;
            try
            {
                // The file is read and checked before anything is made.
                var slot = await runtime.FreeSlotAsync(ct);
                bool? dualStack = result.GetValue(ipv6) ? true : null;
                var topology = isFile
                    ? LabFile.Load(labKind, result.GetValue(name), slot, result.GetValue(servers), dualStack)
                    : StockLabs.Load(labKind, result.GetValue(name), slot, result.GetValue(servers), dualStack);
                switch (result.GetValue(directors))
                {
                    case 1 when LabForwarders.IsPair(topology):
                        // The topology file made the pair (directors: 2).
                        try
                        {
                            topology = LabForwarders.ApplyToPair(topology, result.GetValue(forwarder)!, result.GetValue(second));
                        }
                        catch (ArgumentException e)
                        {
                            return Fail($"{labKind}: directors: 2: {e.Message}");
                        }

                        break;
                    case 1 when result.GetValue(second) is { } lone:
                        return Fail($"--second-forwarder '{lone}': director2's forwarder, with --directors 2");
                    case 1:
                        topology = LabForwarders.Apply(topology, result.GetValue(forwarder)!);
                        break;
                    case 2:
                        try
                        {
                            topology = LabForwarders.ApplyPair(topology, result.GetValue(forwarder)!, result.GetValue(second));
                        }
                        catch (ArgumentException e)
                        {
                            return Fail($"--directors 2: {e.Message}");
                        }

                        break;
                    case var n:
                        return Fail($"--directors {n}: 1, or 2 for a VRRP pair");
                }

                labName = topology.Name;
                await Console.Error.WriteLineAsync($"lvslab: bringing up lab '{labName}' ({topology.Mode}, {topology.Nodes.Count} nodes, subnets {string.Join(", ", topology.Networks.Select(n => n.Subnet))})");
                await runtime.UpAsync(topology, owner, new Progress<string>(line => Console.Error.WriteLine($"  {line}")), ct);
            }
            catch (TopologyFileException e)
            {
                return Fail(e.Message);
            }
            catch (IOException e)
            {
                return Fail($"cannot read '{labKind}': {e.Message}");
            }
            catch (LabConfigurationException e)
            {
                return Fail(e.Message);
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message);
            }

            var status = (await runtime.ListAsync(ct)).First(l => l.Name == labName);
            PrintTable(status, await HealthStates.ReadAsync(runtime, status, ct));
            Console.WriteLine();
            Console.WriteLine("next:");
            var realServer = status.Nodes.FirstOrDefault(n => n.Role == "realserver")?.Name;
            var directorNodes = status.Nodes.Where(n => n.Role == "director").Select(n => n.Name).ToList();
            foreach (var line in NextSteps.Lines(labName, status.Vip, status.Port, realServer, directorNodes))
            {
                Console.WriteLine(line);
            }

            return 0;
        });
        return command;
    }

    private static Command Down()
    {
        var name = new Option<string?>("--name") { Description = "the lab to take down" };
        var all = new Option<bool>("--all") { Description = "take every lab down" };
        var command = new Command("down", "remove a lab's containers and networks (from Docker labels alone)") { name, all };
        command.SetAction(async (result, ct) =>
        {
            var runtime = new DockerLabRuntime();
            var labs = await runtime.ListAsync(ct);
            IEnumerable<string> targets;
            if (result.GetValue(all))
            {
                targets = labs.Select(l => l.Name);
            }
            else if (result.GetValue(name) is { } labName)
            {
                targets = [labName];
            }
            else
            {
                return Fail("say which lab: --name NAME, or --all");
            }

            var removedAny = false;
            foreach (var target in targets)
            {
                var removed = await runtime.DownAsync(target, ct);
                removedAny |= removed > 0;
                if (removed == 0)
                {
                    await Console.Error.WriteLineAsync($"lvslab: no lab named '{target}' (labs: {Names(labs)})");
                }
                else
                {
                    Console.WriteLine($"lab '{target}' removed ({removed} containers and networks)");
                }
            }

            return removedAny || result.GetValue(all) ? 0 : 1;
        });
        return command;
    }

    private static Command Status()
    {
        var name = new Option<string?>("--name") { Description = "one lab (default: all)" };
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var command = new Command("status", "show running labs, their nodes and addresses") { name, json };
        command.SetAction(async (result, ct) =>
        {
            var runtime = new DockerLabRuntime();
            var labs = await runtime.ListAsync(ct);
            if (result.GetValue(name) is { } labName)
            {
                labs = labs.Where(l => l.Name == labName).ToList();
                if (labs.Count == 0)
                {
                    return Fail($"no lab named '{labName}'");
                }
            }

            var health = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (var lab in labs)
            {
                health[lab.Name] = await HealthStates.ReadAsync(runtime, lab, ct);
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(result.GetValue(name) is null
                    ? JsonSerializer.Serialize(labs.Select(l => ToJson(l, health[l.Name])), JsonOptions)
                    : JsonSerializer.Serialize(ToJson(labs[0], health[labs[0].Name]), JsonOptions));
                return 0;
            }

            foreach (var lab in labs)
            {
                PrintTable(lab, health[lab.Name]);
            }

            if (labs.Count == 0)
            {
                Console.WriteLine("no labs running");
            }

            return 0;
        });
        return command;
    }

    // Real servers carry "health" (up, down, unchecked, or "-" when the director cannot say);
    // the directors of a VRRP pair "vrrp" (master or backup).
    private static object ToJson(LabStatus lab, IReadOnlyDictionary<string, string> health) => new
    {
        name = lab.Name,
        mode = lab.Mode,
        vip = lab.Vip,
        vip6 = lab.Vip6,
        port = lab.Port,
        owner = lab.Owner,
        nodes = lab.Nodes.Select(n => health.TryGetValue(n.Name, out var h)
            ? n.Role == "director"
                ? (object)new { name = n.Name, role = n.Role, container = n.Container, state = n.State, ips = n.Ips, vrrp = h }
                : new { name = n.Name, role = n.Role, container = n.Container, state = n.State, ips = n.Ips, health = h }
            : new { name = n.Name, role = n.Role, container = n.Container, state = n.State, ips = n.Ips }),
    };

    private static void PrintTable(LabStatus lab, IReadOnlyDictionary<string, string> health)
    {
        Console.WriteLine($"lab {lab.Name}: mode {lab.Mode}, VIP {lab.Vip}:{lab.Port}{(lab.Vip6 is { } vip6 ? $", VIP6 [{vip6}]:{lab.Port}" : string.Empty)}");
        Console.WriteLine($"  {"NODE",-10} {"ROLE",-11} {"CONTAINER",-28} {"STATE",-8} {"HEALTH",-9} ADDRESSES");
        foreach (var node in lab.Nodes)
        {
            Console.WriteLine($"  {node.Name,-10} {node.Role,-11} {node.Container,-28} {node.State,-8} {health.GetValueOrDefault(node.Name, ""),-9} {string.Join(", ", node.Ips)}");
        }
    }

    private static string Names(IReadOnlyList<LabStatus> labs) => labs.Count == 0 ? "none" : string.Join(", ", labs.Select(l => l.Name));

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"lvslab: {message}");
        return 1;
    }
}
