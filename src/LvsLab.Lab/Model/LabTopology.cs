using System.Net;
using System.Text.RegularExpressions;

namespace LvsLab.Lab.Model;

/// <summary>
/// A whole lab: its networks, its nodes, and the virtual service it demonstrates. Pure data;
/// a runtime (Docker) realises it.
/// </summary>
public sealed partial record LabTopology
{
    /// <summary>The lab's name; container and network names derive from it.</summary>
    public required string Name { get; init; }

    /// <summary>The forwarding method shown: <c>dr</c>, <c>nat</c> or <c>tun</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The virtual IP of the service.</summary>
    public required IPAddress Vip { get; init; }

    /// <summary>The virtual service's port.</summary>
    public required int Port { get; init; }

    /// <summary>The lab's networks.</summary>
    public required IReadOnlyList<LabNetwork> Networks { get; init; }

    /// <summary>The lab's nodes.</summary>
    public required IReadOnlyList<LabNode> Nodes { get; init; }

    /// <summary>
    /// Addresses no node has for itself but whichever director is VRRP master holds, besides the
    /// VIP: a NAT pair's gateway for the real servers (<see cref="Topologies.DirectorPair"/>). A
    /// route may go through one.
    /// </summary>
    public IReadOnlyList<IPAddress> FloatingAddresses { get; init; } = [];

    /// <summary>The node called <paramref name="name"/>.</summary>
    /// <param name="name">A node name.</param>
    /// <returns>The node.</returns>
    public LabNode Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new KeyNotFoundException($"lab '{Name}' has no node '{name}' (nodes: {string.Join(", ", Nodes.Select(n => n.Name))})");

    /// <summary>The nodes playing <paramref name="role"/>, in order.</summary>
    /// <param name="role">A role.</param>
    /// <returns>The nodes.</returns>
    public IReadOnlyList<LabNode> NodesWith(NodeRole role) => Nodes.Where(n => n.Role == role).ToList();

    /// <summary>The network called <paramref name="name"/>.</summary>
    /// <param name="name">A network name.</param>
    /// <returns>The network.</returns>
    public LabNetwork Network(string name) =>
        Networks.FirstOrDefault(n => n.Name == name)
        ?? throw new KeyNotFoundException($"lab '{Name}' has no network '{name}'");

    /// <summary>Every address a lab node holds (interfaces and loopback aliases).</summary>
    public IReadOnlySet<IPAddress> NodeAddresses =>
        Nodes.SelectMany(n => n.Interfaces.Select(i => i.Address).Concat(n.LoopbackAddresses)).ToHashSet();

    /// <summary>Checks the topology; returns every problem found (empty when valid).</summary>
    /// <returns>Human-readable problems, each naming the node or network and the value.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!LabNamePattern().IsMatch(Name))
        {
            problems.Add($"lab name '{Name}' is invalid: use 1–24 characters a-z, 0-9 and '-', starting with a letter or digit");
        }

        var networkNames = new HashSet<string>();
        foreach (var network in Networks)
        {
            if (!networkNames.Add(network.Name))
            {
                problems.Add($"network '{network.Name}' is defined twice");
            }

            if (!AddressMath.IsPrivate(network.Subnet.BaseAddress))
            {
                problems.Add($"network '{network.Name}': subnet {network.Subnet} is not a private range");
            }
        }

        for (var i = 0; i < Networks.Count; i++)
        {
            for (var j = i + 1; j < Networks.Count; j++)
            {
                if (Networks[i].Subnet.Contains(Networks[j].Subnet.BaseAddress) || Networks[j].Subnet.Contains(Networks[i].Subnet.BaseAddress))
                {
                    problems.Add($"networks '{Networks[i].Name}' and '{Networks[j].Name}' overlap");
                }
            }
        }

        var nodeNames = new HashSet<string>();
        var seen = new Dictionary<IPAddress, string>();
        foreach (var node in Nodes)
        {
            if (!nodeNames.Add(node.Name))
            {
                problems.Add($"node '{node.Name}' is defined twice");
            }

            if (node.Interfaces.Count == 0)
            {
                problems.Add($"node '{node.Name}' has no interface");
            }

            foreach (var nic in node.Interfaces)
            {
                var network = Networks.FirstOrDefault(n => n.Name == nic.Network);
                if (network is null)
                {
                    problems.Add($"node '{node.Name}': unknown network '{nic.Network}'");
                    continue;
                }

                if (!network.Subnet.Contains(nic.Address))
                {
                    problems.Add($"node '{node.Name}': address {nic.Address} is outside network '{nic.Network}' ({network.Subnet})");
                }
                else if (nic.Address.Equals(network.HostGateway) || nic.Address.Equals(network.Subnet.BaseAddress))
                {
                    problems.Add($"node '{node.Name}': address {nic.Address} is reserved on network '{nic.Network}' (network or host gateway)");
                }

                // The one duplicate the seed allows is the VIP hidden on lo; interface addresses never repeat.
                if (!seen.TryAdd(nic.Address, node.Name))
                {
                    problems.Add($"node '{node.Name}': address {nic.Address} is already used by node '{seen[nic.Address]}'");
                }
            }
        }

        var nodeAddresses = NodeAddresses;
        foreach (var node in Nodes)
        {
            foreach (var route in node.Routes)
            {
                if (!nodeAddresses.Contains(route.Via) && !FloatingAddresses.Contains(route.Via))
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the next hop is not a lab node");
                }

                if (!node.Interfaces.Any(i => Networks.FirstOrDefault(n => n.Name == i.Network)?.Subnet.Contains(route.Via) == true))
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the next hop is not on any of its networks");
                }
            }
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,23}$")]
    private static partial Regex LabNamePattern();
}
