namespace LvsLab.Testing.Expectations;

/// <summary>Which header of a frame a <see cref="PacketField"/> lies in.</summary>
public enum PacketLayer
{
    /// <summary>The Ethernet II header.</summary>
    Ethernet,

    /// <summary>The frame's IPv4 header: the outer one of an IP-in-IP packet.</summary>
    Ip,

    /// <summary>The inner IPv4 header of an IP-in-IP packet.</summary>
    InnerIp,

    /// <summary>The TCP or UDP header of the carried packet (inside the tunnel, if any).</summary>
    Transport,

    /// <summary>What follows the transport header (or the carried IP header).</summary>
    Payload,
}
