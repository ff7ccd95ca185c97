namespace LvsLab.Lab.Topologies;

/// <summary>Choices for a TUN lab.</summary>
public sealed record TunLabOptions
{
    /// <summary>
    /// How many real servers (1–40). The first sits on the director's LAN; the others on a far
    /// subnet reachable only through the router. With one server, it sits on the far subnet.
    /// </summary>
    public int Servers { get; init; } = 3;

    /// <summary>The IPVS scheduler of the virtual services.</summary>
    public string Scheduler { get; init; } = "rr";

    /// <summary>
    /// Whether real servers use strict reverse-path filtering (<c>rp_filter=1</c>): decapsulated
    /// packets then arrive on the tunnel while the route back is via eth0, and the kernel drops
    /// them as martians — the TUN pitfall, as a negative control.
    /// </summary>
    public bool StrictRpFilter { get; init; }

    /// <summary>
    /// Whether the lab is dual-stack (<see cref="Ipv6Plan.DualStack"/>): every network gets its
    /// unique-local IPv6 /64, every node its IPv6 address, the lab its VIP6 (held on the real servers' <c>lo</c> beside the VIP), and IPv6 routes
    /// mirror the IPv4 ones. The director's rules stay IPv4.
    /// </summary>
    public bool Ipv6 { get; init; }
}
