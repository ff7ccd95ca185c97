namespace LvsLab.Lab.Topologies;

/// <summary>Choices for a DR lab.</summary>
public sealed record DrLabOptions
{
    /// <summary>How many real servers sit on the LAN (1–50).</summary>
    public int Servers { get; init; } = 3;

    /// <summary>The IPVS scheduler of the virtual service.</summary>
    public string Scheduler { get; init; } = "rr";

    /// <summary>The virtual service's TCP port.</summary>
    public int Port { get; init; } = 80;

    /// <summary>
    /// Whether real servers get <c>arp_ignore=1</c> and <c>arp_announce=2</c>. Off, they answer
    /// ARP for the VIP they hold on <c>lo</c>: the LVS "ARP problem" (a negative control).
    /// </summary>
    public bool ArpSysctls { get; init; } = true;

    /// <summary>
    /// Environment for the director's health checks (e.g. <c>LVS_HEALTH=tcp</c>,
    /// <c>LVS_HEALTH_INTERVAL_MS</c>, <c>LVS_HEALTH_TIMEOUT_MS</c>, <c>LVS_HEALTH_FALL</c>,
    /// <c>LVS_HEALTH_RISE</c>); empty: no health checks.
    /// </summary>
    public IReadOnlyDictionary<string, string> DirectorHealth { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The director's rules, made from the VIP and the real servers' addresses; null gives one
    /// TCP service on <see cref="Port"/> with <see cref="Scheduler"/> and weight 1 everywhere.
    /// </summary>
    public Func<System.Net.IPAddress, IReadOnlyList<System.Net.IPAddress>, string>? Rules { get; init; }

    /// <summary>
    /// The director's firewall-mark rules (iptables mangle MARK lines, for <c>-f</c> services),
    /// made from the VIP and the real servers' addresses; null: none.
    /// </summary>
    public Func<System.Net.IPAddress, IReadOnlyList<System.Net.IPAddress>, string>? Marks { get; init; }

    /// <summary>
    /// Whether the lab is dual-stack (<see cref="Ipv6Plan.DualStack"/>): every network gets its
    /// unique-local IPv6 /64, every node its IPv6 address, the lab its VIP6 (held on the real servers' <c>lo</c> beside the VIP), and IPv6 routes
    /// mirror the IPv4 ones. The director's rules stay IPv4.
    /// </summary>
    public bool Ipv6 { get; init; }
}
