using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum
/// of the data taken as big-endian 16-bit words, plus the IPv4 and IPv6 pseudo-header forms used
/// by TCP, UDP and ICMPv6 and the incremental update of RFC 1624.
/// </summary>
/// <remarks>
/// Sums are accumulated in a 64-bit integer and folded at the end (end-around carry), which is
/// the same as adding with carry word by word. Nothing here allocates.
/// </remarks>
public static class Checksum
{
    /// <summary>
    /// Adds <paramref name="data"/> to a running one's complement sum. An odd final byte is
    /// padded with a zero byte on the right, as RFC 1071 requires. Only the last span of a
    /// sequence may have an odd length.
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <param name="initial">A running sum from an earlier call, or 0.</param>
    /// <returns>The new running sum, not yet folded.</returns>
    public static ulong Add(ReadOnlySpan<byte> data, ulong initial = 0)
    {
        ulong sum = initial;
        int i = 0;

        // Eight bytes at a time: four 16-bit words, summed as two 32-bit halves; folding later
        // gives the same result as summing the 16-bit words (one's complement sums are
        // independent of the word size that is a multiple of 16 bits).
        for (; i + 8 <= data.Length; i += 8)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[(i + 4)..]);
        }

        for (; i + 2 <= data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Folds a running sum to 16 bits with end-around carry (no complement).</summary>
    /// <param name="sum">The running sum.</param>
    /// <returns>The 16-bit one's complement sum.</returns>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>Folds and complements a running sum: the value to store in a checksum field.</summary>
    /// <param name="sum">The running sum.</param>
    /// <returns>The checksum.</returns>
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>
    /// The Internet checksum of <paramref name="data"/>. Computed over data whose checksum field
    /// is zero it gives the value to store; computed over data with a correct checksum in place
    /// it gives 0.
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(data));

    /// <summary>The running sum of the IPv4 pseudo-header used by TCP and UDP (RFC 793, RFC 768).</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">Protocol number.</param>
    /// <param name="length">TCP or UDP length (header and data).</param>
    /// <returns>The running sum, not yet folded.</returns>
    public static ulong PseudoHeaderSum(Ipv4Address source, Ipv4Address destination, byte protocol, int length) =>
        (ulong)(source.Value >> 16) + (source.Value & 0xFFFF)
        + (destination.Value >> 16) + (destination.Value & 0xFFFF)
        + protocol + (uint)length;

    /// <summary>
    /// The TCP or UDP checksum over the IPv4 pseudo-header and <paramref name="segment"/>
    /// (header and data). Computed with the checksum field zeroed it gives the value to store
    /// (for UDP, store 0xFFFF when this returns 0); computed with a correct checksum in place
    /// it gives 0.
    /// </summary>
    /// <param name="source">IPv4 source address.</param>
    /// <param name="destination">IPv4 destination address.</param>
    /// <param name="protocol">Protocol number (6 or 17).</param>
    /// <param name="segment">The TCP segment or UDP datagram.</param>
    /// <returns>The checksum.</returns>
    public static ushort ComputeTransport(Ipv4Address source, Ipv4Address destination, byte protocol, ReadOnlySpan<byte> segment) =>
        Finish(Add(segment, PseudoHeaderSum(source, destination, protocol, segment.Length)));

    /// <summary>
    /// The running sum of the IPv6 pseudo-header (RFC 8200 §8.1) used by TCP, UDP and ICMPv6:
    /// source and destination addresses, the upper-layer length as 32 bits, three zero bytes and
    /// the next header (the upper-layer protocol, not that of an extension header in between).
    /// </summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">
    /// Destination address: the final one (the last address of a routing header, at the
    /// originating node).
    /// </param>
    /// <param name="nextHeader">The upper-layer protocol (6, 17 or 58).</param>
    /// <param name="length">The upper-layer length (header and data).</param>
    /// <returns>The running sum, not yet folded.</returns>
    public static ulong PseudoHeaderSum(Ipv6Address source, Ipv6Address destination, byte nextHeader, int length) =>
        AddressSum(source) + AddressSum(destination) + (uint)length + nextHeader;

    /// <summary>
    /// The TCP, UDP or ICMPv6 checksum over the IPv6 pseudo-header and <paramref name="segment"/>
    /// (header and data). Computed with the checksum field zeroed it gives the value to store
    /// (for UDP, store 0xFFFF when this returns 0: in IPv6 a UDP checksum of 0 is invalid, RFC
    /// 8200 §8.1); computed with a correct checksum in place it gives 0.
    /// </summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 (final) destination address.</param>
    /// <param name="nextHeader">The upper-layer protocol (6, 17 or 58).</param>
    /// <param name="segment">The TCP segment, UDP datagram or ICMPv6 message.</param>
    /// <returns>The checksum.</returns>
    public static ushort ComputeTransport(Ipv6Address source, Ipv6Address destination, byte nextHeader, ReadOnlySpan<byte> segment) =>
        Finish(Add(segment, PseudoHeaderSum(source, destination, nextHeader, segment.Length)));

    /// <summary>
    /// RFC 1624 equation 3 for a 128-bit field, an IPv6 address, that changes from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/>: the adjustment a NAT makes to
    /// a TCP, UDP or ICMPv6 checksum (whose pseudo-header holds the address) when it rewrites one
    /// address. The field must start on an even offset of the data the checksum covers, which
    /// the pseudo-header's addresses do. For UDP over IPv6, store 0xFFFF for a result of 0.
    /// </summary>
    /// <param name="checksum">The current checksum HC.</param>
    /// <param name="oldValue">The old address.</param>
    /// <param name="newValue">The new address.</param>
    /// <returns>The new checksum HC'.</returns>
    public static ushort Update128(ushort checksum, Ipv6Address oldValue, Ipv6Address newValue)
    {
        // ~m for a 128-bit field is the one's complement sum of the complemented words; 32-bit
        // halves complemented as a whole give the same folded sum as their complemented words.
        ulong sum = (ulong)(ushort)~checksum
            + AddressSum(new Ipv6Address(~oldValue.High, ~oldValue.Low))
            + AddressSum(newValue);
        return Finish(sum);
    }

    /// <summary>
    /// Fills in the TCP or UDP checksum of the IPv4 or IPv6 packet at the start of
    /// <paramref name="packet"/>, for a packet whose sender left it to checksum offload (the field
    /// then holds only part of the sum, and a receiving kernel on the same machine would trust it;
    /// a forwarder that passes it on must complete it). A first fragment or a packet of another
    /// protocol is left alone.
    /// </summary>
    /// <param name="packet">An IPv4 or IPv6 packet (header and payload), written in place; an IPv6 packet's transport header is found past its extension headers.</param>
    /// <returns>Whether a checksum was written.</returns>
    public static bool CompleteTransport(Span<byte> packet)
    {
        if (packet.Length >= Ipv6Packet.HeaderLength && packet[0] >> 4 == 6)
        {
            return CompleteTransport6(packet);
        }

        if (packet.Length < 20 || packet[0] >> 4 != 4)
        {
            return false;
        }

        var headerLength = (packet[0] & 0x0F) * 4;
        var totalLength = (packet[2] << 8) | packet[3];
        var fragment = ((packet[6] & 0x3F) << 8) | packet[7];
        var protocol = packet[9];
        var field = protocol switch { 6 => 16, 17 => 6, _ => -1 };
        if (field < 0 || fragment != 0 || headerLength < 20 || totalLength > packet.Length || totalLength < headerLength + field + 2)
        {
            return false;
        }

        var segment = packet[headerLength..totalLength];
        segment[field] = 0;
        segment[field + 1] = 0;
        var sum = ComputeTransport(Ipv4Address.ReadFrom(packet[12..]), Ipv4Address.ReadFrom(packet[16..]), protocol, segment);
        if (sum == 0 && protocol == 17)
        {
            sum = 0xFFFF;
        }

        segment[field] = (byte)(sum >> 8);
        segment[field + 1] = (byte)sum;
        return true;
    }

    // The IPv6 case of CompleteTransport: the TCP or UDP header found past the extension
    // headers, the sum over the IPv6 pseudo-header (RFC 8200 §8.1); a fragment is left alone.
    private static bool CompleteTransport6(Span<byte> packet)
    {
        if (!Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out _)
            || !Ipv6ExtensionHeaders.TryWalk(ip, out Ipv6ExtensionHeaders headers, out _)
            || headers.IsFragment)
        {
            return false;
        }

        byte protocol = headers.UpperLayerProtocol;
        int field = protocol switch { 6 => 16, 17 => 6, _ => -1 };
        if (field < 0 || headers.UpperLayerOffset + field + 2 > ip.Buffer.Length)
        {
            return false;
        }

        Span<byte> segment = ip.Buffer[headers.UpperLayerOffset..];
        segment[field] = 0;
        segment[field + 1] = 0;
        ushort sum = ComputeTransport(ip.Source, ip.Destination, protocol, segment);
        if (sum == 0 && protocol == 17)
        {
            sum = 0xFFFF;
        }

        segment[field] = (byte)(sum >> 8);
        segment[field + 1] = (byte)sum;
        return true;
    }

    /// <summary>
    /// RFC 1624 equation 3: the checksum after one 16-bit word covered by it changes from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/>: HC' = ~(~HC + ~m + m').
    /// </summary>
    /// <param name="checksum">The current checksum HC.</param>
    /// <param name="oldValue">The old word m.</param>
    /// <param name="newValue">The new word m'.</param>
    /// <returns>The new checksum HC'.</returns>
    public static ushort Update16(ushort checksum, ushort oldValue, ushort newValue)
    {
        ulong sum = (ulong)(ushort)~checksum + (ushort)~oldValue + newValue;
        return Finish(sum);
    }

    /// <summary>
    /// RFC 1624 equation 3 for a 32-bit field (for example an IPv4 address) that changes from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/>; the field must start on an
    /// even offset of the data the checksum covers.
    /// </summary>
    /// <param name="checksum">The current checksum HC.</param>
    /// <param name="oldValue">The old field value.</param>
    /// <param name="newValue">The new field value.</param>
    /// <returns>The new checksum HC'.</returns>
    public static ushort Update32(ushort checksum, uint oldValue, uint newValue)
    {
        ulong sum = (ulong)(ushort)~checksum
            + (ushort)~(oldValue >> 16) + (ushort)~(oldValue & 0xFFFF)
            + (newValue >> 16) + (newValue & 0xFFFF);
        return Finish(sum);
    }

    private static ulong AddressSum(Ipv6Address address) =>
        (address.High >> 32) + (address.High & 0xFFFF_FFFFUL) + (address.Low >> 32) + (address.Low & 0xFFFF_FFFFUL);
}
