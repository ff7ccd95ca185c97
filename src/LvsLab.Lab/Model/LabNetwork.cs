using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>
/// A lab network: one internal layer-2 segment with a fixed IPv4 subnet and, in a dual-stack
/// lab, a unique-local IPv6 subnet beside it (<see cref="Subnet6"/>).
/// </summary>
/// <param name="Name">Short name inside the lab, e.g. <c>lan</c>.</param>
/// <param name="Subnet">The subnet; a private range.</param>
public sealed record LabNetwork(string Name, IPNetwork Subnet)
{
    /// <summary>
    /// The network's IPv6 subnet: a /64 inside <c>fd00::/8</c> (the stock labs map each /24 to a
    /// /64: <see cref="Topologies.Ipv6Plan"/>); null: the network carries IPv4 only.
    /// </summary>
    public IPNetwork? Subnet6 { get; init; }

    /// <summary>Whether the network carries IPv6 too.</summary>
    public bool IsDualStack => Subnet6 is not null;

    /// <summary>
    /// The address Docker gives the host's side of the bridge (the first address of the
    /// subnet). It is never a lab next hop: the lab removes routes through it.
    /// </summary>
    public IPAddress HostGateway => AddressMath.Offset(Subnet.BaseAddress, 1);

    /// <summary>
    /// The host's side of the bridge in IPv6: the first address of <see cref="Subnet6"/> after
    /// the subnet-router anycast address (for a mapped subnet, the mapping of
    /// <see cref="HostGateway"/>); null without IPv6. Never a node's, never a next hop.
    /// </summary>
    public IPAddress? HostGateway6 => Subnet6 is { } subnet6 ? AddressMath.Offset(subnet6.BaseAddress, 1) : null;
}
