namespace LvsLab.Lab.Forwarders;

/// <summary>
/// What a forwarder may claim beyond forwarding in its modes with its schedulers. A conformance
/// case that needs a capability the forwarder does not claim is "unsupported" for it, not failed.
/// </summary>
public static class ForwarderCapabilities
{
    /// <summary>Persistent services (<c>ipvsadm -p</c>): a client stays on its real server for the timeout.</summary>
    public const string Persistence = "persistence";

    /// <summary>One-packet scheduling (<c>ipvsadm -o</c>): every UDP datagram scheduled on its own.</summary>
    public const string OnePacket = "one-packet";

    /// <summary>Services by firewall mark (<c>ipvsadm -f</c>) with marks set by iptables-style rules.</summary>
    public const string FirewallMarks = "firewall-marks";

    /// <summary>ICMP errors about a flow (e.g. port unreachable from a NAT real server) relayed to the other side, rewritten.</summary>
    public const string IcmpErrors = "icmp-errors";

    /// <summary>TUN: ICMP fragmentation-needed to the client when the wrapped packet would exceed the path MTU.</summary>
    public const string FragmentationNeeded = "fragmentation-needed";

    /// <summary>
    /// lvs-director's control socket in the node: <c>lvs-director ipvsadm …</c> changes rules at
    /// run time, <c>lvs-director stats --json</c> reports counters (drops by reason, connections).
    /// </summary>
    public const string LvsDirectorControl = "lvs-director-control";

    /// <summary>
    /// One of a VRRP pair (<c>LVS_VRRP</c>=<c>VRID,PRIORITY[,INTERVAL][,nopreempt]</c>, VRRP v3):
    /// it holds the VIPs (answers ARP, forwards) only while master, announces them by gratuitous
    /// ARP on taking over, and writes its state (<c>master</c>, <c>backup</c>) to
    /// <c>/run/lvs/vrrp-state</c> unless its control socket reports it.
    /// </summary>
    public const string Vrrp = "vrrp";

    /// <summary>Every capability, with what it means.</summary>
    public static IReadOnlyDictionary<string, string> Known { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Persistence] = "persistent services (ipvsadm -p)",
        [OnePacket] = "one-packet scheduling (ipvsadm -o)",
        [FirewallMarks] = "services by firewall mark (ipvsadm -f)",
        [IcmpErrors] = "ICMP errors relayed to the flow's other side",
        [FragmentationNeeded] = "TUN: fragmentation-needed sent to the client",
        [LvsDirectorControl] = "lvs-director's control socket (run-time rules, counters)",
        [Vrrp] = "one of a VRRP pair (LVS_VRRP): the VIPs held only while master",
    };

    /// <summary>The lab modes a forwarder may claim.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["dr", "nat", "tun"];

    /// <summary>The IPVS scheduler names a forwarder may claim.</summary>
    public static IReadOnlyList<string> Schedulers { get; } = ["rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "lblc", "lblcr", "fo", "ovf", "twos"];
}
