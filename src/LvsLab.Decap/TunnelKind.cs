namespace LvsLab.Decap;

/// <summary>
/// Which raw socket a packet came from, and so what its bytes are. The IPv4 socket returns the
/// whole outer packet; an IPv6 socket returns only what follows the outer IPv6 header and its
/// extension headers, that is the inner packet itself (see <see cref="RawTunnelSocket"/>).
/// </summary>
internal enum TunnelKind
{
    /// <summary>IPv4 in IPv4 (AF_INET, protocol 4): the outer IPv4 header, then the inner IPv4 packet.</summary>
    Ipv4InIpv4 = 0,

    /// <summary>IPv6 in IPv6 (AF_INET6, next header 41): the inner IPv6 packet, the outer header already consumed.</summary>
    Ipv6InIpv6,

    /// <summary>IPv4 in IPv6 (AF_INET6, next header 4): the inner IPv4 packet, the outer header already consumed.</summary>
    Ipv4InIpv6,
}
