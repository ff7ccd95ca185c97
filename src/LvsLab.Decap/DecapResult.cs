namespace LvsLab.Decap;

/// <summary>
/// What <see cref="Decapsulator.Process"/> decided for one received packet. Values are dense from
/// 0 so they index the counters; every value but <see cref="Deliver"/> is a drop reason.
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

    /// <summary>The inner packet is cut short: fewer than 20 bytes, or its header or total length runs beyond the outer packet.</summary>
    InnerTruncated,

    /// <summary>The inner header is malformed: not version 4, IHL below 5, or total length below its header length.</summary>
    InnerInvalid,

    /// <summary>The inner IPv4 header checksum does not verify.</summary>
    InnerBadChecksum,

    /// <summary>The inner packet was good but writing it to the TUN device failed (never returned by <see cref="Decapsulator.Process"/>).</summary>
    WriteFailed,
}
