namespace LvsLab.Packets.Vrrp;

/// <summary>
/// Why an IPv4 packet is not a valid VRRP version 3 advertisement (RFC 5798 §7.1), as told by
/// <see cref="VrrpAdvertisement.TryRead"/>.
/// </summary>
public enum VrrpError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>
    /// Shorter than an IPv4 header or than the total length it announces, or the IPv4 payload is
    /// shorter than the 8-byte VRRP header.
    /// </summary>
    Truncated,

    /// <summary>
    /// The IPv4 header is unusable: not version 4, a bad IHL or total length, a wrong header
    /// checksum, or a fragment.
    /// </summary>
    BadIpv4Header,

    /// <summary>The IPv4 protocol is not 112 (VRRP).</summary>
    NotVrrp,

    /// <summary>The IPv4 time to live is not 255, so the packet may have crossed a router (RFC 5798 §5.1.1.3).</summary>
    BadTimeToLive,

    /// <summary>The VRRP version is not 3.</summary>
    BadVersion,

    /// <summary>The VRRP type is not 1 (advertisement).</summary>
    BadType,

    /// <summary>The VRRP message is not exactly 8 bytes plus 4 for each address its count announces.</summary>
    AddressCountMismatch,

    /// <summary>The maximum advertisement interval is 0, which would make every timer fire at once.</summary>
    ZeroInterval,

    /// <summary>The VRRP checksum (over the IPv4 pseudo-header and the message) does not verify.</summary>
    BadChecksum,
}
