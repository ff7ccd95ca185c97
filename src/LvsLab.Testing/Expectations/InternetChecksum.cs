using System.Buffers.Binary;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// The Internet checksum (RFC 1071: one's complement of the one's-complement sum of 16-bit
/// words) for IPv4 headers and, with the IPv4 pseudo-header, TCP and UDP. Written here, not taken
/// from the forwarder, so that expectations do not share its mistakes.
/// </summary>
public static class InternetChecksum
{
    private const int ChecksumOffsetInIp = 10;
    private const int ChecksumOffsetInTcp = 16;
    private const int ChecksumOffsetInUdp = 6;

    /// <summary>The checksum of <paramref name="data"/> (an odd last byte is padded with zero).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Sum(data, 0));

    /// <summary>The header checksum an IPv4 header should carry (its own checksum field counted as zero).</summary>
    /// <param name="header">The whole IPv4 header (IHL × 4 bytes).</param>
    /// <returns>The checksum.</returns>
    public static ushort Ipv4Header(ReadOnlySpan<byte> header)
    {
        uint sum = Sum(header, 0) - BinaryPrimitives.ReadUInt16BigEndian(header[ChecksumOffsetInIp..]);
        return Fold(sum);
    }

    /// <summary>
    /// The checksum the TCP or UDP segment in an IPv4 packet should carry: over the IPv4
    /// pseudo-header (source, destination, zero, protocol, segment length) and the segment, its
    /// own checksum field counted as zero. A computed UDP checksum of 0 is sent as 0xffff (RFC 768).
    /// </summary>
    /// <param name="ipPacket">The IPv4 packet, header first, trimmed to its total length.</param>
    /// <returns>The checksum.</returns>
    /// <exception cref="ArgumentException">The packet is neither TCP nor UDP, or too short.</exception>
    public static ushort Transport(ReadOnlySpan<byte> ipPacket)
    {
        if (ipPacket.Length < 20)
        {
            throw new ArgumentException("Not an IPv4 packet: shorter than 20 bytes.", nameof(ipPacket));
        }

        int headerLength = (ipPacket[0] & 0x0F) * 4;
        int protocol = ipPacket[9];
        int checksumOffset = protocol switch
        {
            FrameLayout.Tcp => ChecksumOffsetInTcp,
            FrameLayout.Udp => ChecksumOffsetInUdp,
            _ => throw new ArgumentException($"IP protocol {protocol} is neither TCP nor UDP.", nameof(ipPacket)),
        };
        var segment = ipPacket[headerLength..];
        if (segment.Length < checksumOffset + 2)
        {
            throw new ArgumentException("The transport header is cut short.", nameof(ipPacket));
        }

        uint sum = Sum(ipPacket.Slice(12, 8), 0) + (uint)protocol + (uint)segment.Length;
        sum = Sum(segment, sum) - BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
        ushort checksum = Fold(sum);
        return protocol == FrameLayout.Udp && checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        return sum;
    }

    // Subtracting a word from a sum can borrow past zero only if the sum holds less than the word,
    // which cannot happen: the word was added to it. Folding the carries then gives the sum.
    private static ushort Fold(uint sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
