using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over a UDP datagram (RFC 768), the payload of an IPv4 packet. <see cref="TryRead"/>
/// trims the view to the UDP length.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            Length             |           Checksum            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          data octets ...                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct UdpDatagram
{
    /// <summary>Length of the header.</summary>
    public const int HeaderLength = 8;

    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;
    private const int LengthOffset = 4;
    private const int ChecksumOffset = 6;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The datagram, at least <see cref="HeaderLength"/> bytes.</param>
    public UdpDatagram(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates a UDP header at the start of <paramref name="buffer"/>: at least 8 bytes and a
    /// length field of at least 8 that fits the buffer. The checksum is not checked.
    /// </summary>
    /// <param name="buffer">The IPv4 payload.</param>
    /// <param name="datagram">The view, trimmed to the UDP length, when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out UdpDatagram datagram, out PacketError error)
    {
        datagram = default;
        if (buffer.Length < HeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[LengthOffset..]);
        if (length < HeaderLength || length > buffer.Length)
        {
            error = PacketError.BadLength;
            return false;
        }

        datagram = new UdpDatagram(buffer[..length]);
        error = PacketError.None;
        return true;
    }

    /// <summary>The datagram, header and data.</summary>
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

    /// <summary>Length of header and data in bytes.</summary>
    public ushort Length
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[LengthOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[LengthOffset..], value);
    }

    /// <summary>Checksum as stored (0 means none was computed).</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], value);
    }

    /// <summary>The data after the header.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True when the checksum is absent (0) or verifies with the given pseudo-header addresses.</summary>
    /// <param name="source">IPv4 source address.</param>
    /// <param name="destination">IPv4 destination address.</param>
    /// <returns>True when valid or absent.</returns>
    public bool IsChecksumValid(Ipv4Address source, Ipv4Address destination) =>
        Checksum == 0 || LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Udp, _buffer) == 0;

    /// <summary>Recomputes and stores the checksum; a computed 0 is stored as 0xFFFF (RFC 768).</summary>
    /// <param name="source">IPv4 source address.</param>
    /// <param name="destination">IPv4 destination address.</param>
    public void UpdateChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        ushort sum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Udp, _buffer);
        Checksum = sum == 0 ? (ushort)0xFFFF : sum;
    }

    /// <summary>
    /// True when the checksum verifies with the given IPv6 pseudo-header addresses. Over IPv6 the
    /// checksum is mandatory (RFC 8200 §8.1): a stored 0 is invalid, not "none".
    /// </summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 (final) destination address.</param>
    /// <returns>True when valid; false for a stored 0.</returns>
    public bool IsChecksumValid(Ipv6Address source, Ipv6Address destination) =>
        Checksum != 0 && LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Udp, _buffer) == 0;

    /// <summary>Recomputes and stores the checksum over the IPv6 pseudo-header; a computed 0 is stored as 0xFFFF.</summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 (final) destination address.</param>
    public void UpdateChecksum(Ipv6Address source, Ipv6Address destination)
    {
        Checksum = 0;
        ushort sum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Udp, _buffer);
        Checksum = sum == 0 ? (ushort)0xFFFF : sum;
    }
}
