using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an Ethernet II frame (without preamble and FCS). Reads and writes go straight
/// to the underlying buffer; nothing is copied.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Destination MAC (6 octets)                   |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                     Source MAC (6 octets)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           EtherType           |  Payload ...                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct EthernetFrame
{
    /// <summary>Length of the Ethernet II header.</summary>
    public const int HeaderLength = 14;

    private const int DestinationOffset = 0;
    private const int SourceOffset = 6;
    private const int EtherTypeOffset = 12;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The whole frame, at least <see cref="HeaderLength"/> bytes.</param>
    public EthernetFrame(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Validates that <paramref name="buffer"/> holds an Ethernet header and lays a view over it.</summary>
    /// <param name="buffer">The whole frame.</param>
    /// <param name="frame">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out EthernetFrame frame, out PacketError error)
    {
        if (buffer.Length < HeaderLength)
        {
            frame = default;
            error = PacketError.Truncated;
            return false;
        }

        frame = new EthernetFrame(buffer);
        error = PacketError.None;
        return true;
    }

    /// <summary>The whole frame.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Destination MAC address.</summary>
    public MacAddress Destination
    {
        get => MacAddress.ReadFrom(_buffer[DestinationOffset..]);
        set => value.WriteTo(_buffer[DestinationOffset..]);
    }

    /// <summary>Source MAC address.</summary>
    public MacAddress Source
    {
        get => MacAddress.ReadFrom(_buffer[SourceOffset..]);
        set => value.WriteTo(_buffer[SourceOffset..]);
    }

    /// <summary>EtherType (see <see cref="LvsLab.Packets.EtherType"/>).</summary>
    public ushort EtherType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[EtherTypeOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[EtherTypeOffset..], value);
    }

    /// <summary>Everything after the header (may include padding up to the 60-byte minimum).</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];
}
