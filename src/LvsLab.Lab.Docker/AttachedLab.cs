using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;

namespace LvsLab.Lab.Docker;

/// <summary>
/// A lab some other process brought up (<c>lvslab up</c>), found again from its Docker labels:
/// its networks, nodes, roles, addresses, MACs and host-side veths, enough to run commands in
/// it, capture its links and probe it. Disposing it leaves the lab running; stopping and
/// starting nodes is for the lab's owner.
/// </summary>
internal sealed class AttachedLab : IRunningLab
{
    private readonly DockerClient client;
    private readonly IReadOnlyDictionary<string, string> containerIds;
    private readonly RunningNode[] nodes;

    private AttachedLab(DockerClient client, LabTopology topology, IReadOnlyList<RunningNode> nodes, IReadOnlyDictionary<string, string> containerIds)
    {
        this.client = client;
        Topology = topology;
        this.nodes = [.. nodes];
        this.containerIds = containerIds;
    }

    /// <inheritdoc/>
    public LabTopology Topology { get; }

    /// <inheritdoc/>
    public IReadOnlyList<RunningNode> Nodes => nodes;

    /// <summary>Finds a running lab by name from its labels.</summary>
    /// <exception cref="LabConfigurationException">No such lab.</exception>
    public static async Task<AttachedLab> AttachAsync(DockerClient client, string labName, CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{LabLabels.Lab}={labName}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken);
        if (containers.Count == 0)
        {
            throw new LabConfigurationException($"no lab named '{labName}' is running (lvslab status lists the labs)");
        }

        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken);
        var labNetworks = networks
            .Select(n => new LabNetwork(
                Label(n.Labels, LabLabels.Network) ?? n.Name,
                IPNetwork.Parse(n.IPAM?.Config?.FirstOrDefault(c => !c.Subnet.Contains(':', StringComparison.Ordinal))?.Subnet ?? "0.0.0.0/32"))
            {
                Subnet6 = n.IPAM?.Config?.FirstOrDefault(c => c.Subnet.Contains(':', StringComparison.Ordinal)) is { } v6 ? IPNetwork.Parse(v6.Subnet) : null,
            })
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        var dockerNetworkOf = networks.ToDictionary(n => Label(n.Labels, LabLabels.Network) ?? n.Name, n => n.Name, StringComparer.Ordinal);

        var labNodes = new List<LabNode>();
        var running = new List<RunningNode>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var container in containers.OrderBy(c => Label(c.Labels, LabLabels.Node), StringComparer.Ordinal))
        {
            var name = Label(container.Labels, LabLabels.Node) ?? container.Names[0].TrimStart('/');

            var role = Enum.TryParse<NodeRole>(Label(container.Labels, LabLabels.Role), ignoreCase: true, out var r) ? r : NodeRole.Client;
            var order = (Label(container.Labels, LabLabels.Interfaces) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
            var endpoints = container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>();
            var interfaces = order
                .Select(network => endpoints.TryGetValue(dockerNetworkOf.GetValueOrDefault(network, network), out var e)
                    ? new NodeInterface(network, IPAddress.Parse(e.IPAMConfig?.IPv4Address ?? e.IPAddress))
                    {
                        Address6 = (e.IPAMConfig?.IPv6Address ?? e.GlobalIPv6Address) is { Length: > 0 } v6 ? IPAddress.Parse(v6) : null,
                    }
                    : new NodeInterface(network, IPAddress.Any))
                .ToList();
            var image = container.Image.Split(':')[0];
            labNodes.Add(new LabNode
            {
                Name = name,
                Role = role,
                Image = image[(image.LastIndexOf('/') + 1)..],
                Interfaces = interfaces,
            });
            ids[name] = container.ID;
            var containerName = container.Names.FirstOrDefault()?.TrimStart('/') ?? name;
            running.Add(string.Equals(container.State, "running", StringComparison.Ordinal)
                ? await DescribeAsync(client, container.ID, name, containerName, role, interfaces, cancellationToken)
                : new RunningNode(name, role, containerName, [.. interfaces.Select((nic, i) => new RunningInterface($"eth{i}", nic.Network, nic.Address, string.Empty, string.Empty))]) { State = container.State });
        }

        var first = containers[0].Labels;
        var topology = new LabTopology
        {
            Name = labName,
            Mode = Label(first, LabLabels.Mode) ?? "?",
            Vip = IPAddress.TryParse(Label(first, LabLabels.Vip), out var vip) ? vip : IPAddress.Any,
            Vip6 = IPAddress.TryParse(Label(first, LabLabels.Vip6), out var vip6) ? vip6 : null,
            Port = int.TryParse(Label(first, LabLabels.Port), CultureInfo.InvariantCulture, out var port) ? port : 0,
            Networks = labNetworks,
            Nodes = labNodes,
        };
        return new AttachedLab(client, topology, running, ids);
    }

    /// <inheritdoc/>
    public RunningNode Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new KeyNotFoundException($"lab '{Topology.Name}' has no node '{name}' (nodes: {string.Join(", ", Nodes.Select(n => n.Name))})");

    /// <inheritdoc/>
    public async Task<ExecResult> ExecAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ExecAsync(client, IdOf(node), command, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new NodeNotRunningException(NodeNotRunningException.Describe(Topology.Name, node), e);
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<string> ExecLinesAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        ExecLines.ReadAsync(client, IdOf(node), command, cancellationToken);

    /// <inheritdoc/>
    public async Task StopNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        await NodeControl.StopAsync(client, IdOf(node), cancellationToken);
        Replace(Node(node) with { State = "exited" });
    }

    /// <inheritdoc/>
    /// <remarks>An attached lab knows no readiness signal: this waits until the node has wired itself.</remarks>
    public async Task StartNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        var spec = Topology.Node(node);
        Replace(await NodeControl.StartAsync(client, IdOf(node), spec.Name, spec.Role, spec.Interfaces, cancellationToken));
    }

    /// <inheritdoc/>
    /// <remarks>An attached lab knows no readiness signal: this waits until the node has wired itself.</remarks>
    public async Task RestartNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        var spec = Topology.Node(node);
        Replace(await NodeControl.RestartAsync(client, IdOf(node), spec.Name, spec.Role, spec.Interfaces, cancellationToken));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SetLinkAsync(string node, string? network, bool up, CancellationToken cancellationToken = default) =>
        await NodeControl.SetLinkAsync(Node(node), network, up, cancellationToken);

    /// <inheritdoc/>
    public async Task<(string Stdout, string Stderr)> LogsAsync(string node, CancellationToken cancellationToken = default)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(
            IdOf(node), new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellationToken);
        return await stream.ReadOutputToEndAsync(cancellationToken);
    }

    /// <summary>Leaves the lab running (it is not this process's to take down).</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs a command in a container and collects its output and exit code.</summary>
    internal static async Task<ExecResult> ExecAsync(DockerClient client, string containerId, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var exec = await client.Exec.CreateContainerExecAsync(
            containerId, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true }, cancellationToken);
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
            var inspect = await client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
            return new ExecResult((int)(inspect.ExitCode ?? -1), stdout, stderr);
        }
    }

    private static async Task<RunningNode> DescribeAsync(
        DockerClient client, string id, string name, string containerName, NodeRole role, IReadOnlyList<NodeInterface> interfaces, CancellationToken cancellationToken)
    {
        var result = await ExecAsync(client, id, ["sh", "-c", NodeWiring.DescribeCommands(interfaces.Count)], cancellationToken);
        return new RunningNode(name, role, containerName, DockerLabRuntime.ParseInterfaces(result.Stdout, interfaces));
    }

    private void Replace(RunningNode node) => nodes[Array.FindIndex(nodes, n => n.Name == node.Name)] = node;

    private static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    private string IdOf(string node) =>
        containerIds.TryGetValue(node, out var id)
            ? id
            : throw new KeyNotFoundException($"lab '{Topology.Name}' has no node '{node}' (nodes: {string.Join(", ", Nodes.Select(n => n.Name))})");
}
