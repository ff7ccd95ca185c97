using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using LvsLab.Lab.Docker.Images;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsLab.Lab.Docker;

/// <summary>
/// Realises lab topologies with Testcontainers and its Docker.DotNet client: internal networks
/// with fixed subnets, containers with fixed addresses, capabilities and sysctls, addresses on
/// <c>lo</c> and routes; everything labelled so that <see cref="DownAsync"/> and
/// <see cref="SweepAsync"/> work from labels alone.
/// </summary>
public sealed class DockerLabRuntime : ILabRuntime
{
    private readonly DockerEngine engine;
    private readonly LabImages images;

    /// <summary>Connects to the local Docker engine.</summary>
    public DockerLabRuntime()
    {
        engine = DockerEngine.Connect();
        images = new LabImages(engine, ImageSource.Locate());
    }

    /// <summary>The lab images (built on first use).</summary>
    public LabImages Images => images;

    /// <summary>The Docker.DotNet client.</summary>
    internal DockerClient Client => engine.Client;

    /// <inheritdoc/>
    public async Task<IRunningLab> UpAsync(LabTopology topology, LabOwner owner, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(owner);
        var problems = topology.Validate();
        if (problems.Count > 0)
        {
            throw new LabConfigurationException($"lab '{topology.Name}' is invalid:\n  " + string.Join("\n  ", problems));
        }

        if ((await ListAsync(cancellationToken)).Any(l => l.Name == topology.Name) || (await NetworksOfAsync(topology.Name, cancellationToken)).Count > 0)
        {
            throw new LabConfigurationException($"a lab named '{topology.Name}' already exists: take it down first (lvslab down --name {topology.Name})");
        }

        await EnsureSubnetsFreeAsync(topology, cancellationToken);
        var watch = Stopwatch.StartNew();
        var imageTags = new Dictionary<string, string>();
        foreach (var image in topology.Nodes.Select(n => n.Image).Distinct())
        {
            imageTags[image] = await images.EnsureAsync(image, progress, cancellationToken);
        }

        progress?.Report($"images ready ({watch.Elapsed.TotalSeconds:F1} s)");
        var networks = new ConcurrentDictionary<string, INetwork>();
        var containers = new ConcurrentDictionary<string, IContainer>();
        try
        {
            await Task.WhenAll(topology.Networks.Select(async n =>
            {
                var network = BuildNetwork(topology, n, owner);
                await network.CreateAsync(cancellationToken);
                networks[n.Name] = network;
                var inspect = await Client.Networks.InspectNetworkAsync(network.Name, cancellationToken);
                await HostFirewall.AllowWithinAsync(HostFirewall.BridgeOf(inspect.ID), cancellationToken);
            }));
            progress?.Report($"networks up ({watch.Elapsed.TotalSeconds:F1} s)");

            var launches = await Task.WhenAll(imageTags.Values.Distinct().Select(async tag => (Tag: tag, Launch: await ImageLaunch.InspectAsync(Client, tag, cancellationToken))));
            var launchOf = launches.ToDictionary(l => l.Tag, l => l.Launch, StringComparer.Ordinal);
            var timings = new ConcurrentDictionary<string, (TimeSpan Start, TimeSpan Attach, TimeSpan Wire)>();
            var running = await Task.WhenAll(topology.Nodes.Select(async node =>
            {
                var tag = imageTags[node.Image];
                var container = BuildContainer(topology, node, owner, tag, launchOf[tag], networks[node.Interfaces[0].Network]);
                containers[node.Name] = container;
                var nodeWatch = Stopwatch.StartNew();
                await container.StartAsync(cancellationToken);
                var started = nodeWatch.Elapsed;
                for (var i = 1; i < node.Interfaces.Count; i++)
                {
                    var nic = node.Interfaces[i];
                    await Client.Networks.ConnectNetworkAsync(
                        networks[nic.Network].Name,
                        new NetworkConnectParameters
                        {
                            Container = container.Id,
                            EndpointConfig = new EndpointSettings { IPAMConfig = EndpointAddresses(nic) },
                        },
                        cancellationToken);
                }

                var attached = nodeWatch.Elapsed;

                // The node wires itself (NodeWiring) once its last interface is attached.
                var described = await NodeControl.WaitUntilWiredAsync(Client, container.Id, node.Name, node.Role, node.Interfaces, cancellationToken);
                timings[node.Name] = (started, attached - started, nodeWatch.Elapsed - attached);
                return described;
            }));
            var slowest = timings.MaxBy(t => t.Value.Start + t.Value.Attach + t.Value.Wire);
            progress?.Report(string.Create(
                CultureInfo.InvariantCulture,
                $"nodes up ({watch.Elapsed.TotalSeconds:F1} s; slowest {slowest.Key}: created and started {slowest.Value.Start.TotalSeconds:F2} s, networks attached {slowest.Value.Attach.TotalSeconds:F2} s, wired {slowest.Value.Wire.TotalSeconds:F2} s)"));

            var lab = new DockerRunningLab(this, topology, running, containers);
            await lab.WaitForReadinessAsync(cancellationToken);
            progress?.Report($"lab '{topology.Name}' ready in {watch.Elapsed.TotalSeconds:F1} s");
            return lab;
        }
        catch
        {
            await DownAsync(topology.Name, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Refuses, before anything is made, subnets that another Docker network already uses.</summary>
    private async Task EnsureSubnetsFreeAsync(LabTopology topology, CancellationToken cancellationToken)
    {
        var existing = await Client.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken);
        foreach (var network in topology.Networks)
        {
            foreach (var other in existing)
            {
                foreach (var config in other.IPAM?.Config ?? [])
                {
                    if (IPNetwork.TryParse(config.Subnet ?? string.Empty, out var used)
                        && (used.Contains(network.Subnet.BaseAddress) || network.Subnet.Contains(used.BaseAddress)))
                    {
                        var owner = Label(other.Labels, LabLabels.Lab) is { } lab ? $" (lab '{lab}')" : string.Empty;
                        throw new LabConfigurationException(
                            $"lab '{topology.Name}': subnet {network.Subnet} of network '{network.Name}' is already used by Docker network '{other.Name}'{owner}");
                    }
                }
            }
        }
    }

    /// <summary>Reports each node of a lab that stops or starts (its container ends or starts), whoever does it, until cancelled.</summary>
    /// <param name="labName">The lab's name.</param>
    /// <param name="onEvent">Called for each event, in order.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public Task WatchNodeEventsAsync(string labName, Action<NodeEvent> onEvent, CancellationToken cancellationToken = default) =>
        LabEvents.WatchAsync(Client, labName, onEvent, cancellationToken);

    /// <summary>
    /// Finds a lab that is already running (brought up by <c>lvslab up</c> or another process)
    /// from its Docker labels, to run commands in it, capture its links or probe it. Disposing
    /// the result leaves the lab running.
    /// </summary>
    /// <param name="labName">The lab's name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The lab, with what the labels and the containers tell (networks, nodes, roles, addresses, MACs, host veths).</returns>
    /// <exception cref="LabConfigurationException">No such lab, or a node of it is not running.</exception>
    public async Task<IRunningLab> AttachAsync(string labName, CancellationToken cancellationToken = default) =>
        await AttachedLab.AttachAsync(Client, labName, cancellationToken);

    /// <summary>Runs a command in a lab container by its Docker name (e.g. to ask a director for its health states).</summary>
    /// <param name="container">The container's name.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>What it printed and returned.</returns>
    public Task<Runtime.ExecResult> ExecInContainerAsync(string container, IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        AttachedLab.ExecAsync(Client, container, command, cancellationToken);

    /// <summary>The host-side bridge of one of a running lab's networks (capture on it to see the whole network).</summary>
    /// <param name="labName">The lab's name.</param>
    /// <param name="network">The network's name in the lab.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The bridge's interface name.</returns>
    /// <exception cref="LabConfigurationException">No such network.</exception>
    public async Task<string> BridgeOfAsync(string labName, string network, CancellationToken cancellationToken = default)
    {
        var networks = await NetworksOfAsync(labName, cancellationToken);
        var found = networks.FirstOrDefault(n => Label(n.Labels, LabLabels.Network) == network)
            ?? throw new LabConfigurationException(
                $"lab '{labName}' has no network '{network}' (networks: {string.Join(", ", networks.Select(n => Label(n.Labels, LabLabels.Network)))})");
        return HostFirewall.BridgeOf(found.ID);
    }

    /// <inheritdoc/>
    public async Task<int> DownAsync(string labName, CancellationToken cancellationToken = default)
    {
        var found = await Client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = LabelFilter($"{LabLabels.Lab}={labName}") },
            cancellationToken);
        await Task.WhenAll(found.Select(c => RemoveContainerAsync(c.ID, cancellationToken)));
        var networks = await NetworksOfAsync(labName, cancellationToken);
        foreach (var network in networks)
        {
            await HostFirewall.RemoveAsync(HostFirewall.BridgeOf(network.ID), cancellationToken);

            // The engine may still hold a removed container's endpoint for a moment ("has
            // active endpoints"): wait until it lets the network go. An endpoint Docker never
            // lets go (a Docker 20.10 fault, cleared by restarting dockerd) is reported, not
            // thrown: it must not stop the next run's sweep.
            try
            {
                await WaitForNetworkRemovalAsync(network, cancellationToken);
            }
            catch (TimeoutException e)
            {
                await Console.Error.WriteLineAsync($"lvslab: warning: {e.Message}; restarting dockerd clears it");
            }
        }

        return found.Count + networks.Count;
    }

    private async Task WaitForNetworkRemovalAsync(NetworkResponse network, CancellationToken cancellationToken) =>
        await Eventually.TrueAsync(
            async ct =>
            {
                try
                {
                    await Client.Networks.DeleteNetworkAsync(network.ID, ct);
                    return true;
                }
                catch (DockerNetworkNotFoundException)
                {
                    return true;
                }
                catch (DockerApiException e) when (e.ResponseBody?.Contains("active endpoints", StringComparison.Ordinal) == true)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            $"network {network.Name} to be free of endpoints",
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken = default)
    {
        var containers = await Client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = LabelFilter(LabLabels.Marker) }, cancellationToken);
        var networks = await Client.Networks.ListNetworksAsync(
            new NetworksListParameters { Filters = LabelFilter(LabLabels.Marker) }, cancellationToken);
        var owners = containers.Select(c => (Lab: Label(c.Labels, LabLabels.Lab), Owner: Label(c.Labels, LabLabels.Owner)))
            .Concat(networks.Select(n => (Lab: Label(n.Labels, LabLabels.Lab), Owner: Label(n.Labels, LabLabels.Owner))))
            .Where(x => x.Lab is not null && x.Owner is not null)
            .Distinct();
        var swept = new List<string>();
        foreach (var (lab, owner) in owners)
        {
            if (new LabOwner(owner!).IsOrphaned && !swept.Contains(lab!))
            {
                await DownAsync(lab!, cancellationToken);
                swept.Add(lab!);
            }
        }

        await HostFirewall.SweepAsync(cancellationToken);
        return swept;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LabStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var containers = await Client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = LabelFilter(LabLabels.Marker) }, cancellationToken);
        return containers
            .Where(c => c.Labels.ContainsKey(LabLabels.Lab))
            .GroupBy(c => c.Labels[LabLabels.Lab])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var nodes = g
                    .OrderBy(c => RoleOrder(Label(c.Labels, LabLabels.Role)))
                    .ThenBy(c => Label(c.Labels, LabLabels.Node), StringComparer.Ordinal)
                    .Select(c => new Runtime.NodeStatus(
                        Label(c.Labels, LabLabels.Node) ?? "?",
                        Label(c.Labels, LabLabels.Role) ?? "?",
                        c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12],
                        c.State,
                        OrderedIps(c)))
                    .ToList();
                return new LabStatus(
                    g.Key,
                    Label(first.Labels, LabLabels.Mode) ?? "?",
                    Label(first.Labels, LabLabels.Vip) ?? "?",
                    int.TryParse(Label(first.Labels, LabLabels.Port), CultureInfo.InvariantCulture, out var port) ? port : 0,
                    Label(first.Labels, LabLabels.Owner) ?? "?",
                    nodes)
                {
                    Vip6 = string.IsNullOrEmpty(Label(first.Labels, LabLabels.Vip6)) ? null : Label(first.Labels, LabLabels.Vip6),
                };
            })
            .ToList();
    }

    /// <summary>The lowest address slot no lab network uses (see <see cref="AddressPlan"/>).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A free slot.</returns>
    public async Task<int> FreeSlotAsync(CancellationToken cancellationToken = default)
    {
        var networks = await Client.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken);
        var used = networks
            .SelectMany(n => n.IPAM?.Config ?? [])
            .Select(c => IPNetwork.TryParse(c.Subnet ?? string.Empty, out var net) ? AddressPlan.SlotOf(net.BaseAddress) : null)
            .OfType<int>()
            .ToHashSet();
        for (var slot = 0; slot <= AddressPlan.MaxSlot; slot++)
        {
            if (!used.Contains(slot))
            {
                return slot;
            }
        }

        throw new LabConfigurationException($"all {AddressPlan.MaxSlot + 1} lab address slots are in use: take some labs down (lvslab down --all)");
    }

    /// <summary>The Docker name of a lab's container.</summary>
    /// <param name="lab">The lab's name.</param>
    /// <param name="node">The node's name.</param>
    /// <returns>The container name.</returns>
    public static string ContainerName(string lab, string node) => $"lvslab-{lab}-{node}";

    /// <summary>The Docker name of a lab's network.</summary>
    /// <param name="lab">The lab's name.</param>
    /// <param name="network">The network's short name.</param>
    /// <returns>The network name.</returns>
    public static string NetworkName(string lab, string network) => $"lvslab-{lab}-{network}";

    /// <summary>Inspects a lab network (for its Internal flag and subnet).</summary>
    /// <param name="lab">The lab's name.</param>
    /// <param name="network">The network's short name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Docker's view of it.</returns>
    public Task<NetworkResponse> InspectNetworkAsync(string lab, string network, CancellationToken cancellationToken = default) =>
        Client.Networks.InspectNetworkAsync(NetworkName(lab, network), cancellationToken);

    private static int RoleOrder(string? role) => role switch
    {
        "client" => 0,
        "router" => 1,
        "director" => 2,
        "realserver" => 3,
        _ => 4,
    };

    private static List<string> OrderedIps(ContainerListResponse c)
    {
        var order = (Label(c.Labels, LabLabels.Interfaces) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var nets = c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>();
        return nets
            .OrderBy(kv => Array.FindIndex(order, o => kv.Key.EndsWith("-" + o, StringComparison.Ordinal)))
            .Select(kv => kv.Value.IPAMConfig?.IPv4Address ?? kv.Value.IPAddress)
            .Where(ip => !string.IsNullOrEmpty(ip))
            .ToList();
    }

    private static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(string label) =>
        new() { ["label"] = new Dictionary<string, bool> { [label] = true } };

    private async Task<IList<NetworkResponse>> NetworksOfAsync(string labName, CancellationToken cancellationToken) =>
        await Client.Networks.ListNetworksAsync(
            new NetworksListParameters { Filters = LabelFilter($"{LabLabels.Lab}={labName}") }, cancellationToken);

    private async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    private static Dictionary<string, string> CommonLabels(LabTopology topology, LabOwner owner) => new()
    {
        [LabLabels.Marker] = "true",
        [LabLabels.Lab] = topology.Name,
        [LabLabels.Owner] = owner.Value,
    };

    // The fixed addresses of one attachment: IPv4, and IPv6 in a dual-stack lab.
    private static EndpointIPAMConfig EndpointAddresses(NodeInterface nic) =>
        nic.Address6 is { } address6
            ? new() { IPv4Address = nic.Address.ToString(), IPv6Address = address6.ToString() }
            : new() { IPv4Address = nic.Address.ToString() };

    private static INetwork BuildNetwork(LabTopology topology, LabNetwork network, LabOwner owner)
    {
        var builder = new NetworkBuilder()
            .WithName(NetworkName(topology.Name, network.Name))
            .WithLogger(NullLogger.Instance)
            .WithCleanUp(false)
            .WithLabel(LabLabels.Network, network.Name)
            .WithCreateParameterModifier(p =>
            {
                // Internal: no route off the machine, whatever a container tries.
                p.Internal = true;
                var config = new List<IPAMConfig> { new() { Subnet = network.Subnet.ToString(), Gateway = network.HostGateway.ToString() } };
                if (network.Subnet6 is { } subnet6)
                {
                    // Dual stack: a unique-local /64 beside the IPv4 subnet. The host's side of the
                    // bridge takes its first address and, as the host does not forward IPv6, routes nothing.
                    p.EnableIPv6 = true;
                    config.Add(new IPAMConfig { Subnet = subnet6.ToString(), Gateway = network.HostGateway6!.ToString() });
                }

                p.IPAM = new IPAM { Config = config };
            });
        foreach (var (key, value) in CommonLabels(topology, owner))
        {
            builder = builder.WithLabel(key, value);
        }

        return builder.Build();
    }

    private static IContainer BuildContainer(LabTopology topology, LabNode node, LabOwner owner, string image, ImageLaunch launch, INetwork firstNetwork)
    {
        var first = node.Interfaces[0];
        var builder = new ContainerBuilder(image)
            .WithEntrypoint("/bin/sh", NodeWiring.ScriptPath)
            .WithCommand([.. launch.Entrypoint, .. launch.Command])
            .WithResourceMapping(System.Text.Encoding.UTF8.GetBytes(NodeWiring.Script(node)), NodeWiring.ScriptPath, 0, 0, UnixFileModes.UserRead | UnixFileModes.UserWrite | UnixFileModes.UserExecute | UnixFileModes.GroupRead | UnixFileModes.GroupExecute | UnixFileModes.OtherRead | UnixFileModes.OtherExecute)
            .WithName(ContainerName(topology.Name, node.Name))
            .WithHostname(node.Name)
            .WithLogger(NullLogger.Instance)
            .WithCleanUp(false)
            .WithNetwork(firstNetwork)
            .WithLabel(LabLabels.Node, node.Name)
            .WithLabel(LabLabels.Role, node.Role.ToString().ToLowerInvariant())
            .WithLabel(LabLabels.Mode, topology.Mode)
            .WithLabel(LabLabels.Vip, topology.Vip.ToString())
            .WithLabel(LabLabels.Vip6, topology.Vip6?.ToString() ?? string.Empty)
            .WithLabel(LabLabels.Port, topology.Port.ToString(CultureInfo.InvariantCulture))
            .WithLabel(LabLabels.Interfaces, string.Join(',', node.Interfaces.Select(i => i.Network)))
            .WithEnvironment("LVSLAB_NODE", node.Name)
            .WithCreateParameterModifier(p =>
            {
                p.NetworkingConfig!.EndpointsConfig[firstNetwork.Name].IPAMConfig = EndpointAddresses(first);
                p.HostConfig!.CapAdd = [.. node.Capabilities];
                p.HostConfig.Sysctls = node.Sysctls.ToDictionary(kv => kv.Key, kv => kv.Value);
                p.HostConfig.CPUShares = node.CpuShares;
                p.HostConfig.Devices = [.. node.Devices.Select(d => new DeviceMapping { PathOnHost = d, PathInContainer = d, CgroupPermissions = "rwm" })];
                p.StopTimeout = TimeSpan.FromSeconds(2);
            });
        foreach (var (key, value) in CommonLabels(topology, owner))
        {
            builder = builder.WithLabel(key, value);
        }

        foreach (var (key, value) in node.Environment)
        {
            builder = builder.WithEnvironment(key, value);
        }

        // Files are in place before the node starts; a forwarder waiting for them starts only
        // after the node has wired itself.
        foreach (var (path, content) in node.Files)
        {
            builder = builder.WithResourceMapping(System.Text.Encoding.UTF8.GetBytes(content), path, 0, 0, UnixFileModes.UserRead | UnixFileModes.UserWrite | UnixFileModes.GroupRead | UnixFileModes.OtherRead);
        }

        return builder.Build();
    }

    /// <summary>The running interfaces from <see cref="NodeWiring.DescribeCommands"/>'s output, with each veth's host-side name.</summary>
    internal static List<RunningInterface> ParseInterfaces(string stdout, IReadOnlyList<NodeInterface> interfaces)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var running = new List<RunningInterface>();
        for (var i = 0; i < interfaces.Count && i < lines.Length; i++)
        {
            var words = lines[i].Split(' ');
            running.Add(new RunningInterface(
                words[0],
                interfaces[i].Network,
                interfaces[i].Address,
                words.Length > 1 ? words[1] : string.Empty,
                words.Length > 2 && int.TryParse(words[2], CultureInfo.InvariantCulture, out var index) ? HostInterfaceWithIndex(index) : string.Empty));
        }

        return running;
    }

    internal static string HostInterfaceWithIndex(int ifindex)
    {
        foreach (var dir in Directory.EnumerateDirectories("/sys/class/net"))
        {
            // Another lab's veth may vanish between the listing and the read: it is not ours, skip it.
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(dir, "ifindex"));
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                continue;
            }

            if (text.Trim() == ifindex.ToString(CultureInfo.InvariantCulture))
            {
                return Path.GetFileName(dir);
            }
        }

        return string.Empty;
    }

}
