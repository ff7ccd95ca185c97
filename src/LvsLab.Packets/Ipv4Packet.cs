using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an IPv4 packet (RFC 791). <see cref="TryRead"/> trims the view to the total
/// length, so Ethernet padding is not part of <see cref="Buffer"/> or <see cref="Payload"/>.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |Type of Service|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments).
/// </code>
/// </remarks>
public readonly ref struct Ipv4Packet
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private const int VersionIhlOffset = 0;
    private const int TypeOfServiceOffset = 1;
    private const int TotalLengthOffset = 2;
    private const int IdentificationOffset = 4;
    private const int FlagsFragmentOffset = 6;
    private const int TtlOffset = 8;
    private const int ProtocolOffset = 9;
    private const int ChecksumOffset = 10;
    private const int SourceOffset = 12;
    private const int DestinationOffset = 16;

    private const ushort DontFragmentBit = 0x4000;
    private const ushort MoreFragmentsBit = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The packet, at least <see cref="MinHeaderLength"/> bytes.</param>
    public Ipv4Packet(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates the structure of an IPv4 packet at the start of <paramref name="buffer"/>: at
    /// least 20 bytes, version 4, IHL at least 5, total length at least the header length and
    /// within the buffer. The header checksum is not checked here (see
    /// <see cref="IsHeaderChecksumValid"/>).
    /// </summary>
    /// <param name="buffer">The bytes from the IPv4 header on (may include trailing padding).</param>
    /// <param name="packet">The view, trimmed to the total length, when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out Ipv4Packet packet, out PacketError error)
    {
        packet = default;
        if (buffer.Length < MinHeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        byte versionIhl = buffer[VersionIhlOffset];
        if ((versionIhl >> 4) != 4)
        {
            error = PacketError.BadVersion;
            return false;
        }

        int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MinHeaderLength || headerLength > buffer.Length)
        {
            error = PacketError.BadHeaderLength;
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[TotalLengthOffset..]);
        if (totalLength > buffer.Length)
        {
            error = PacketError.TotalLengthBeyondBuffer;
            return false;
        }

        if (totalLength < headerLength)
        {
            error = PacketError.TotalLengthTooSmall;
            return false;
        }

        packet = new Ipv4Packet(buffer[..totalLength]);
        error = PacketError.None;
        return true;
    }

    /// <summary>The packet (trimmed to the total length when made by <see cref="TryRead"/>).</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Version (4 for a valid packet).</summary>
    public int Version
    {
        get => _buffer[VersionIhlOffset] >> 4;
        set => _buffer[VersionIhlOffset] = (byte)((value << 4) | (_buffer[VersionIhlOffset] & 0x0F));
    }

    /// <summary>Internet header length in 32-bit words (5 to 15).</summary>
    public int Ihl
    {
        get => _buffer[VersionIhlOffset] & 0x0F;
        set => _buffer[VersionIhlOffset] = (byte)((_buffer[VersionIhlOffset] & 0xF0) | (value & 0x0F));
    }

    /// <summary>Header length in bytes (IHL × 4).</summary>
    public int HeaderLength => Ihl * 4;

    /// <summary>Type of service (DSCP and ECN).</summary>
    public byte TypeOfService
    {
        get => _buffer[TypeOfServiceOffset];
        set => _buffer[TypeOfServiceOffset] = value;
    }

    /// <summary>Total length of header and data in bytes.</summary>
    public ushort TotalLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TotalLengthOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[TotalLengthOffset..], value);
    }

    /// <summary>Identification.</summary>
    public ushort Identification
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[IdentificationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[IdentificationOffset..], value);
    }

    /// <summary>The 16 bits holding flags (top 3 bits) and fragment offset (low 13 bits).</summary>
    public ushort FlagsAndFragmentOffset
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[FlagsFragmentOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[FlagsFragmentOffset..], value);
    }

    /// <summary>The DF (don't fragment) flag.</summary>
    public bool DontFragment
    {
        get => (FlagsAndFragmentOffset & DontFragmentBit) != 0;
        set => FlagsAndFragmentOffset = (ushort)(value ? FlagsAndFragmentOffset | DontFragmentBit : FlagsAndFragmentOffset & ~DontFragmentBit);
    }

    /// <summary>The MF (more fragments) flag.</summary>
    public bool MoreFragments
    {
        get => (FlagsAndFragmentOffset & MoreFragmentsBit) != 0;
        set => FlagsAndFragmentOffset = (ushort)(value ? FlagsAndFragmentOffset | MoreFragmentsBit : FlagsAndFragmentOffset & ~MoreFragmentsBit);
    }

    /// <summary>Fragment offset in units of 8 bytes (0 to 8191).</summary>
    public int FragmentOffset
    {
        get => FlagsAndFragmentOffset & FragmentOffsetMask;
        set => FlagsAndFragmentOffset = (ushort)((FlagsAndFragmentOffset & ~FragmentOffsetMask) | (value & FragmentOffsetMask));
    }

    /// <summary>True when this is a fragment: MF set or a non-zero fragment offset.</summary>
    public bool IsFragment => (FlagsAndFragmentOffset & (MoreFragmentsBit | FragmentOffsetMask)) != 0;

    /// <summary>Time to live.</summary>
    public byte TimeToLive
    {
        get => _buffer[TtlOffset];
        set => _buffer[TtlOffset] = value;
    }

    /// <summary>Protocol number (see <see cref="IpProtocol"/>).</summary>
    public byte Protocol
    {
        get => _buffer[ProtocolOffset];
        set => _buffer[ProtocolOffset] = value;
    }

    /// <summary>Header checksum as stored.</summary>
    public ushort HeaderChecksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], value);
    }

    /// <summary>Source address.</summary>
    public Ipv4Address Source
    {
        get => Ipv4Address.ReadFrom(_buffer[SourceOffset..]);
        set => value.WriteTo(_buffer[SourceOffset..]);
    }

    /// <summary>Destination address.</summary>
    public Ipv4Address Destination
    {
        get => Ipv4Address.ReadFrom(_buffer[DestinationOffset..]);
        set => value.WriteTo(_buffer[DestinationOffset..]);
    }

    /// <summary>The header, options included.</summary>
    public Span<byte> Header => _buffer[..HeaderLength];

    /// <summary>The options (empty when IHL is 5).</summary>
    public Span<byte> Options => _buffer[MinHeaderLength..HeaderLength];

    /// <summary>The data after the header, up to the end of the view.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True when the header checksum verifies.</summary>
    public bool IsHeaderChecksumValid => Checksum.Compute(Header) == 0;

    /// <summary>Recomputes and stores the header checksum.</summary>
    public void UpdateHeaderChecksum()
    {
        HeaderChecksum = 0;
        HeaderChecksum = Checksum.Compute(Header);
    }

    /// <summary>
    /// Sets the source address and updates the header checksum incrementally (RFC 1624), so a
    /// wrong checksum stays wrong. Only the IPv4 header checksum changes: a TCP or UDP checksum
    /// (whose pseudo-header holds the address) is the caller's.
    /// </summary>
    /// <param name="address">The new source address.</param>
    public void RewriteSource(Ipv4Address address)
    {
        HeaderChecksum = Checksum.Update32(HeaderChecksum, Source.Value, address.Value);
        Source = address;
    }

    /// <summary>
    /// Sets the destination address and updates the header checksum incrementally (RFC 1624),
    /// so a wrong checksum stays wrong. Only the IPv4 header checksum changes: a TCP or UDP
    /// checksum (whose pseudo-header holds the address) is the caller's.
    /// </summary>
    /// <param name="address">The new destination address.</param>
    public void RewriteDestination(Ipv4Address address)
    {
        HeaderChecksum = Checksum.Update32(HeaderChecksum, Destination.Value, address.Value);
        Destination = address;
    }

    /// <summary>
    /// Decrements the time to live by one and updates the header checksum incrementally (RFC
    /// 1624). The TTL must be at least 1: a forwarder drops a packet whose TTL is 1 or less
    /// before it gets here (RFC 1812), and a TTL of 0 would wrap to 255.
    /// </summary>
    public void DecrementTimeToLive()
    {
        // TTL shares a 16-bit word with the protocol number.
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(_buffer[TtlOffset..]);
        _buffer[TtlOffset]--;
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(_buffer[TtlOffset..]);
        HeaderChecksum = Checksum.Update16(HeaderChecksum, oldWord, newWord);
    }
}
