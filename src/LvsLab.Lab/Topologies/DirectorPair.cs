using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// Makes a lab's one director a VRRP pair, as keepalived makes two LVS directors one:
/// <c>director1</c> (the director as it was, the higher priority) and <c>director2</c> (the
/// same node one address further on each of its networks), each told its part by
/// <c>LVS_VRRP</c> (and <c>LVS_SYNC</c>, <c>LVS_SLOPPY_TCP</c>). In NAT the real servers' gateway
/// must move with the VIP: it becomes a floating address (host 254 of the real servers' network,
/// <c>LVS_VRRP_ADDRESSES</c>) that the master answers for, and the real servers route through it.
/// In a dual-stack lab the second director's IPv6 addresses and the floating gateway's follow
/// the same plan (<see cref="Ipv6Plan.Map"/>); the IPv6 floating gateway is a floating address of
/// the lab but not yet in <c>LVS_VRRP_ADDRESSES</c>.
/// </summary>
public static class DirectorPair
{
    /// <summary>The first director's name (the master while both run).</summary>
    public const string First = "director1";

    /// <summary>The second director's name.</summary>
    public const string Second = "director2";

    /// <summary>The pair in place of the topology's one director.</summary>
    /// <param name="topology">A topology with exactly one director node.</param>
    /// <param name="options">The pair's VRRP settings; the defaults when null.</param>
    /// <returns>The topology with <see cref="First"/> and <see cref="Second"/> instead.</returns>
    /// <exception cref="ArgumentException">Not one director, or the second director's address (or a NAT pair's floating gateway) is taken.</exception>
    public static LabTopology Apply(LabTopology topology, DirectorPairOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        options ??= new DirectorPairOptions();
        var directors = topology.NodesWith(NodeRole.Director);
        if (directors.Count != 1)
        {
            throw new ArgumentException($"a director pair is made from a lab with one director; lab '{topology.Name}' has {directors.Count}");
        }

        var director = directors[0];
        var taken = topology.NodeAddresses;

        // In NAT the real servers route through the director: that gateway must move with the VIP.
        // It becomes a floating address (host 254 of its network) that the master answers for,
        // and the real servers route through it instead of director's own address.
        var gateways = new Dictionary<IPAddress, IPAddress>();
        if (topology.Mode == "nat")
        {
            foreach (var nic in director.Interfaces.Where(i => topology.Nodes.Any(n => n.Routes.Any(r => r.Via.Equals(i.Address)))))
            {
                var network = topology.Networks.First(n => n.Name == nic.Network);
                var floating = AddressMath.Offset(network.Subnet.BaseAddress, 254);
                if (taken.Contains(floating) || !network.Subnet.Contains(floating))
                {
                    throw new ArgumentException($"the pair's floating gateway {floating} on network '{nic.Network}' is taken or outside it");
                }

                gateways[nic.Address] = floating;

                // A dual-stack network's IPv6 gateway floats the same way (the IPv6 twin of host 254).
                if (nic.Address6 is { } address6 && network.Subnet6 is { } subnet6)
                {
                    var floating6 = Twin(nic, floating, AddressMath.Offset(subnet6.BaseAddress, 254));
                    if (taken.Contains(floating6) || !subnet6.Contains(floating6))
                    {
                        throw new ArgumentException($"the pair's floating gateway {floating6} on network '{nic.Network}' is taken or outside it");
                    }

                    gateways[address6] = floating6;
                }
            }
        }

        var second = director.Interfaces.Select(i => i with
        {
            Address = AddressMath.Offset(i.Address, 1),
            Address6 = i.Address6 is null ? null : Twin(i, AddressMath.Offset(i.Address, 1), AddressMath.Offset(i.Address6, 1)),
        }).ToList();
        if (second.FirstOrDefault(n => taken.Contains(n.Address) || (n.Address6 is { } a6 && taken.Contains(a6))) is { } clash)
        {
            var address = taken.Contains(clash.Address) ? clash.Address : clash.Address6;
            throw new ArgumentException($"the second director would take {address} on network '{clash.Network}', which another node holds");
        }

        LabNode Member(string name, IReadOnlyList<NodeInterface> interfaces, int priority, string faults)
        {
            var environment = new Dictionary<string, string>(director.Environment, StringComparer.Ordinal)
            {
                ["LVS_VRRP"] = string.Create(CultureInfo.InvariantCulture, $"{options.VirtualRouterId},{priority},{options.IntervalMilliseconds}ms"),
                ["LVS_SYNC"] = options.Sync ? "on" : "off",
                ["LVS_SLOPPY_TCP"] = options.SloppyTcp ? "1" : "0",
            };
            if (gateways.Count > 0)
            {
                // IPv4 only for now: holding an IPv6 floating address is the director's IPv6 work.
                environment["LVS_VRRP_ADDRESSES"] = string.Join(",", gateways.Values.Where(g => g.AddressFamily == AddressFamily.InterNetwork).Select(g => g.ToString()));
            }

            if (faults.Length > 0)
            {
                environment["LVS_FAULT"] = faults;
            }

            return director with { Name = name, Interfaces = interfaces, Environment = environment };
        }

        var nodes = new List<LabNode>();
        foreach (var node in topology.Nodes)
        {
            if (node == director)
            {
                nodes.Add(Member(First, director.Interfaces, options.FirstPriority, options.FirstFaults));
                nodes.Add(Member(Second, second, options.SecondPriority, options.SecondFaults));
            }
            else
            {
                nodes.Add(gateways.Count == 0 ? node : node with
                {
                    Routes = [.. node.Routes.Select(r => gateways.TryGetValue(r.Via, out var floating) ? r with { Via = floating } : r)],
                });
            }
        }

        return topology with { Nodes = nodes, FloatingAddresses = [.. topology.FloatingAddresses, .. gateways.Values] };
    }

    // The IPv6 address beside IPv4 address ipv4 on nic's network: its mapping when the lab uses
    // the mapping there (Ipv6Plan), else the fallback.
    private static IPAddress Twin(NodeInterface nic, IPAddress ipv4, IPAddress fallback) =>
        nic.Address6 is { } address6 && address6.Equals(Ipv6Plan.Map(nic.Address)) ? Ipv6Plan.Map(ipv4) : fallback;
}

/// <summary>The VRRP settings of a <see cref="DirectorPair"/>.</summary>
public sealed record DirectorPairOptions
{
    /// <summary>The virtual router id (and sync id), 1–255.</summary>
    public int VirtualRouterId { get; init; } = 51;

    /// <summary>The first director's priority (the higher: it is master while it runs).</summary>
    public int FirstPriority { get; init; } = 250;

    /// <summary>The second director's priority.</summary>
    public int SecondPriority { get; init; } = 200;

    /// <summary>The advertisement interval in milliseconds (a multiple of 10): the lab's 100 ms, where keepalived's default is 1 s.</summary>
    public int IntervalMilliseconds { get; init; } = 100;

    /// <summary>Whether the pair synchronises its connections.</summary>
    public bool Sync { get; init; } = true;

    /// <summary>Whether both run with IPVS's <c>sloppy_tcp</c>.</summary>
    public bool SloppyTcp { get; init; }

    /// <summary>Deliberate faults of the first director (<c>LVS_FAULT</c>), for negative controls.</summary>
    public string FirstFaults { get; init; } = string.Empty;

    /// <summary>Deliberate faults of the second director.</summary>
    public string SecondFaults { get; init; } = string.Empty;
}
