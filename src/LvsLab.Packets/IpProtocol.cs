namespace LvsLab.Packets;

/// <summary>IPv4 protocol numbers used by the director (IANA assigned).</summary>
public static class IpProtocol
{
    /// <summary>Internet Control Message Protocol.</summary>
    public const byte Icmp = 1;

    /// <summary>IPv4 encapsulated in IPv4 (RFC 2003).</summary>
    public const byte IpInIp = 4;

    /// <summary>Transmission Control Protocol.</summary>
    public const byte Tcp = 6;

    /// <summary>User Datagram Protocol.</summary>
    public const byte Udp = 17;

    /// <summary>Virtual Router Redundancy Protocol (RFC 5798).</summary>
    public const byte Vrrp = 112;
}
