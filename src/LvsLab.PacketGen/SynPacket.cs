using System.Buffers.Binary;

namespace LvsLab.PacketGen;

/// <summary>
/// A TCP SYN as a raw IPv4 socket sends it (<c>IPPROTO_RAW</c>: the IP header included): a
/// 20-byte IPv4 header (no options, DF, TTL 64) and a 20-byte TCP header (no options, SYN only,
/// window 64240), both checksums computed.
/// </summary>
internal static class SynPacket
{
    /// <summary>Bytes of a SYN: the IPv4 and the TCP header.</summary>
    public const int Length = IpHeaderLength + TcpHeaderLength;

    /// <summary>Bytes of the IPv4 header.</summary>
    public const int IpHeaderLength = 20;

    /// <summary>Bytes of the TCP header.</summary>
    public const int TcpHeaderLength = 20;

    /// <summary>The receive window a SYN offers.</summary>
    public const ushort Window = 64240;

    /// <summary>The TCP flags byte of a SYN.</summary>
    public const byte SynFlag = 0x02;

    private const byte Tcp = 6;
    private const byte TimeToLive = 64;
    private const ushort DontFragment = 0x4000;

    /// <summary>Writes a SYN into the first <see cref="Length"/> bytes of <paramref name="packet"/>.</summary>
    /// <param name="packet">At least <see cref="Length"/> bytes.</param>
    /// <param name="source">The source address (host order).</param>
    /// <param name="sourcePort">The source port.</param>
    /// <param name="destination">The destination address (host order).</param>
    /// <param name="destinationPort">The destination port.</param>
    /// <param name="sequence">The initial sequence number.</param>
    /// <param name="identification">The IPv4 identification.</param>
    /// <returns><see cref="Length"/>.</returns>
    public static int Write(Span<byte> packet, uint source, ushort sourcePort, uint destination, ushort destinationPort, uint sequence, ushort identification)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packet.Length, Length, nameof(packet));
        var ip = packet[..IpHeaderLength];
        ip[0] = 0x45; // version 4, 5 words
        ip[1] = 0; // DSCP and ECN
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], DontFragment);
        ip[8] = TimeToLive;
        ip[9] = Tcp;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Fold(Sum(ip)));

        var tcp = packet.Slice(IpHeaderLength, TcpHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0); // acknowledgement
        tcp[12] = 0x50; // 5 words, no options
        tcp[13] = SynFlag;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], Window);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[18..], 0); // urgent pointer

        // The pseudo-header: both addresses, zero and the protocol, the TCP length.
        ulong pseudo = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + Tcp + TcpHeaderLength;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Fold(pseudo + Sum(tcp)));
        return Length;
    }

    /// <summary>The sum of <paramref name="bytes"/> as big-endian 16-bit words (an odd last byte padded with zero), not folded.</summary>
    private static ulong Sum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 1 < bytes.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        }

        if (i < bytes.Length)
        {
            sum += (ulong)bytes[i] << 8;
        }

        return sum;
    }

    /// <summary>The Internet checksum of a sum: folded to 16 bits in one's complement, then inverted.</summary>
    private static ushort Fold(ulong sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
