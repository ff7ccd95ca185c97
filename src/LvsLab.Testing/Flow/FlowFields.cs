namespace LvsLab.Testing.Flow;

/// <summary>Header fields of a hop that differ from the previous hop of the same packet.</summary>
[Flags]
public enum FlowFields
{
    /// <summary>Nothing changed (or the first hop).</summary>
    None = 0,

    /// <summary>The Ethernet source.</summary>
    SourceMac = 1 << 0,

    /// <summary>The Ethernet destination.</summary>
    DestinationMac = 1 << 1,

    /// <summary>The (inner) IP source address.</summary>
    SourceAddress = 1 << 2,

    /// <summary>The (inner) IP destination address.</summary>
    DestinationAddress = 1 << 3,

    /// <summary>The transport source port.</summary>
    SourcePort = 1 << 4,

    /// <summary>The transport destination port.</summary>
    DestinationPort = 1 << 5,

    /// <summary>The (inner) IP time to live, or IPv6 hop limit.</summary>
    TimeToLive = 1 << 6,

    /// <summary>The packet was wrapped in a tunnel (IP-in-IP, IPv6-in-IPv6, IPv4-in-IPv6, …) since the previous hop.</summary>
    Wrapped = 1 << 7,

    /// <summary>The packet lost its tunnel's outer header since the previous hop.</summary>
    Unwrapped = 1 << 8,

    /// <summary>The outer header's source address.</summary>
    OuterSourceAddress = 1 << 9,

    /// <summary>The outer header's destination address.</summary>
    OuterDestinationAddress = 1 << 10,

    /// <summary>The outer header's time to live (or hop limit).</summary>
    OuterTimeToLive = 1 << 11,
}
