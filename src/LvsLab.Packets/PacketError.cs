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
}
