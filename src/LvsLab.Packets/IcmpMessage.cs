using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>A view over an ICMP message for IPv4 (RFC 792), the payload of an IPv4 packet.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Rest of header (identifier/sequence, next-hop MTU, ...)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Data (for errors: the original IP header + 8 bytes) ...   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct IcmpMessage
{
    /// <summary>Length of the header (type, code, checksum, rest of header).</summary>
    public const int HeaderLength = 8;

    /// <summary>Type 0, echo reply.</summary>
    public const byte TypeEchoReply = 0;

    /// <summary>Type 3, destination unreachable.</summary>
    public const byte TypeDestinationUnreachable = 3;

    /// <summary>Type 4, source quench (deprecated by RFC 6633, still an error message).</summary>
    public const byte TypeSourceQuench = 4;

    /// <summary>Type 8, echo request.</summary>
    public const byte TypeEchoRequest = 8;

    /// <summary>Type 11, time exceeded.</summary>
    public const byte TypeTimeExceeded = 11;

    /// <summary>Type 12, parameter problem.</summary>
    public const byte TypeParameterProblem = 12;

    /// <summary>Code 4 of type 3: fragmentation needed and DF set (RFC 792; next-hop MTU per RFC 1191).</summary>
    public const byte CodeFragmentationNeeded = 4;

    private const int TypeOffset = 0;
    private const int CodeOffset = 1;
    private const int ChecksumOffset = 2;
    private const int RestOfHeaderOffset = 4;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The message, at least <see cref="HeaderLength"/> bytes.</param>
    public IcmpMessage(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Validates that <paramref name="buffer"/> holds at least an ICMP header. The checksum is not checked.</summary>
    /// <param name="buffer">The IPv4 payload.</param>
    /// <param name="message">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out IcmpMessage message, out PacketError error)
    {
        if (buffer.Length < HeaderLength)
        {
            message = default;
            error = PacketError.Truncated;
            return false;
        }

        message = new IcmpMessage(buffer);
        error = PacketError.None;
        return true;
    }

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

    /// <summary>
    /// For "fragmentation needed" (type 3, code 4): the next-hop MTU, the low 16 bits of the
    /// rest of the header (RFC 1191); the high 16 bits are unused and left as they are.
    /// </summary>
    public ushort NextHopMtu
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[(RestOfHeaderOffset + 2)..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[(RestOfHeaderOffset + 2)..], value);
    }

    /// <summary>The data after the 8-byte header.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True when the checksum over the whole message verifies.</summary>
    public bool IsChecksumValid => LvsLab.Packets.Checksum.Compute(_buffer) == 0;

    /// <summary>Recomputes and stores the checksum over the whole message.</summary>
    public void UpdateChecksum()
    {
        Checksum = 0;
        Checksum = LvsLab.Packets.Checksum.Compute(_buffer);
    }
}
