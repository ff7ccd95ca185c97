using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LvsLab.Lab.Model;

/// <summary>
/// A whole lab: its networks, its nodes, and the virtual service it demonstrates. Pure data;
/// a runtime (Docker) realises it.
/// </summary>
public sealed partial record LabTopology
{
    /// <summary>The prefix length of every lab IPv6 subnet (and of every interface's IPv6 address).</summary>
    public const int Subnet6Length = 64;

    /// <summary>The lab's name; container and network names derive from it.</summary>
    public required string Name { get; init; }

    /// <summary>The forwarding method shown: <c>dr</c>, <c>nat</c> or <c>tun</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The virtual IP of the service.</summary>
    public required IPAddress Vip { get; init; }

    /// <summary>
    /// The IPv6 virtual IP beside <see cref="Vip"/> in a dual-stack lab (unique-local, the stock
    /// labs' mapping of the VIP); null: the service is IPv4 only.
    /// </summary>
    public IPAddress? Vip6 { get; init; }

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

    /// <summary>
    /// Whether the lab carries IPv6 beside IPv4: at least one of its networks has an IPv6 subnet
    /// (<see cref="LabNetwork.Subnet6"/>). The stock labs with <c>Ipv6</c> give every network one.
    /// </summary>
    public bool IsDualStack => Networks.Any(n => n.IsDualStack);

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

    /// <summary>Every address a lab node holds (interfaces, IPv4 and IPv6, and loopback aliases).</summary>
    public IReadOnlySet<IPAddress> NodeAddresses =>
        Nodes.SelectMany(n => n.Interfaces.SelectMany(InterfaceAddresses).Concat(n.LoopbackAddresses)).ToHashSet();

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

            if (network.Subnet6 is { } subnet6)
            {
                if (subnet6.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    problems.Add($"network '{network.Name}': IPv6 subnet {subnet6} is not an IPv6 subnet");
                }
                else if (!AddressMath.IsUniqueLocal(subnet6))
                {
                    problems.Add($"network '{network.Name}': IPv6 subnet {subnet6} is not unique-local: lab networks take IPv6 subnets inside {AddressMath.UniqueLocal} only");
                }
                else if (subnet6.PrefixLength != Subnet6Length)
                {
                    problems.Add($"network '{network.Name}': IPv6 subnet {subnet6} is not a /{Subnet6Length}: lab IPv6 subnets are /{Subnet6Length}s");
                }
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

                if (Networks[i].Subnet6 is { } a && Networks[j].Subnet6 is { } b && AddressMath.Overlap(a, b))
                {
                    problems.Add($"networks '{Networks[i].Name}' and '{Networks[j].Name}' overlap in IPv6 ({a} and {b})");
                }
            }
        }

        if (Vip6 is { } vip6)
        {
            if (!AddressMath.IsUniqueLocal(vip6))
            {
                problems.Add($"VIP6 {vip6} is not a unique-local IPv6 address ({AddressMath.UniqueLocal})");
            }

            if (!IsDualStack)
            {
                problems.Add($"VIP6 {vip6} in a lab without IPv6: no network has an IPv6 subnet");
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

                if (nic.Address6 is { } address6)
                {
                    ValidateAddress6(node, nic, address6, network, seen, problems);
                }
            }

            foreach (var address in node.LoopbackAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6))
            {
                if (!AddressMath.IsUniqueLocal(address))
                {
                    problems.Add($"node '{node.Name}': loopback address {address} is not a unique-local IPv6 address ({AddressMath.UniqueLocal})");
                }
                else if (!IsDualStack)
                {
                    problems.Add($"node '{node.Name}': IPv6 loopback address {address} in a lab without IPv6: no network has an IPv6 subnet");
                }
            }
        }

        var nodeAddresses = NodeAddresses;
        foreach (var node in Nodes)
        {
            foreach (var route in node.Routes)
            {
                if (route.Destination.BaseAddress.AddressFamily != route.Via.AddressFamily)
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the destination and the next hop are of different families");
                }
                else if (route.IsIpv6 && !route.IsDefault && !AddressMath.IsUniqueLocal(route.Destination))
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the IPv6 destination is not unique-local ({AddressMath.UniqueLocal})");
                }

                if (!nodeAddresses.Contains(route.Via) && !FloatingAddresses.Contains(route.Via))
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the next hop is not a lab node");
                }

                if (!node.Interfaces.Any(i => Networks.FirstOrDefault(n => n.Name == i.Network) is { } net && (net.Subnet.Contains(route.Via) || net.Subnet6?.Contains(route.Via) == true)))
                {
                    problems.Add($"node '{node.Name}': route {route.DestinationText} via {route.Via}: the next hop is not on any of its networks");
                }
            }
        }

        return problems;
    }

    private static IEnumerable<IPAddress> InterfaceAddresses(NodeInterface nic) =>
        nic.Address6 is { } address6 ? [nic.Address, address6] : [nic.Address];

    // An interface's IPv6 address: on a dual-stack network, inside its IPv6 subnet, not the
    // subnet-router anycast address nor the host's bridge, held by no other node.
    private static void ValidateAddress6(LabNode node, NodeInterface nic, IPAddress address6, LabNetwork network, Dictionary<IPAddress, string> seen, List<string> problems)
    {
        if (network.Subnet6 is not { } subnet6)
        {
            problems.Add($"node '{node.Name}': IPv6 address {address6} on network '{nic.Network}', which has no IPv6 subnet");
        }
        else if (!subnet6.Contains(address6))
        {
            problems.Add($"node '{node.Name}': IPv6 address {address6} is outside network '{nic.Network}' ({subnet6})");
        }
        else if (address6.Equals(subnet6.BaseAddress) || address6.Equals(network.HostGateway6))
        {
            problems.Add($"node '{node.Name}': IPv6 address {address6} is reserved on network '{nic.Network}' (subnet-router anycast or host gateway)");
        }

        if (!seen.TryAdd(address6, node.Name))
        {
            problems.Add($"node '{node.Name}': address {address6} is already used by node '{seen[address6]}'");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,23}$")]
    private static partial Regex LabNamePattern();
}
