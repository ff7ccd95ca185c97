using System.Net;
using Docker.DotNet;
using DotNet.Testcontainers.Containers;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using ExecResult = LvsLab.Lab.Runtime.ExecResult;

namespace LvsLab.Lab.Docker;

/// <summary>A lab brought up by <see cref="DockerLabRuntime"/>.</summary>
internal sealed class DockerRunningLab : IRunningLab
{
    private readonly DockerLabRuntime runtime;
    private readonly IReadOnlyDictionary<string, IContainer> containers;
    private int disposed;

    private readonly RunningNode[] nodes;

    internal DockerRunningLab(DockerLabRuntime runtime, LabTopology topology, IReadOnlyList<RunningNode> nodes, IReadOnlyDictionary<string, IContainer> containers)
    {
        this.runtime = runtime;
        Topology = topology;
        this.nodes = [.. nodes];
        this.containers = containers;
    }

    public LabTopology Topology { get; }

    public IReadOnlyList<RunningNode> Nodes => nodes;

    public RunningNode Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new KeyNotFoundException($"lab '{Topology.Name}' has no node '{name}' (nodes: {string.Join(", ", Nodes.Select(n => n.Name))})");

    public async Task<ExecResult> ExecAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await ContainerOf(node).ExecAsync([.. command], cancellationToken);
            return new ExecResult(result.ExitCode ?? -1, result.Stdout, result.Stderr);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new NodeNotRunningException(NodeNotRunningException.Describe(Topology.Name, node), e);
        }
    }

    public IAsyncEnumerable<string> ExecLinesAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        ExecLines.ReadAsync(runtime.Client, ContainerOf(node).Id, command, cancellationToken);

    public async Task StopNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        await NodeControl.StopAsync(runtime.Client, ContainerOf(node).Id, cancellationToken);
        Replace(Node(node) with { State = "exited" });
    }

    public async Task StartNodeAsync(string node, CancellationToken cancellationToken = default) =>
        await BringBackAsync(node, restart: false, cancellationToken);

    public async Task RestartNodeAsync(string node, CancellationToken cancellationToken = default) =>
        await BringBackAsync(node, restart: true, cancellationToken);

    public async Task<IReadOnlyList<string>> SetLinkAsync(string node, string? network, bool up, CancellationToken cancellationToken = default) =>
        await NodeControl.SetLinkAsync(Node(node), network, up, cancellationToken);

    public async Task<(string Stdout, string Stderr)> LogsAsync(string node, CancellationToken cancellationToken = default) =>
        await ContainerOf(node).GetLogsAsync(ct: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await runtime.DownAsync(Topology.Name, CancellationToken.None);
        }
    }

    // Starts (or restarts) a node: it wires itself at start; its new veths replace the old ones
    // (taps must use the new host-side names); then it is waited for until ready.
    private async Task BringBackAsync(string node, bool restart, CancellationToken cancellationToken)
    {
        var container = ContainerOf(node);
        var spec = Topology.Node(node);
        var readyBefore = spec.Readiness is LogLineReadiness log ? log.CountMatches(await OutputAsync(container, cancellationToken)) : 0;
        Replace(restart
            ? await NodeControl.RestartAsync(runtime.Client, container.Id, spec.Name, spec.Role, spec.Interfaces, cancellationToken)
            : await NodeControl.StartAsync(runtime.Client, container.Id, spec.Name, spec.Role, spec.Interfaces, cancellationToken));
        await WaitUntilReadyAsync(spec, readyBefore, cancellationToken);
    }

    private void Replace(RunningNode node) => nodes[Array.FindIndex(nodes, n => n.Name == node.Name)] = node;

    /// <summary>Waits until every node that says how it is ready is ready (or fails with its output if it exits first).</summary>
    internal async Task WaitForReadinessAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Topology.Nodes.Where(n => n.Readiness is not null).Select(n => WaitUntilReadyAsync(n, 0, cancellationToken)));

    private static async Task<string> OutputAsync(IContainer container, CancellationToken cancellationToken)
    {
        // Without timestamps: a pattern anchored at the start of a line must see the line itself.
        var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false, ct: cancellationToken);
        return stdout + "\n" + stderr;
    }

    // Ready by the node's own signal; a log line counts once more lines match than before a restart.
    private async Task WaitUntilReadyAsync(LabNode node, int matchesBefore, CancellationToken cancellationToken)
    {
        if (node.Readiness is not { } readiness)
        {
            return;
        }

        var container = ContainerOf(node.Name);
        await Eventually.TrueAsync(
            async ct =>
            {
                var ready = readiness switch
                {
                    LogLineReadiness log => log.CountMatches(await OutputAsync(container, ct)) > matchesBefore,
                    CommandReadiness command => (await ExecAsync(node.Name, command.Arguments, ct)).ExitCode == 0,
                    FileReadiness file => (await ExecAsync(node.Name, ["test", "-e", file.Path], ct)).ExitCode == 0,
                    _ => throw new InvalidOperationException($"unknown readiness {readiness.GetType().Name}"),
                };
                if (ready)
                {
                    return true;
                }

                return container.State is TestcontainersStates.Exited or TestcontainersStates.Dead
                    ? throw new InvalidOperationException($"node '{node.Name}' exited before it was ready ({readiness.Describe()}):\n{await OutputAsync(container, ct)}")
                    : false;
            },
            NodeReadiness.Timeout,
            $"node '{node.Name}' to be ready ({readiness.Describe()})",
            cancellationToken);
    }

    private IContainer ContainerOf(string node) =>
        containers.TryGetValue(node, out var container)
            ? container
            : throw new KeyNotFoundException($"lab '{Topology.Name}' has no node '{node}'");
}
