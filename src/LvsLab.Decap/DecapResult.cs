namespace LvsLab.Decap;

/// <summary>
/// What <see cref="Decapsulator.Process(TunnelKind, ReadOnlySpan{byte}, out int, out int)"/> decided
/// for one received packet. Values are dense from 0 so they index the counters; every value but
/// <see cref="Deliver"/> is a drop reason. New values go at the end (the stats file lists the
/// reasons in this order).
/// </summary>
internal enum DecapResult
{
    /// <summary>A valid IP-in-IP packet whose inner packet is valid: write the inner packet to the TUN device.</summary>
    Deliver = 0,

    /// <summary>The outer IPv4 header is broken: too short, not version 4, bad IHL or total length, or a bad header checksum.</summary>
    OuterInvalid,

    /// <summary>The outer header's protocol is not 4 (IP-in-IP).</summary>
    OuterNotIpInIp,

    /// <summary>The outer packet is a fragment (MF set or a non-zero fragment offset).</summary>
    OuterFragment,

    /// <summary>
    /// The inner IPv4 packet (in IPv4 or in IPv6) is cut short: fewer than 20 bytes, or its header
    /// or total length runs beyond the outer packet.
    /// </summary>
    InnerTruncated,

    /// <summary>The inner IPv4 header (in IPv4 or in IPv6) is malformed: not version 4, IHL below 5, or total length below its header length.</summary>
    InnerInvalid,

    /// <summary>The inner IPv4 header checksum (in IPv4 or in IPv6) does not verify.</summary>
    InnerBadChecksum,

    /// <summary>The inner packet was good but writing it to the TUN device failed (never returned by <c>Process</c>).</summary>
    WriteFailed,

    /// <summary>
    /// The inner IPv6 packet (IPv6 in IPv6) is cut short: fewer than 40 bytes, its payload length
    /// runs beyond the outer payload, or an extension header runs past its end.
    /// </summary>
    InnerIpv6Truncated,

    /// <summary>The inner IPv6 header (IPv6 in IPv6) is malformed: not version 6, or a jumbogram (payload length 0 with a hop-by-hop header).</summary>
    InnerIpv6Invalid,

    /// <summary>
    /// The inner IPv6 packet's extension headers do not walk to an upper layer: more than
    /// <see cref="LvsLab.Packets.Ipv6ExtensionHeaders.MaxHeaders"/> of them, hop-by-hop not first,
    /// two fragment headers, or a next header the walk refuses (AH, ESP, unknown numbers), as the
    /// director refuses them before tunnelling.
    /// </summary>
    InnerIpv6BadExtensionHeaders,
}
