using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;

namespace LvsLab.Lab.Docker;

/// <summary>
/// The faults a person or a test puts into a running lab, the same whoever brought it up:
/// stopping, starting and restarting a node's container (a node wires itself at every start,
/// see <see cref="NodeWiring"/>) and pulling a link's cable (the host side of its veth down, so
/// the node sees no carrier and keeps its addresses and routes).
/// </summary>
internal static class NodeControl
{
    /// <summary>Seconds a stopping node gets before it is killed.</summary>
    public const int StopGraceSeconds = 2;

    /// <summary>Stops a node's container.</summary>
    public static async Task StopAsync(DockerClient client, string containerId, CancellationToken cancellationToken) =>
        await client.Containers.StopContainerAsync(containerId, new ContainerStopParameters { WaitBeforeKillSeconds = StopGraceSeconds }, cancellationToken);

    /// <summary>Starts a node's container and waits until it has wired itself.</summary>
    /// <returns>The node as it runs now (a started container has new veths).</returns>
    public static async Task<RunningNode> StartAsync(DockerClient client, string containerId, string node, NodeRole role, IReadOnlyList<NodeInterface> interfaces, CancellationToken cancellationToken)
    {
        await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        return await WaitUntilWiredAsync(client, containerId, node, role, interfaces, cancellationToken);
    }

    /// <summary>Restarts a node's container (stop, then start) and waits until it has wired itself.</summary>
    /// <returns>The node as it runs now.</returns>
    public static async Task<RunningNode> RestartAsync(DockerClient client, string containerId, string node, NodeRole role, IReadOnlyList<NodeInterface> interfaces, CancellationToken cancellationToken)
    {
        await client.Containers.RestartContainerAsync(containerId, new ContainerRestartParameters { WaitBeforeKillSeconds = StopGraceSeconds }, cancellationToken);
        return await WaitUntilWiredAsync(client, containerId, node, role, interfaces, cancellationToken);
    }

    /// <summary>Waits until a started node has wired itself, and describes it.</summary>
    /// <exception cref="LabConfigurationException">Its wiring failed (with the node's output).</exception>
    public static async Task<RunningNode> WaitUntilWiredAsync(DockerClient client, string containerId, string node, NodeRole role, IReadOnlyList<NodeInterface> interfaces, CancellationToken cancellationToken)
    {
        Runtime.ExecResult result;
        try
        {
            result = await AttachedLab.ExecAsync(client, containerId, ["sh", "-c", NodeWiring.WaitCommand(NodeWiring.InterfaceWait)], cancellationToken);
        }
        catch (DockerApiException e)
        {
            result = new Runtime.ExecResult(-1, string.Empty, e.Message);
        }

        if (result.ExitCode != 0)
        {
            using var logs = await client.Containers.GetContainerLogsAsync(containerId, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "30" }, cancellationToken);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellationToken);
            throw new LabConfigurationException($"node '{node}' did not wire itself ({result.Stderr.Trim()}); the end of its output:\n{stdout}{stderr}");
        }

        var inspect = await client.Containers.InspectContainerAsync(containerId, cancellationToken);
        return new RunningNode(node, role, inspect.Name.TrimStart('/'), DockerLabRuntime.ParseInterfaces(result.Stdout, interfaces));
    }

    /// <summary>Pulls (or plugs back) the cable of a node's links: the host side of each veth down (or up).</summary>
    /// <param name="node">The node as it runs.</param>
    /// <param name="network">One of its networks; null: all its links.</param>
    /// <param name="up">Up (plug in) or down (pull out).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The links changed, as <c>NODE:NETWORK</c>.</returns>
    /// <exception cref="LabConfigurationException">The node is not running, or has no link on the network.</exception>
    public static async Task<IReadOnlyList<string>> SetLinkAsync(RunningNode node, string? network, bool up, CancellationToken cancellationToken)
    {
        if (!node.IsRunning)
        {
            throw new LabConfigurationException($"node '{node.Name}' is {node.State}: its links exist only while it runs (lvslab start {node.Name})");
        }

        var links = node.Interfaces.Where(i => network is null || i.Network == network).ToList();
        if (links.Count == 0)
        {
            throw new LabConfigurationException($"node '{node.Name}' has no link on network '{network}' (its networks: {string.Join(", ", node.Interfaces.Select(i => i.Network))})");
        }

        var changed = new List<string>();
        foreach (var link in links)
        {
            var run = await ProcessRunner.RunAsync("ip", ["link", "set", "dev", link.HostInterface, up ? "up" : "down"], null, cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new LabConfigurationException(string.Create(CultureInfo.InvariantCulture, $"cannot set {node.Name}:{link.Network} ({link.HostInterface}) {(up ? "up" : "down")}: {run.Stderr.Trim()}"));
            }

            changed.Add($"{node.Name}:{link.Network}");
        }

        return changed;
    }
}
