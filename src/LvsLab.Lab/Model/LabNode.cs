using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>A node of a lab: one container with its interfaces, routes and kernel settings.</summary>
public sealed record LabNode
{
    /// <summary>Docker's default CPU shares: every node but a director runs with them.</summary>
    public const int DefaultCpuShares = 1024;

    /// <summary>
    /// A director's CPU shares: ten times the others'. A lab's nodes share the machine's few
    /// cores, where a real director has its own: under a flood, the sender and the kernel's
    /// forwarding work for the other nodes kept the director's runnable frame thread waiting
    /// 100–360 ms at a time (measured in its scheduler statistics on a 2-core machine), longer
    /// than its receive ring lasts at the flood's rate, and legitimate SYNs were dropped with
    /// the flood's. With these shares it is picked as soon as it has frames; idle, it takes nothing.
    /// </summary>
    public const int DirectorCpuShares = 10 * DefaultCpuShares;

    private readonly int? cpuShares;

    /// <summary>Short name inside the lab, e.g. <c>rs1</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the node does.</summary>
    public required NodeRole Role { get; init; }

    /// <summary>The lab image it runs: <c>client</c>, <c>router</c>, <c>director</c> or <c>realserver</c>.</summary>
    public required string Image { get; init; }

    /// <summary>Its interfaces, in order: the first becomes <c>eth0</c>, the next <c>eth1</c>.</summary>
    public required IReadOnlyList<NodeInterface> Interfaces { get; init; }

    /// <summary>
    /// Addresses added to <c>lo</c>: IPv4 as /32, IPv6 as /128 (the hidden VIP, and in a
    /// dual-stack lab the VIP6, of a DR real server).
    /// </summary>
    public IReadOnlyList<IPAddress> LoopbackAddresses { get; init; } = [];

    /// <summary>Static routes, IPv4 and IPv6; Docker's default routes through the host are always removed.</summary>
    public IReadOnlyList<LabRoute> Routes { get; init; } = [];

    /// <summary>Kernel settings applied when the container is created.</summary>
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();

    /// <summary>Linux capabilities the node needs (e.g. <c>NET_ADMIN</c>).</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = ["NET_ADMIN", "NET_RAW"];

    /// <summary>
    /// The node's weight when the machine's CPUs are contended (Docker's <c>--cpu-shares</c>):
    /// <see cref="DirectorCpuShares"/> for a director unless set, <see cref="DefaultCpuShares"/> for the rest.
    /// </summary>
    public int CpuShares
    {
        get => cpuShares ?? (Role == NodeRole.Director ? DirectorCpuShares : DefaultCpuShares);
        init => cpuShares = value is >= 2 and <= 262_144 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "CPU shares: 2 to 262144 (Docker's range)");
    }

    /// <summary>Environment variables of the node's main process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Shell commands run once the node's addresses and routes are in place (e.g. nftables rules).</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>Host devices passed into the container (e.g. <c>/dev/net/tun</c>).</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>
    /// How the node says it is ready (waited for while the lab comes up and when the node
    /// restarts), e.g. a real server's services listening or a forwarder's log line; null: ready
    /// once wired.
    /// </summary>
    public NodeReadiness? Readiness { get; init; }

    /// <summary>
    /// Files placed in the container once its interfaces, addresses and routes are in place
    /// (path → content): a forwarder that waits for its rules file starts on a wired node.
    /// </summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The interface name of the attachment to <paramref name="network"/>.</summary>
    /// <param name="network">A lab network's short name.</param>
    /// <returns><c>eth0</c>, <c>eth1</c>, …</returns>
    public string InterfaceOn(string network)
    {
        for (var i = 0; i < Interfaces.Count; i++)
        {
            if (Interfaces[i].Network == network)
            {
                return $"eth{i}";
            }
        }

        throw new ArgumentException($"node '{Name}' has no interface on network '{network}'", nameof(network));
    }

    /// <summary>The node's address on <paramref name="network"/>.</summary>
    /// <param name="network">A lab network's short name.</param>
    /// <returns>The address.</returns>
    public IPAddress AddressOn(string network) =>
        Interfaces.FirstOrDefault(i => i.Network == network)?.Address
        ?? throw new ArgumentException($"node '{Name}' has no interface on network '{network}'", nameof(network));

    /// <summary>The node's IPv6 address on <paramref name="network"/>, if it has one there.</summary>
    /// <param name="network">A lab network's short name.</param>
    /// <returns>The IPv6 address, or null when the interface carries IPv4 only.</returns>
    public IPAddress? Address6On(string network) =>
        Interfaces.FirstOrDefault(i => i.Network == network) is { } nic
            ? nic.Address6
            : throw new ArgumentException($"node '{Name}' has no interface on network '{network}'", nameof(network));
}
