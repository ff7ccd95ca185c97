using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an IPv6 packet (RFC 8200 §3): the fixed 40-byte header and what follows it.
/// <see cref="TryRead"/> trims the view to 40 bytes plus the payload length, so Ethernet padding
/// is not part of <see cref="Buffer"/> or <see cref="Payload"/>. Extension headers are part of
/// the payload; <see cref="Ipv6ExtensionHeaders.TryWalk(Ipv6Packet, out Ipv6ExtensionHeaders, out PacketError)"/>
/// walks them. The header has no checksum.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Traffic Class |           Flow Label                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                                                               +
/// |                                                               |
/// +                         Source Address                        +
/// |                                                               |
/// +                                                               +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                                                               +
/// |                                                               |
/// +                      Destination Address                      +
/// |                                                               |
/// +                                                               +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct Ipv6Packet
{
    /// <summary>Length of the fixed header.</summary>
    public const int HeaderLength = 40;

    /// <summary>The minimum link MTU of IPv6 (RFC 8200 §5).</summary>
    public const int MinimumMtu = 1280;

    private const int VersionClassFlowOffset = 0;
    private const int PayloadLengthOffset = 4;
    private const int NextHeaderOffset = 6;
    private const int HopLimitOffset = 7;
    private const int SourceOffset = 8;
    private const int DestinationOffset = 24;

    private const uint FlowLabelMask = 0x000F_FFFF;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The packet, at least <see cref="HeaderLength"/> bytes.</param>
    public Ipv6Packet(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates the fixed header of an IPv6 packet at the start of <paramref name="buffer"/>: at
    /// least 40 bytes, version 6, the payload length within the buffer, and not a jumbogram
    /// (payload length 0 with a hop-by-hop header, RFC 2675), which is not supported.
    /// Extension headers are not walked here.
    /// </summary>
    /// <param name="buffer">The bytes from the IPv6 header on (may include trailing padding).</param>
    /// <param name="packet">The view, trimmed to 40 + the payload length, when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: <see cref="PacketError.Truncated"/>,
    /// <see cref="PacketError.BadVersion"/>, <see cref="PacketError.PayloadLengthBeyondBuffer"/>
    /// or <see cref="PacketError.Jumbogram"/>.
    /// </param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out Ipv6Packet packet, out PacketError error)
    {
        packet = default;
        if (buffer.Length < HeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        if ((buffer[VersionClassFlowOffset] >> 4) != 6)
        {
            error = PacketError.BadVersion;
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[PayloadLengthOffset..]);
        if (payloadLength == 0 && buffer[NextHeaderOffset] == IpProtocol.HopByHop)
        {
            // A hop-by-hop header takes at least 8 bytes, so a payload length of 0 with one can
            // only announce a jumbo payload option.
            error = PacketError.Jumbogram;
            return false;
        }

        if (HeaderLength + payloadLength > buffer.Length)
        {
            error = PacketError.PayloadLengthBeyondBuffer;
            return false;
        }

        packet = new Ipv6Packet(buffer[..(HeaderLength + payloadLength)]);
        error = PacketError.None;
        return true;
    }

    /// <summary>The packet (trimmed to 40 + the payload length when made by <see cref="TryRead"/>).</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Version (6 for a valid packet).</summary>
    public int Version
    {
        get => _buffer[VersionClassFlowOffset] >> 4;
        set => _buffer[VersionClassFlowOffset] = (byte)((value << 4) | (_buffer[VersionClassFlowOffset] & 0x0F));
    }

    /// <summary>Traffic class (DSCP and ECN, RFC 2474 and RFC 3168).</summary>
    public byte TrafficClass
    {
        get => (byte)(VersionClassFlow >> 20);
        set => VersionClassFlow = (VersionClassFlow & 0xF00F_FFFF) | ((uint)value << 20);
    }

    /// <summary>Flow label (20 bits, RFC 6437); bits above 20 are ignored when set.</summary>
    public uint FlowLabel
    {
        get => VersionClassFlow & FlowLabelMask;
        set => VersionClassFlow = (VersionClassFlow & ~FlowLabelMask) | (value & FlowLabelMask);
    }

    /// <summary>Length of what follows the fixed header (extension headers included) in bytes.</summary>
    public ushort PayloadLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[PayloadLengthOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[PayloadLengthOffset..], value);
    }

    /// <summary>The type of the header after the fixed header (see <see cref="IpProtocol"/>).</summary>
    public byte NextHeader
    {
        get => _buffer[NextHeaderOffset];
        set => _buffer[NextHeaderOffset] = value;
    }

    /// <summary>Hop limit.</summary>
    public byte HopLimit
    {
        get => _buffer[HopLimitOffset];
        set => _buffer[HopLimitOffset] = value;
    }

    /// <summary>Source address.</summary>
    public Ipv6Address Source
    {
        get => Ipv6Address.ReadFrom(_buffer[SourceOffset..]);
        set => value.WriteTo(_buffer[SourceOffset..]);
    }

    /// <summary>Destination address.</summary>
    public Ipv6Address Destination
    {
        get => Ipv6Address.ReadFrom(_buffer[DestinationOffset..]);
        set => value.WriteTo(_buffer[DestinationOffset..]);
    }

    /// <summary>The fixed header.</summary>
    public Span<byte> Header => _buffer[..HeaderLength];

    /// <summary>Everything after the fixed header (extension headers included), up to the end of the view.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    private uint VersionClassFlow
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[VersionClassFlowOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[VersionClassFlowOffset..], value);
    }

    /// <summary>
    /// Decrements the hop limit by one. There is no header checksum to update. The hop limit
    /// must be at least 1: a forwarder drops a packet whose hop limit is 1 or less before it gets
    /// here (RFC 8200 §3, answering with ICMPv6 time exceeded), and 0 would wrap to 255.
    /// </summary>
    public void DecrementHopLimit() => _buffer[HopLimitOffset]--;

    /// <summary>
    /// Writes a fixed header (version 6, the given fields, flow label 0) at the start of
    /// <paramref name="buffer"/>, for a packet the caller is building.
    /// </summary>
    /// <param name="buffer">At least <see cref="HeaderLength"/> bytes.</param>
    /// <param name="trafficClass">Traffic class.</param>
    /// <param name="payloadLength">Payload length.</param>
    /// <param name="nextHeader">Next header.</param>
    /// <param name="hopLimit">Hop limit.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <returns>The view over <paramref name="buffer"/> (not trimmed).</returns>
    public static Ipv6Packet WriteHeader(
        Span<byte> buffer,
        byte trafficClass,
        ushort payloadLength,
        byte nextHeader,
        byte hopLimit,
        Ipv6Address source,
        Ipv6Address destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (6u << 28) | ((uint)trafficClass << 20));
        var packet = new Ipv6Packet(buffer)
        {
            PayloadLength = payloadLength,
            NextHeader = nextHeader,
            HopLimit = hopLimit,
            Source = source,
            Destination = destination,
        };
        return packet;
    }
}
