namespace LvsLab.Packets;

/// <summary>
/// A view over a neighbour advertisement (RFC 4861 §4.4), ICMPv6 type 136: "the target address
/// is at this MAC", the answer to a solicitation or sent unsolicited when an address moves, and
/// the writers of both frames: the IPv6 counterpart of an ARP reply and of <see cref="GratuitousArp"/>.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |R|S|O|                     Reserved                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                       Target Address (16)                     +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Options (target link-layer address) ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+
/// R: the sender is a router. S: sent in answer to a solicitation. O: override the cached MAC.
/// </code>
/// The writers send from the target address itself (the address the director answers for is
/// assigned to it), hop limit 255, with a target link-layer address option; 86 bytes, no
/// Ethernet padding. Nothing is allocated.
/// </remarks>
public readonly ref struct NeighbourAdvertisement
{
    /// <summary>Length of a whole Ethernet frame the writers write.</summary>
    public const int FrameLength = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + NeighbourDiscoveryMessage.MinLength + NeighbourDiscoveryMessage.LinkLayerAddressOptionLength;

    private const int FlagsOffset = 4;
    private const byte RouterBit = 0x80;
    private const byte SolicitedBit = 0x40;
    private const byte OverrideBit = 0x20;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The ICMPv6 message, at least 24 bytes.</param>
    public NeighbourAdvertisement(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates a neighbour advertisement as a host does (RFC 4861 §7.1.2): see
    /// <see cref="NeighbourDiscoveryMessage.TryValidate"/>, and the solicited flag clear when
    /// the destination is multicast.
    /// </summary>
    /// <param name="packet">An IPv6 packet that <see cref="Ipv6Packet.TryRead"/> accepted.</param>
    /// <param name="advertisement">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the advertisement is valid.</returns>
    public static bool TryRead(Ipv6Packet packet, out NeighbourAdvertisement advertisement, out PacketError error)
    {
        advertisement = default;
        if (!NeighbourDiscoveryMessage.TryValidate(packet, Icmpv6Message.TypeNeighbourAdvertisement, out Span<byte> message, out error))
        {
            return false;
        }

        var view = new NeighbourAdvertisement(message);
        if (view.Solicited && packet.Destination.IsMulticast)
        {
            error = PacketError.BadNeighbourDiscoveryAddresses;
            return false;
        }

        advertisement = view;
        return true;
    }

    /// <summary>The whole ICMPv6 message.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>The R flag: the sender is a router.</summary>
    public bool Router
    {
        get => (_buffer[FlagsOffset] & RouterBit) != 0;
        set => SetFlag(RouterBit, value);
    }

    /// <summary>The S flag: sent in answer to a solicitation.</summary>
    public bool Solicited
    {
        get => (_buffer[FlagsOffset] & SolicitedBit) != 0;
        set => SetFlag(SolicitedBit, value);
    }

    /// <summary>The O flag: the receiver should replace a cached link-layer address.</summary>
    public bool Override
    {
        get => (_buffer[FlagsOffset] & OverrideBit) != 0;
        set => SetFlag(OverrideBit, value);
    }

    /// <summary>The address advertised.</summary>
    public Ipv6Address Target
    {
        get => Ipv6Address.ReadFrom(_buffer[NeighbourDiscoveryMessage.TargetOffset..]);
        set => value.WriteTo(_buffer[NeighbourDiscoveryMessage.TargetOffset..]);
    }

    /// <summary>The options after the 24-byte body.</summary>
    public Span<byte> Options => _buffer[NeighbourDiscoveryMessage.MinLength..];

    /// <summary>The advertised MAC from the target link-layer address option, when there is one.</summary>
    /// <param name="address">The MAC when the result is true.</param>
    /// <returns>True when the option is present.</returns>
    public bool TryGetTargetLinkLayerAddress(out MacAddress address) =>
        NeighbourDiscoveryMessage.TryFindLinkLayerAddress(Options, NeighbourDiscoveryMessage.OptionTargetLinkLayerAddress, out address);

    /// <summary>
    /// Writes the frame answering a solicitation for <paramref name="target"/> (RFC 4861 §7.2.4):
    /// unicast to the solicitor's address and MAC with the solicited and override flags set; or,
    /// when the solicitation came from the unspecified address (duplicate address detection), to
    /// all nodes (ff02::1, 33:33:00:00:00:01) with the solicited flag clear.
    /// </summary>
    /// <param name="frame">The output, at least <see cref="FrameLength"/> bytes.</param>
    /// <param name="senderMac">The MAC that answers for <paramref name="target"/>.</param>
    /// <param name="target">The address solicited (also the source of the answer).</param>
    /// <param name="solicitorMac">The solicitor's MAC (the solicitation's Ethernet source or source link-layer address option).</param>
    /// <param name="solicitorAddress">The solicitation's IPv6 source address.</param>
    /// <returns>The frame length, <see cref="FrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too short.</exception>
    public static int WriteSolicitedFrame(Span<byte> frame, MacAddress senderMac, Ipv6Address target, MacAddress solicitorMac, Ipv6Address solicitorAddress)
    {
        if (solicitorAddress.IsUnspecified)
        {
            return Write(frame, Ipv6Address.AllNodes.MulticastMacAddress, senderMac, target, Ipv6Address.AllNodes, OverrideBit);
        }

        return Write(frame, solicitorMac, senderMac, target, solicitorAddress, SolicitedBit | OverrideBit);
    }

    /// <summary>
    /// Writes an unsolicited advertisement of <paramref name="target"/> (RFC 4861 §7.2.6), as a
    /// node that takes over an address sends it: to all nodes (ff02::1, 33:33:00:00:00:01),
    /// override set, solicited and router clear.
    /// </summary>
    /// <param name="frame">The output, at least <see cref="FrameLength"/> bytes.</param>
    /// <param name="senderMac">The MAC that will answer for the address.</param>
    /// <param name="target">The address announced (also the source).</param>
    /// <returns>The frame length, <see cref="FrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too short.</exception>
    public static int WriteUnsolicitedFrame(Span<byte> frame, MacAddress senderMac, Ipv6Address target) =>
        Write(frame, Ipv6Address.AllNodes.MulticastMacAddress, senderMac, target, Ipv6Address.AllNodes, OverrideBit);

    private static int Write(Span<byte> frame, MacAddress destinationMac, MacAddress senderMac, Ipv6Address target, Ipv6Address destination, byte flags)
    {
        if (frame.Length < FrameLength)
        {
            throw new ArgumentException($"the frame needs {FrameLength} bytes, the buffer has {frame.Length}", nameof(frame));
        }

        NeighbourDiscoveryFrame.Write(
            frame[..FrameLength],
            destinationMac,
            senderMac,
            target,
            destination,
            Icmpv6Message.TypeNeighbourAdvertisement,
            (uint)flags << 24,
            target,
            NeighbourDiscoveryMessage.OptionTargetLinkLayerAddress,
            senderMac);
        return FrameLength;
    }

    private void SetFlag(byte bit, bool value) =>
        _buffer[FlagsOffset] = (byte)(value ? _buffer[FlagsOffset] | bit : _buffer[FlagsOffset] & ~bit);
}
