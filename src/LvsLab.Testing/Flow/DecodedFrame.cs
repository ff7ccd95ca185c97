namespace LvsLab.Testing.Flow;

/// <summary>An Ethernet frame carrying IPv4 or IPv6, decoded for tracing.</summary>
internal sealed class DecodedFrame
{
    /// <summary>The Ethernet source, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public required string SourceMac { get; init; }

    /// <summary>The Ethernet destination, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public required string DestinationMac { get; init; }

    /// <summary>A tunnel's outer header (IP-in-IP, IPv6-in-IPv6, IPv4-in-IPv6, …), or null when the frame is not a tunnel packet.</summary>
    public DecodedIp? Outer { get; init; }

    /// <summary>The packet carried: the inner packet of a tunnel, else the frame's IP packet.</summary>
    public required DecodedIp Carried { get; init; }

    /// <summary>The frame's whole IP packet (the outer one of a tunnel), trimmed to its total length.</summary>
    public ReadOnlyMemory<byte> IpBytes => (Outer ?? Carried).Bytes;
}
