using LvsLab.Lab.Model;

namespace LvsLab.Lab.Runtime;

/// <summary>A lab that is up. Disposing it takes it down.</summary>
public interface IRunningLab : IAsyncDisposable
{
    /// <summary>The topology it realises.</summary>
    LabTopology Topology { get; }

    /// <summary>The running nodes.</summary>
    IReadOnlyList<RunningNode> Nodes { get; }

    /// <summary>The running node called <paramref name="name"/>.</summary>
    /// <param name="name">A node name.</param>
    /// <returns>The node.</returns>
    RunningNode Node(string name);

    /// <summary>Runs a command inside a node and waits for it.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What it printed and returned.</returns>
    Task<ExecResult> ExecAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default);

    /// <summary>Runs a command inside a node and yields its standard output line by line as it comes (for commands that run a while).</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>Each line of standard output, without its newline.</returns>
    IAsyncEnumerable<string> ExecLinesAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default);

    /// <summary>Stops a node's container, as a crashed or powered-off machine (its addresses vanish).</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    Task StopNodeAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Starts a stopped node again; it wires itself (addresses, lo VIPs, routes) and is waited for until ready.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    Task StartNodeAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Restarts a node (stop, then start), as <c>docker restart</c> does; it comes back wired and is waited for until ready.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    Task RestartNodeAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Pulls out (or plugs back in) the cable of a node's link: the node sees no carrier and keeps its addresses and routes.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="network">The network of the link; null: all the node's links.</param>
    /// <param name="up">True plugs it in, false pulls it out.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The links changed, as <c>NODE:NETWORK</c>.</returns>
    Task<IReadOnlyList<string>> SetLinkAsync(string node, string? network, bool up, CancellationToken cancellationToken = default);

    /// <summary>The main process's output so far (e.g. the director's log).</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Standard output and error.</returns>
    Task<(string Stdout, string Stderr)> LogsAsync(string node, CancellationToken cancellationToken = default);
}
