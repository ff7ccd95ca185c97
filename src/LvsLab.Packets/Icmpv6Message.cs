using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an ICMPv6 message (RFC 4443 §2.1), the upper layer of an IPv6 packet (next
/// header 58). Unlike ICMP for IPv4, its checksum covers the IPv6 pseudo-header (RFC 8200 §8.1).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Message body: unused / MTU / pointer / identifier+sequence  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   ... (errors: as much of the invoking packet as fits 1280)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Every message this library reads has at least the four bytes after the checksum, so
/// <see cref="TryRead"/> requires <see cref="MinLength"/> bytes.
/// </remarks>
public readonly ref struct Icmpv6Message
{
    /// <summary>Type, code and checksum.</summary>
    public const int HeaderLength = 4;

    /// <summary>The header and the four bytes after it (unused, MTU, pointer or identifier and sequence).</summary>
    public const int MinLength = 8;

    /// <summary>Type 1, destination unreachable.</summary>
    public const byte TypeDestinationUnreachable = 1;

    /// <summary>Type 2, packet too big.</summary>
    public const byte TypePacketTooBig = 2;

    /// <summary>Type 3, time exceeded.</summary>
    public const byte TypeTimeExceeded = 3;

    /// <summary>Type 4, parameter problem.</summary>
    public const byte TypeParameterProblem = 4;

    /// <summary>Type 128, echo request.</summary>
    public const byte TypeEchoRequest = 128;

    /// <summary>Type 129, echo reply.</summary>
    public const byte TypeEchoReply = 129;

    /// <summary>Type 135, neighbour solicitation (RFC 4861 §4.3).</summary>
    public const byte TypeNeighbourSolicitation = 135;

    /// <summary>Type 136, neighbour advertisement (RFC 4861 §4.4).</summary>
    public const byte TypeNeighbourAdvertisement = 136;

    private const int TypeOffset = 0;
    private const int CodeOffset = 1;
    private const int ChecksumOffset = 2;
    private const int RestOfHeaderOffset = 4;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The message, at least <see cref="MinLength"/> bytes.</param>
    public Icmpv6Message(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Validates that <paramref name="buffer"/> holds at least <see cref="MinLength"/> bytes. The checksum is not checked.</summary>
    /// <param name="buffer">The upper layer of an IPv6 packet whose next header is 58.</param>
    /// <param name="message">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false: <see cref="PacketError.Truncated"/>.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out Icmpv6Message message, out PacketError error)
    {
        if (buffer.Length < MinLength)
        {
            message = default;
            error = PacketError.Truncated;
            return false;
        }

        message = new Icmpv6Message(buffer);
        error = PacketError.None;
        return true;
    }

    /// <summary>True for the error types (RFC 4443 §2.1: 0 to 127; this library reads 1 to 4).</summary>
    /// <param name="type">The ICMPv6 type.</param>
    /// <returns>True for destination unreachable, packet too big, time exceeded and parameter problem.</returns>
    public static bool IsError(byte type) => type is >= TypeDestinationUnreachable and <= TypeParameterProblem;

    /// <summary>The whole message.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Type.</summary>
    public byte Type
    {
        get => _buffer[TypeOffset];
        set => _buffer[TypeOffset] = value;
    }

    /// <summary>Code.</summary>
    public byte Code
    {
        get => _buffer[CodeOffset];
        set => _buffer[CodeOffset] = value;
    }

    /// <summary>Checksum as stored.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], value);
    }

    /// <summary>The four type-specific bytes after the checksum.</summary>
    public uint RestOfHeader
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[RestOfHeaderOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[RestOfHeaderOffset..], value);
    }

    /// <summary>For packet too big (type 2): the MTU of the next-hop link, the 32 bits after the checksum.</summary>
    public uint Mtu
    {
        get => RestOfHeader;
        set => RestOfHeader = value;
    }

    /// <summary>For parameter problem (type 4): the offset in the invoking packet where the problem was found.</summary>
    public uint Pointer
    {
        get => RestOfHeader;
        set => RestOfHeader = value;
    }

    /// <summary>The message body: everything after the checksum.</summary>
    public Span<byte> Body => _buffer[HeaderLength..];

    /// <summary>Everything after the first 8 bytes: for errors the invoking packet, for echoes the data.</summary>
    public Span<byte> Payload => _buffer[MinLength..];

    /// <summary>True when the checksum over the IPv6 pseudo-header and the whole message verifies.</summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 destination address.</param>
    /// <returns>True when valid.</returns>
    public bool IsChecksumValid(Ipv6Address source, Ipv6Address destination) =>
        LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Icmpv6, _buffer) == 0;

    /// <summary>Recomputes and stores the checksum over the IPv6 pseudo-header and the whole message.</summary>
    /// <param name="source">IPv6 source address.</param>
    /// <param name="destination">IPv6 destination address.</param>
    public void UpdateChecksum(Ipv6Address source, Ipv6Address destination)
    {
        Checksum = 0;
        Checksum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Icmpv6, _buffer);
    }
}
