namespace LvsLab.Director;

/// <summary>
/// Deliberate faults: the director made wrong on purpose (a mutant), so the conformance cases can
/// show that they catch a forwarder that breaks what they check. Never set outside a test of the
/// tests; the director logs every fault it runs with.
/// </summary>
[Flags]
public enum DirectorFaults
{
    /// <summary>A correct director.</summary>
    None = 0,

    /// <summary>Answers no ARP request for a VIP.</summary>
    ArpSilent = 1 << 0,

    /// <summary>DR: keeps the incoming frame's source MAC instead of writing its own.</summary>
    DrSourceMac = 1 << 1,

    /// <summary>DR and TUN: decrements the forwarded (inner) packet's TTL, as a router would (checksum kept right).</summary>
    Ttl = 1 << 2,

    /// <summary>NAT: rewrites the request's destination but leaves the IP and transport checksums as they were.</summary>
    NatChecksum = 1 << 3,

    /// <summary>NAT: passes replies on without rewriting their source back to VIP:port.</summary>
    NatReplyUnmapped = 1 << 4,

    /// <summary>Schedules every new connection to the first available real server, whatever the scheduler.</summary>
    FirstServer = 1 << 5,

    /// <summary>Rewrites the request's source to the director's own address (source NAT; in TUN the inner packet's), so the real server never sees the client and answers the director.</summary>
    SourceNat = 1 << 6,

    /// <summary>TUN: drops a packet too big to wrap without telling the client (no ICMP fragmentation-needed): a path-MTU black hole.</summary>
    FragmentationSilent = 1 << 7,

    /// <summary>Drops ICMP errors about a connection instead of relaying them to its other side.</summary>
    IcmpDropped = 1 << 8,

    /// <summary>Forwards a packet whose IPv4 header checksum is wrong instead of dropping it.</summary>
    ForwardBadChecksum = 1 << 9,

    /// <summary>Ignores persistence and the scheduler: every new connection goes to the next real server in turn (no client keeps its server, no weight counts).</summary>
    NoAffinity = 1 << 10,

    /// <summary>
    /// VRRP: on becoming master, sends no gratuitous ARP for the VIPs, so neighbours keep
    /// sending to the old master's MAC until their ARP entries age out (the negative control of
    /// the takeover scenario; the engine itself ignores this fault).
    /// </summary>
    NoGratuitousArp = 1 << 11,
}
