namespace LvsLab.Director;

/// <summary>Why a frame was dropped. Values are dense from 0 so they can index an array.</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>The caller's output buffer is smaller than the frame (or than an ARP frame).</summary>
    OutputTooSmall,

    /// <summary>Shorter than an Ethernet header.</summary>
    TruncatedEthernet,

    /// <summary>An ARP frame shorter than an Ethernet/IPv4 ARP packet.</summary>
    TruncatedArp,

    /// <summary>Shorter than an IPv4 header.</summary>
    TruncatedIpv4,

    /// <summary>IPv4 version field not 4.</summary>
    BadIpVersion,

    /// <summary>IPv4 IHL below 5 or beyond the frame.</summary>
    BadIpHeaderLength,

    /// <summary>IPv4 total length beyond the frame or below the header length.</summary>
    BadIpTotalLength,

    /// <summary>IPv4 header checksum does not verify.</summary>
    BadIpChecksum,

    /// <summary>An IPv4 fragment (MF set or offset non-zero) to a VIP.</summary>
    Fragment,

    /// <summary>TTL (IPv4) or hop limit (IPv6) 0 or 1.</summary>
    TtlExpired,

    /// <summary>Shorter than a TCP header.</summary>
    TruncatedTcp,

    /// <summary>TCP data offset below 5 or beyond the packet.</summary>
    BadTcpDataOffset,

    /// <summary>Shorter than a UDP header.</summary>
    TruncatedUdp,

    /// <summary>UDP length below 8 or beyond the packet.</summary>
    BadUdpLength,

    /// <summary>To a VIP, but no service for this protocol and port.</summary>
    NoService,

    /// <summary>A TCP packet other than a bare SYN without a connection entry (IPVS does the same).</summary>
    NoConnection,

    /// <summary>The scheduler found no real server with a weight above 0.</summary>
    NoRealServer,

    /// <summary>The real server's MAC is unknown; an ARP request was sent or is rate-limited.</summary>
    NeighbourUnresolved,

    /// <summary>
    /// The chosen real server uses a forwarding method the engine does not implement. Every
    /// ipvsadm method that parses (<c>-g</c>, <c>-m</c>, <c>-i</c>) is implemented, so this
    /// stays 0 unless a rule set is built in code with an undefined method.
    /// </summary>
    UnsupportedForwardingMethod,

    /// <summary>
    /// No port's subnet holds the destination (or, for direct routing, the real server is not
    /// on-link) and no port has a gateway.
    /// </summary>
    NoRoute,

    /// <summary>
    /// A packet from a masquerading real server's endpoint (RIP:RPORT of a <c>-m</c> real
    /// server) that belongs to no connection; dropped rather than leaked with the real
    /// server's address.
    /// </summary>
    OrphanReply,

    /// <summary>
    /// Tunnelling (<c>-i</c>): the packet with DF set no longer fits the egress port's MTU once
    /// wrapped (length + 20 &gt; MTU). The frame is dropped and, as IPVS does, an ICMP
    /// "fragmentation needed" (type 3, code 4, next-hop MTU = port MTU − 20) is sent to the
    /// client when it can be (see <see cref="DirectorCounters.IcmpSent"/>). When the next hop
    /// towards the client is unresolved, the frame counts as <see cref="NeighbourUnresolved"/>
    /// instead (an ARP request goes out in place of the ICMP).
    /// </summary>
    FragmentationNeeded,

    /// <summary>
    /// Tunnelling (<c>-i</c>): the packet with DF clear no longer fits the egress port's MTU
    /// once wrapped. IPVS would fragment the outer packet; this engine does not fragment.
    /// </summary>
    TooBig,

    /// <summary>
    /// An ICMP error (destination unreachable, source quench, time exceeded, parameter problem)
    /// whose quoted packet is cut short or malformed, or quotes a later fragment (no ports).
    /// </summary>
    MalformedIcmpError,

    /// <summary>An ICMP error about a connection whose ICMP checksum is wrong (IPVS drops these too).</summary>
    BadIcmpChecksum,

    /// <summary>
    /// For a virtual service while the director is a standby (a VRRP backup, <see cref="DirectorEngine.Standby"/>):
    /// the master forwards it; a frame that still comes here is one the sender's ARP cache sent to the wrong director.
    /// </summary>
    Standby,

    /// <summary>An IPv6 packet shorter than its fixed header, or whose payload length runs past the frame (or announces a jumbogram).</summary>
    TruncatedIpv6,

    /// <summary>
    /// An IPv6 packet whose extension headers cannot be walked to a transport header: a header
    /// cut short, more than eight, hop-by-hop not first, two fragment headers, or one the
    /// director does not pass over (AH, ESP, mobility, unknown).
    /// </summary>
    BadIpv6ExtensionHeaders,

    /// <summary>A UDP datagram over IPv6 with checksum 0, which IPv6 forbids (RFC 8200 §8.1).</summary>
    ZeroUdpChecksum,
}
