using DotNet.Testcontainers.Containers;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using ExecResult = LvsLab.Lab.Runtime.ExecResult;

namespace LvsLab.Lab.Docker;

/// <summary>A lab brought up by <see cref="DockerLabRuntime"/>.</summary>
internal sealed class DockerRunningLab : IRunningLab
{
    /// <summary>What a forwarder prints on standard output once it serves (the readiness signal).</summary>
    internal const string ReadyMarker = "lvs-director: ready";

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
        var result = await ContainerOf(node).ExecAsync([.. command], cancellationToken);
        return new ExecResult(result.ExitCode ?? -1, result.Stdout, result.Stderr);
    }

    public async Task StopNodeAsync(string node, CancellationToken cancellationToken = default) =>
        await runtime.Client.Containers.StopContainerAsync(
            ContainerOf(node).Id, new global::Docker.DotNet.Models.ContainerStopParameters { WaitBeforeKillSeconds = 2 }, cancellationToken);

    public async Task StartNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        var container = ContainerOf(node);
        var spec = Topology.Node(node);
        // Straight through the engine: Testcontainers' own start is for containers it has not started yet.
        await runtime.Client.Containers.StartContainerAsync(container.Id, new global::Docker.DotNet.Models.ContainerStartParameters(), cancellationToken);
        await DockerLabRuntime.ConfigureAsync(container, spec, cancellationToken);
        // A restarted container has new veths: taps must use the new host-side names.
        var index = Array.FindIndex(nodes, n => n.Name == node);
        nodes[index] = await DockerLabRuntime.DescribeAsync(spec, container, cancellationToken);
        if (spec.ReadinessCommand.Count > 0)
        {
            await Eventually.TrueAsync(
                async ct => (await ExecAsync(node, spec.ReadinessCommand, ct)).ExitCode == 0,
                TimeSpan.FromSeconds(60),
                $"node '{node}' to be ready again",
                cancellationToken);
        }
    }

    public async Task<(string Stdout, string Stderr)> LogsAsync(string node, CancellationToken cancellationToken = default) =>
        await ContainerOf(node).GetLogsAsync(ct: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await runtime.DownAsync(Topology.Name, CancellationToken.None);
        }
    }

    /// <summary>Waits until every node with a readiness command passes it.</summary>
    internal async Task WaitForReadinessCommandsAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Topology.Nodes.Where(n => n.ReadinessCommand.Count > 0).Select(n => Eventually.TrueAsync(
            async ct => (await ExecAsync(n.Name, n.ReadinessCommand, ct)).ExitCode == 0,
            TimeSpan.FromSeconds(60),
            $"node '{n.Name}' to be ready ({string.Join(' ', n.ReadinessCommand)})",
            cancellationToken)));
    }

    /// <summary>Waits until every director prints its readiness line (or fails with its log if it exits).</summary>
    internal async Task WaitForDirectorsAsync(CancellationToken cancellationToken)
    {
        var directors = Topology.NodesWith(NodeRole.Director);
        await Task.WhenAll(directors.Select(d => Eventually.TrueAsync(
            async ct =>
            {
                var container = ContainerOf(d.Name);
                var (stdout, stderr) = await container.GetLogsAsync(ct: ct);
                if (stdout.Contains(ReadyMarker, StringComparison.Ordinal))
                {
                    return true;
                }

                return container.State is TestcontainersStates.Exited or TestcontainersStates.Dead
                    ? throw new InvalidOperationException($"director '{d.Name}' exited before it was ready:\n{stdout}{stderr}")
                    : false;
            },
            TimeSpan.FromSeconds(60),
            $"director '{d.Name}' to print '{ReadyMarker}'",
            cancellationToken)));
    }

    private IContainer ContainerOf(string node) =>
        containers.TryGetValue(node, out var container)
            ? container
            : throw new KeyNotFoundException($"lab '{Topology.Name}' has no node '{node}'");
}
