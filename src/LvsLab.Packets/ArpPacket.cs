using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>A view over an ARP packet for Ethernet and IPv4 (RFC 826), the Ethernet payload.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      Hardware type (1)        |   Protocol type (0x0800)      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  HLEN (6)     |  PLEN (4)     |          Operation            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |              Sender hardware address (6 octets)               |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |  Sender protocol address      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |    (4 octets)                 |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |              Target hardware address (6 octets)               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |              Target protocol address (4 octets)               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct ArpPacket
{
    /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
    public const int Length = 28;

    /// <summary>Hardware type for Ethernet.</summary>
    public const ushort HardwareTypeEthernet = 1;

    private const int HardwareTypeOffset = 0;
    private const int ProtocolTypeOffset = 2;
    private const int HardwareLengthOffset = 4;
    private const int ProtocolLengthOffset = 5;
    private const int OperationOffset = 6;
    private const int SenderHardwareOffset = 8;
    private const int SenderProtocolOffset = 14;
    private const int TargetHardwareOffset = 18;
    private const int TargetProtocolOffset = 24;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">At least <see cref="Length"/> bytes.</param>
    public ArpPacket(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates that <paramref name="buffer"/> starts with an Ethernet/IPv4 ARP packet
    /// (hardware type 1, protocol 0x0800, lengths 6 and 4) and lays a view over it.
    /// </summary>
    /// <param name="buffer">The Ethernet payload.</param>
    /// <param name="packet">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> buffer, out ArpPacket packet, out PacketError error)
    {
        packet = default;
        if (buffer.Length < Length)
        {
            error = PacketError.Truncated;
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(buffer[HardwareTypeOffset..]) != HardwareTypeEthernet
            || BinaryPrimitives.ReadUInt16BigEndian(buffer[ProtocolTypeOffset..]) != LvsLab.Packets.EtherType.Ipv4
            || buffer[HardwareLengthOffset] != MacAddress.Length
            || buffer[ProtocolLengthOffset] != Ipv4Address.Length)
        {
            error = PacketError.UnsupportedArpFormat;
            return false;
        }

        packet = new ArpPacket(buffer[..Length]);
        error = PacketError.None;
        return true;
    }

    /// <summary>
    /// Writes the fixed Ethernet/IPv4 fields (hardware type, protocol type, lengths) and the
    /// given ones into <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">At least <see cref="Length"/> bytes.</param>
    /// <param name="operation">Request or reply.</param>
    /// <param name="senderMac">Sender hardware address.</param>
    /// <param name="senderIp">Sender protocol address.</param>
    /// <param name="targetMac">Target hardware address.</param>
    /// <param name="targetIp">Target protocol address.</param>
    /// <returns>The view over the written packet.</returns>
    public static ArpPacket Write(
        Span<byte> buffer,
        ArpOperation operation,
        MacAddress senderMac,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        var packet = new ArpPacket(buffer[..Length]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[HardwareTypeOffset..], HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ProtocolTypeOffset..], LvsLab.Packets.EtherType.Ipv4);
        buffer[HardwareLengthOffset] = MacAddress.Length;
        buffer[ProtocolLengthOffset] = Ipv4Address.Length;
        packet.Operation = operation;
        packet.SenderHardwareAddress = senderMac;
        packet.SenderProtocolAddress = senderIp;
        packet.TargetHardwareAddress = targetMac;
        packet.TargetProtocolAddress = targetIp;
        return packet;
    }

    /// <summary>The 28 bytes of the packet.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Operation (1 request, 2 reply; other values are possible on the wire).</summary>
    public ArpOperation Operation
    {
        get => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer[OperationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[OperationOffset..], (ushort)value);
    }

    /// <summary>Sender hardware address.</summary>
    public MacAddress SenderHardwareAddress
    {
        get => MacAddress.ReadFrom(_buffer[SenderHardwareOffset..]);
        set => value.WriteTo(_buffer[SenderHardwareOffset..]);
    }

    /// <summary>Sender protocol address.</summary>
    public Ipv4Address SenderProtocolAddress
    {
        get => Ipv4Address.ReadFrom(_buffer[SenderProtocolOffset..]);
        set => value.WriteTo(_buffer[SenderProtocolOffset..]);
    }

    /// <summary>Target hardware address (zero in a request).</summary>
    public MacAddress TargetHardwareAddress
    {
        get => MacAddress.ReadFrom(_buffer[TargetHardwareOffset..]);
        set => value.WriteTo(_buffer[TargetHardwareOffset..]);
    }

    /// <summary>Target protocol address.</summary>
    public Ipv4Address TargetProtocolAddress
    {
        get => Ipv4Address.ReadFrom(_buffer[TargetProtocolOffset..]);
        set => value.WriteTo(_buffer[TargetProtocolOffset..]);
    }

    /// <summary>True when sender and target protocol addresses are equal (a gratuitous ARP).</summary>
    public bool IsGratuitous => SenderProtocolAddress == TargetProtocolAddress;
}
