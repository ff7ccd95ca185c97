namespace LvsLab.Lab.Topologies;

/// <summary>Choices for a NAT lab.</summary>
public sealed record NatLabOptions
{
    /// <summary>How many real servers sit on the back network (1–50).</summary>
    public int Servers { get; init; } = 3;

    /// <summary>The IPVS scheduler of the virtual services.</summary>
    public string Scheduler { get; init; } = "rr";

    /// <summary>
    /// Whether the real servers' default route is the director's DIP (true, as LVS-NAT needs)
    /// or the router on the back network (false: replies leave un-rewritten by the wrong way —
    /// a negative control).
    /// </summary>
    public bool RouteRepliesThroughDirector { get; init; } = true;

    /// <summary>
    /// Whether the lab is dual-stack (<see cref="Ipv6Plan.DualStack"/>): every network gets its
    /// unique-local IPv6 /64, every node its IPv6 address, the lab its VIP6, and IPv6 routes
    /// mirror the IPv4 ones. The director's rules stay IPv4.
    /// </summary>
    public bool Ipv6 { get; init; }
}
