namespace LvsLab.Packets;

/// <summary>
/// IP protocol numbers used by the director (IANA assigned): the IPv4 protocol field and the
/// IPv6 next header field share one registry, extension headers included.
/// </summary>
public static class IpProtocol
{
    /// <summary>IPv6 hop-by-hop options extension header (RFC 8200 §4.3).</summary>
    public const byte HopByHop = 0;

    /// <summary>Internet Control Message Protocol.</summary>
    public const byte Icmp = 1;

    /// <summary>IPv4 encapsulated in IPv4 (RFC 2003).</summary>
    public const byte IpInIp = 4;

    /// <summary>Transmission Control Protocol.</summary>
    public const byte Tcp = 6;

    /// <summary>User Datagram Protocol.</summary>
    public const byte Udp = 17;

    /// <summary>IPv6 encapsulated in IP (RFC 2473 for IPv6 in IPv6).</summary>
    public const byte Ipv6 = 41;

    /// <summary>IPv6 routing extension header (RFC 8200 §4.4).</summary>
    public const byte Ipv6Routing = 43;

    /// <summary>IPv6 fragment extension header (RFC 8200 §4.5).</summary>
    public const byte Ipv6Fragment = 44;

    /// <summary>Encapsulating Security Payload (RFC 4303).</summary>
    public const byte Esp = 50;

    /// <summary>Authentication Header (RFC 4302).</summary>
    public const byte Ah = 51;

    /// <summary>ICMP for IPv6 (RFC 4443).</summary>
    public const byte Icmpv6 = 58;

    /// <summary>IPv6 "no next header" (RFC 8200 §4.7): nothing follows.</summary>
    public const byte Ipv6NoNextHeader = 59;

    /// <summary>IPv6 destination options extension header (RFC 8200 §4.6).</summary>
    public const byte Ipv6DestinationOptions = 60;

    /// <summary>Virtual Router Redundancy Protocol (RFC 5798).</summary>
    public const byte Vrrp = 112;
}
