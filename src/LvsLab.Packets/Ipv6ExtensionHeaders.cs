using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// The result of walking the extension headers of an IPv6 packet (RFC 8200 §4) from the fixed
/// header's next header to the upper layer: which protocol it is, where it starts, and whether
/// the packet is a fragment. A value type of a few words; walking allocates nothing.
/// </summary>
/// <remarks>
/// <code>
/// Hop-by-hop (0), routing (43), destination options (60): a length in 8-byte units after the first 8.
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |  Hdr Ext Len  |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// .              options or routing data ((Hdr Ext Len + 1) x 8)  .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Fragment (44): always 8 bytes.
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Identification                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The walk stops at TCP (6), UDP (17), ICMPv6 (58), IPv4 (4), IPv6 (41) and no next header
/// (59). At a fragment with a non-zero offset it stops right after the fragment header: what
/// follows is data of the middle of the original packet, not a header, and
/// <see cref="UpperLayerProtocol"/> is the fragment header's next header. Any other next header
/// (AH 51, ESP 50, mobility, unknown numbers) is refused as unsupported.
/// </remarks>
public readonly struct Ipv6ExtensionHeaders
{
    /// <summary>The most extension headers a walk accepts before it refuses the chain.</summary>
    public const int MaxHeaders = 8;

    /// <summary>Length of a fragment header.</summary>
    public const int FragmentHeaderLength = 8;

    private const ushort FragmentOffsetMask = 0xFFF8;
    private const ushort MoreFragmentsBit = 0x0001;

    private Ipv6ExtensionHeaders(
        byte upperLayerProtocol,
        int upperLayerOffset,
        int count,
        bool hasFragmentHeader,
        ushort fragmentOffsetAndFlags,
        uint fragmentIdentification)
    {
        UpperLayerProtocol = upperLayerProtocol;
        UpperLayerOffset = upperLayerOffset;
        Count = count;
        HasFragmentHeader = hasFragmentHeader;
        FragmentOffset = (fragmentOffsetAndFlags & FragmentOffsetMask) >> 3;
        MoreFragments = (fragmentOffsetAndFlags & MoreFragmentsBit) != 0;
        FragmentIdentification = fragmentIdentification;
    }

    /// <summary>
    /// The upper-layer protocol (see <see cref="IpProtocol"/>): TCP, UDP, ICMPv6, IPv4, IPv6 or no
    /// next header; for a later fragment, the next header of its fragment header.
    /// </summary>
    public byte UpperLayerProtocol { get; }

    /// <summary>
    /// Where the upper layer starts, from the start of the IPv6 packet (40 when there is no
    /// extension header). May equal the length of the packet (no next header, or an empty
    /// upper layer), or exceed what a truncated quote holds of it.
    /// </summary>
    public int UpperLayerOffset { get; }

    /// <summary>How many extension headers were passed over.</summary>
    public int Count { get; }

    /// <summary>True when the chain holds a fragment header (possibly an atomic fragment, RFC 6946).</summary>
    public bool HasFragmentHeader { get; }

    /// <summary>The fragment offset in 8-byte units (0 without a fragment header).</summary>
    public int FragmentOffset { get; }

    /// <summary>The M (more fragments) flag (false without a fragment header).</summary>
    public bool MoreFragments { get; }

    /// <summary>The fragment identification (0 without a fragment header).</summary>
    public uint FragmentIdentification { get; }

    /// <summary>True for a fragment: a fragment header with a non-zero offset or M set (not an atomic fragment).</summary>
    public bool IsFragment => FragmentOffset != 0 || MoreFragments;

    /// <summary>True for the first fragment (offset 0, M set): it holds the upper-layer header.</summary>
    public bool IsFirstFragment => FragmentOffset == 0 && MoreFragments;

    /// <summary>True for a fragment other than the first: it holds no upper-layer header (no ports).</summary>
    public bool IsLaterFragment => FragmentOffset != 0;

    /// <summary>Walks the extension headers of a packet that <see cref="Ipv6Packet.TryRead"/> accepted.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="headers">The result when the return value is true.</param>
    /// <param name="error">Why not, when the result is false (see <see cref="TryWalk(ReadOnlySpan{byte}, out Ipv6ExtensionHeaders, out PacketError)"/>).</param>
    /// <returns>True when the chain reaches an upper layer.</returns>
    public static bool TryWalk(Ipv6Packet packet, out Ipv6ExtensionHeaders headers, out PacketError error) =>
        TryWalk(packet.Buffer, out headers, out error);

    /// <summary>
    /// Walks the extension headers of the IPv6 packet at the start of <paramref name="packet"/>
    /// (the fixed header, then as much of the rest as the buffer holds: a whole packet, or the
    /// quote in an ICMPv6 error). Each header must lie wholly within the buffer; at most
    /// <see cref="MaxHeaders"/> are passed over; hop-by-hop only right after the fixed header;
    /// one fragment header at most. The fixed header's version and payload length are not
    /// checked here (see <see cref="Ipv6Packet.TryRead"/>).
    /// </summary>
    /// <param name="packet">The IPv6 packet from its fixed header on.</param>
    /// <param name="headers">The result when the return value is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: <see cref="PacketError.Truncated"/> (under 40 bytes),
    /// <see cref="PacketError.ExtensionHeaderTruncated"/>, <see cref="PacketError.ExtensionChainTooLong"/>,
    /// <see cref="PacketError.HopByHopNotFirst"/>, <see cref="PacketError.RepeatedFragmentHeader"/>
    /// or <see cref="PacketError.UnsupportedNextHeader"/>.
    /// </param>
    /// <returns>True when the chain reaches an upper layer (or a later fragment's data).</returns>
    public static bool TryWalk(ReadOnlySpan<byte> packet, out Ipv6ExtensionHeaders headers, out PacketError error)
    {
        headers = default;
        if (packet.Length < Ipv6Packet.HeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        byte next = packet[6];
        int offset = Ipv6Packet.HeaderLength;
        int count = 0;
        bool fragment = false;
        ushort fragmentWord = 0;
        uint identification = 0;
        while (true)
        {
            switch (next)
            {
                case IpProtocol.Tcp:
                case IpProtocol.Udp:
                case IpProtocol.Icmpv6:
                case IpProtocol.IpInIp:
                case IpProtocol.Ipv6:
                case IpProtocol.Ipv6NoNextHeader:
                    headers = new Ipv6ExtensionHeaders(next, offset, count, fragment, fragmentWord, identification);
                    error = PacketError.None;
                    return true;

                case IpProtocol.HopByHop:
                case IpProtocol.Ipv6Routing:
                case IpProtocol.Ipv6DestinationOptions:
                case IpProtocol.Ipv6Fragment:
                    break;

                default:
                    error = PacketError.UnsupportedNextHeader;
                    return false;
            }

            if (count == MaxHeaders)
            {
                error = PacketError.ExtensionChainTooLong;
                return false;
            }

            if (next == IpProtocol.HopByHop && count != 0)
            {
                error = PacketError.HopByHopNotFirst;
                return false;
            }

            if (packet.Length - offset < 8)
            {
                error = PacketError.ExtensionHeaderTruncated;
                return false;
            }

            count++;
            byte following = packet[offset];
            if (next == IpProtocol.Ipv6Fragment)
            {
                if (fragment)
                {
                    error = PacketError.RepeatedFragmentHeader;
                    return false;
                }

                fragment = true;
                fragmentWord = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
                identification = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
                offset += FragmentHeaderLength;
                if ((fragmentWord & FragmentOffsetMask) != 0)
                {
                    // A later fragment: what follows is data, not a header.
                    headers = new Ipv6ExtensionHeaders(following, offset, count, fragment, fragmentWord, identification);
                    error = PacketError.None;
                    return true;
                }
            }
            else
            {
                int length = (packet[offset + 1] + 1) * 8;
                if (packet.Length - offset < length)
                {
                    error = PacketError.ExtensionHeaderTruncated;
                    return false;
                }

                offset += length;
            }

            next = following;
        }
    }
}
