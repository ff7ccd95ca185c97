using System.Net;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Runtime;

/// <summary>A node as it runs: its container and its interfaces' live details.</summary>
/// <param name="Name">The node's name in the lab.</param>
/// <param name="Role">Its role.</param>
/// <param name="Container">The Docker container's name.</param>
/// <param name="Interfaces">Its interfaces, in order.</param>
public sealed record RunningNode(string Name, NodeRole Role, string Container, IReadOnlyList<RunningInterface> Interfaces)
{
    /// <summary>
    /// The container's state when the lab was looked at: <c>running</c>, or <c>exited</c> for a
    /// node that was stopped (its interfaces then have no MAC and no host side).
    /// </summary>
    public string State { get; init; } = "running";

    /// <summary>Whether the node was running when the lab was looked at.</summary>
    public bool IsRunning => State == "running";

    /// <summary>The interface on lab network <paramref name="network"/>.</summary>
    /// <param name="network">A lab network's short name.</param>
    /// <returns>The interface.</returns>
    public RunningInterface On(string network) =>
        Interfaces.FirstOrDefault(i => i.Network == network)
        ?? throw new KeyNotFoundException($"node '{Name}' has no interface on '{network}'");
}

/// <summary>One running interface of a node.</summary>
/// <param name="Name">Its name in the container (<c>eth0</c>).</param>
/// <param name="Network">The lab network's short name.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="Mac">Its MAC address, <c>aa:bb:cc:dd:ee:ff</c>.</param>
/// <param name="HostInterface">The host side of its veth pair (where a tap captures).</param>
public sealed record RunningInterface(string Name, string Network, IPAddress Address, string Mac, string HostInterface);
