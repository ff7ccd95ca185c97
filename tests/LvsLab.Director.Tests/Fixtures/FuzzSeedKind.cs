namespace LvsLab.Director.Tests.Fixtures;

/// <summary>What a fuzz frame was built as, before any mutation.</summary>
internal enum FuzzSeedKind
{
    /// <summary>A TCP segment from a client to a service (SYN, ACK, data, FIN, RST, …).</summary>
    ClientTcp,

    /// <summary>A UDP datagram from a client to a service.</summary>
    ClientUdp,

    /// <summary>A TCP segment from a real server to a client (NAT replies, orphans, DR servers).</summary>
    ServerTcp,

    /// <summary>A UDP datagram from a real server to a client (one-packet and NAT replies).</summary>
    ServerUdp,

    /// <summary>An ICMP error to a VIP quoting VIP:VPORT → CIP:CPORT.</summary>
    IcmpInbound,

    /// <summary>An ICMP error from a real server quoting CIP:CPORT → RIP:RPORT.</summary>
    IcmpOutbound,

    /// <summary>An ICMP echo request or reply.</summary>
    IcmpEcho,

    /// <summary>An ARP request (for VIPs, the director's addresses, gratuitous).</summary>
    ArpRequest,

    /// <summary>An ARP reply (real servers, clients, the router, strangers).</summary>
    ArpReply,

    /// <summary>A packet to a tunnel service near or above the egress MTU, DF set or clear.</summary>
    BigTunnel,

    /// <summary>Random bytes, sometimes behind a plausible Ethernet or IPv4 header.</summary>
    Random,
}
