using System.Net;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The seed document's layer-2/3 examples with its own (private) addresses: node11 and node12
/// on 192.168.10.0/24 with the gateway .2 (ARP, the alias 192.168.88.88); a host 192.168.1.4
/// reaching 192.168.3.4 across a router (per-hop MACs); host1 192.168.1.8 and host2 192.168.1.6
/// behind a masquerading router whose outside address 192.168.66.6 stands in for the seed's
/// public 6.6.6.6 (S-NAT). The addresses are fixed, so one seed lab runs at a time.
/// <code>
///  node11 .71 ─┐ lan10 192.168.10/24                       net3 192.168.3/24
///  node12 .72 ─┴──────────── .2 ┌────────┐ .254 ─────────────── server3 .4
///                                │ router │
///  pc    .4 ─┐ home 192.168.1/24 │        │ .6  wan 192.168.66/24 (the "internet")
///  host1 .8 ─┼──────────── .254 └────────┘ ─────────────────── web .10
///  host2 .6 ─┘                   (masquerades out of wan)
/// </code>
/// </summary>
public static class SeedLab
{
    /// <summary>The outside address standing in for the seed's public 6.6.6.6.</summary>
    public static IPAddress PublicStandIn { get; } = IPAddress.Parse("192.168.66.6");

    /// <summary>The seed's alias address on another subnet.</summary>
    public static IPAddress Alias { get; } = IPAddress.Parse("192.168.88.88");

    /// <summary>Builds the seed lab.</summary>
    /// <param name="name">The lab's name.</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string name)
    {
        static IPAddress A(string text) => IPAddress.Parse(text);
        var router = new LabNode
        {
            Name = "router",
            Role = NodeRole.Router,
            Image = "router",
            Interfaces =
            [
                new NodeInterface("lan10", A("192.168.10.2")),
                new NodeInterface("home", A("192.168.1.254")),
                new NodeInterface("net3", A("192.168.3.254")),
                new NodeInterface("wan", PublicStandIn),
            ],
            Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
        };
        var wan = router.InterfaceOn("wan");
        router = router with
        {
            // S-NAT: what leaves by the "internet" side takes the router's outside address.
            Commands =
            [
                "nft add table ip seednat",
                "nft 'add chain ip seednat postrouting { type nat hook postrouting priority 100 ; }'",
                $"nft add rule ip seednat postrouting oifname {wan} masquerade",
            ],
        };

        LabNode Host(string nodeName, string network, string address, string? gateway, NodeRole role = NodeRole.Client) => new()
        {
            Name = nodeName,
            Role = role,
            Image = role == NodeRole.RealServer ? "realserver" : "client",
            Interfaces = [new NodeInterface(network, A(address))],
            Routes = gateway is null ? [] : [LabRoute.Default(A(gateway))],
            Environment = new Dictionary<string, string> { ["LVSLAB_NODE"] = nodeName },
            Readiness = role == NodeRole.RealServer ? RealServerReadiness.Command : null,
        };

        return new LabTopology
        {
            Name = name,
            Mode = "seed",
            Vip = A("192.168.10.100"),
            Port = 80,
            Networks =
            [
                new LabNetwork("lan10", IPNetwork.Parse("192.168.10.0/24")),
                new LabNetwork("home", IPNetwork.Parse("192.168.1.0/24")),
                new LabNetwork("net3", IPNetwork.Parse("192.168.3.0/24")),
                new LabNetwork("wan", IPNetwork.Parse("192.168.66.0/24")),
            ],
            Nodes =
            [
                router,
                Host("node11", "lan10", "192.168.10.71", "192.168.10.2"),
                Host("node12", "lan10", "192.168.10.72", "192.168.10.2"),
                Host("pc", "home", "192.168.1.4", "192.168.1.254"),
                Host("host1", "home", "192.168.1.8", "192.168.1.254"),
                Host("host2", "home", "192.168.1.6", "192.168.1.254"),
                Host("server3", "net3", "192.168.3.4", "192.168.3.254", NodeRole.RealServer),
                // No route back to home: only S-NAT makes its replies local (to 192.168.66.6).
                Host("web", "wan", "192.168.66.10", null, NodeRole.RealServer),
            ],
        };
    }
}
