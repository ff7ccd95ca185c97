namespace LvsLab.Packets;

/// <summary>Why a header view could not be laid over a buffer.</summary>
public enum PacketError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The buffer is shorter than the fixed part of the header.</summary>
    Truncated,

    /// <summary>ARP hardware type, protocol type or address lengths are not Ethernet/IPv4.</summary>
    UnsupportedArpFormat,

    /// <summary>The IPv4 version field is not 4.</summary>
    BadVersion,

    /// <summary>IPv4 IHL below 5, or the header it announces does not fit the buffer or the total length.</summary>
    BadHeaderLength,

    /// <summary>IPv4 total length is beyond the buffer.</summary>
    TotalLengthBeyondBuffer,

    /// <summary>IPv4 total length is smaller than the header length.</summary>
    TotalLengthTooSmall,

    /// <summary>TCP data offset below 5 or beyond the buffer.</summary>
    BadDataOffset,

    /// <summary>UDP length below 8 or beyond the buffer.</summary>
    BadLength,

    /// <summary>A header checksum does not verify.</summary>
    BadChecksum,

    /// <summary>The outer IPv4 header does not carry IP-in-IP (protocol 4).</summary>
    NotIpInIp,

    /// <summary>The packet is a fragment where a whole packet is required.</summary>
    Fragment,

    /// <summary>The output buffer is too small for the result.</summary>
    OutputTooSmall,

    /// <summary>The result would exceed the 65,535-byte IPv4 total length.</summary>
    TooLarge,

    /// <summary>
    /// The ICMP message is well formed but not an error message (types 3, 4, 11 and 12), for
    /// example an echo request or reply: not malformed, just not something that quotes a packet.
    /// </summary>
    NotIcmpError,

    /// <summary>
    /// An ICMP error quotes less than a whole IPv4 header (20 bytes, or the length its IHL
    /// announces) followed by the first 8 bytes of the original's payload.
    /// </summary>
    QuoteTruncated,

    /// <summary>The IPv6 payload length runs beyond the buffer.</summary>
    PayloadLengthBeyondBuffer,

    /// <summary>
    /// An IPv6 jumbogram (RFC 2675: payload length 0 and a hop-by-hop header that would carry
    /// the jumbo payload option): not supported, as no link of the lab carries one.
    /// </summary>
    Jumbogram,

    /// <summary>An IPv6 extension header, or the length it announces, runs beyond the packet (or the quote).</summary>
    ExtensionHeaderTruncated,

    /// <summary>More IPv6 extension headers than the walk accepts (<see cref="Ipv6ExtensionHeaders.MaxHeaders"/>).</summary>
    ExtensionChainTooLong,

    /// <summary>
    /// An IPv6 next header that is neither an extension header the walk knows (hop-by-hop,
    /// routing, fragment, destination options) nor an upper layer it stops at (TCP, UDP, ICMPv6,
    /// IPv4, IPv6, no next header): unknown numbers, and AH (51) and ESP (50), which are not
    /// supported.
    /// </summary>
    UnsupportedNextHeader,

    /// <summary>A hop-by-hop options header somewhere else than right after the IPv6 header (RFC 8200 §4.1).</summary>
    HopByHopNotFirst,

    /// <summary>A second IPv6 fragment header in one chain.</summary>
    RepeatedFragmentHeader,

    /// <summary>The IPv6 hop limit is not the one required (255 for Neighbour Discovery, RFC 4861 §7.1).</summary>
    BadHopLimit,

    /// <summary>The ICMPv6 code is not the one required (0 for Neighbour Discovery).</summary>
    BadCode,

    /// <summary>
    /// The packet carries something else than the reader expects: not ICMPv6 or another ICMPv6
    /// type for a Neighbour Discovery view, neither IPv6 (41) nor IPv4 (4) for a tunnel.
    /// </summary>
    WrongMessageType,

    /// <summary>The target address of a neighbour solicitation or advertisement is a multicast address.</summary>
    MulticastTarget,

    /// <summary>A Neighbour Discovery option has length 0 or runs beyond the message (RFC 4861 §4.6).</summary>
    BadNeighbourDiscoveryOption,

    /// <summary>
    /// The addresses of a Neighbour Discovery message break a rule of RFC 4861 §7.1: a
    /// solicitation from the unspecified address that is not sent to a solicited-node multicast
    /// address or carries a source link-layer address option, or a solicited advertisement sent
    /// to a multicast address.
    /// </summary>
    BadNeighbourDiscoveryAddresses,
}
