using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>A view over a TCP segment (RFC 9293), the payload of an IPv4 packet.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                        Sequence Number                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Acknowledgment Number                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Data |       |C|E|U|A|P|R|S|F|                               |
/// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
/// |       |       |R|E|G|K|H|T|N|N|                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Checksum            |         Urgent Pointer        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct TcpSegment
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;
    private const int SequenceOffset = 4;
    private const int AcknowledgmentOffset = 8;
    private const int DataOffsetOffset = 12;
    private const int FlagsOffset = 13;
    private const int WindowOffset = 14;
    private const int ChecksumOffset = 16;
    private const int UrgentPointerOffset = 18;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The segment, at least <see cref="MinHeaderLength"/> bytes.</param>
    public TcpSegment(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates a TCP header at the start of <paramref name="buffer"/>: at least 20 bytes and a
    /// data offset of at least 5 words that fits the buffer. The checksum is not checked.
    /// </summary>
    /// <param name="buffer">The IPv4 payload.</param>
    /// <param name="segment">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out TcpSegment segment, out PacketError error)
    {
        segment = default;
        if (buffer.Length < MinHeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        int headerLength = (buffer[DataOffsetOffset] >> 4) * 4;
        if (headerLength < MinHeaderLength || headerLength > buffer.Length)
        {
            error = PacketError.BadDataOffset;
            return false;
        }

        segment = new TcpSegment(buffer);
        error = PacketError.None;
        return true;
    }

    /// <summary>The segment, header and data.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Source port.</summary>
    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[SourcePortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[SourcePortOffset..], value);
    }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[DestinationPortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[DestinationPortOffset..], value);
    }

    /// <summary>Sequence number.</summary>
    public uint SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[SequenceOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[SequenceOffset..], value);
    }

    /// <summary>Acknowledgment number.</summary>
    public uint AcknowledgmentNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[AcknowledgmentOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[AcknowledgmentOffset..], value);
    }

    /// <summary>Data offset: header length in 32-bit words (5 to 15).</summary>
    public int DataOffset
    {
        get => _buffer[DataOffsetOffset] >> 4;
        set => _buffer[DataOffsetOffset] = (byte)((value << 4) | (_buffer[DataOffsetOffset] & 0x0F));
    }

    /// <summary>Header length in bytes (data offset × 4).</summary>
    public int HeaderLength => DataOffset * 4;

    /// <summary>The eight control bits.</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)_buffer[FlagsOffset];
        set => _buffer[FlagsOffset] = (byte)value;
    }

    /// <summary>SYN bit.</summary>
    public bool Syn => (Flags & TcpFlags.Syn) != 0;

    /// <summary>ACK bit.</summary>
    public bool Ack => (Flags & TcpFlags.Ack) != 0;

    /// <summary>FIN bit.</summary>
    public bool Fin => (Flags & TcpFlags.Fin) != 0;

    /// <summary>RST bit.</summary>
    public bool Rst => (Flags & TcpFlags.Rst) != 0;

    /// <summary>Receive window.</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[WindowOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[WindowOffset..], value);
    }

    /// <summary>Checksum as stored.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], value);
    }

    /// <summary>Urgent pointer.</summary>
    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[UrgentPointerOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[UrgentPointerOffset..], value);
    }

    /// <summary>The options (empty when the data offset is 5).</summary>
    public Span<byte> Options => _buffer[MinHeaderLength..HeaderLength];

    /// <summary>The data after the header.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True when the checksum verifies with the given pseudo-header addresses.</summary>
    /// <param name="source">IPv4 source address.</param>
    /// <param name="destination">IPv4 destination address.</param>
    /// <returns>True when valid.</returns>
    public bool IsChecksumValid(Ipv4Address source, Ipv4Address destination) =>
        LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, _buffer) == 0;

    /// <summary>Recomputes and stores the checksum over the pseudo-header and the whole segment.</summary>
    /// <param name="source">IPv4 source address.</param>
    /// <param name="destination">IPv4 destination address.</param>
    public void UpdateChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        Checksum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, _buffer);
    }

    /// <summary>True when the checksum verifies with the given IPv6 pseudo-header addresses (RFC 8200 §8.1).</summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 (final) destination address.</param>
    /// <returns>True when valid.</returns>
    public bool IsChecksumValid(Ipv6Address source, Ipv6Address destination) =>
        LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, _buffer) == 0;

    /// <summary>Recomputes and stores the checksum over the IPv6 pseudo-header and the whole segment.</summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 (final) destination address.</param>
    public void UpdateChecksum(Ipv6Address source, Ipv6Address destination)
    {
        Checksum = 0;
        Checksum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, _buffer);
    }
}
