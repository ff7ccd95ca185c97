using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>One attachment of a node to a lab network, with its fixed address (and, on a dual-stack network, its IPv6 address).</summary>
/// <param name="Network">The lab network's short name.</param>
/// <param name="Address">The node's address on that network.</param>
public sealed record NodeInterface(string Network, IPAddress Address)
{
    /// <summary>
    /// The node's IPv6 address on that network, inside the network's <see cref="LabNetwork.Subnet6"/>
    /// (added as /64 without duplicate address detection); null: IPv4 only.
    /// </summary>
    public IPAddress? Address6 { get; init; }
}
