namespace LvsLab.Packets;

/// <summary>
/// A view over a neighbour solicitation (RFC 4861 §4.3), ICMPv6 type 135: "who has the target
/// address?", sent to the target's solicited-node multicast address (or unicast to check that a
/// neighbour is still reachable), or from the unspecified address for duplicate address detection.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Reserved                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                       Target Address (16)                     +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Options (source link-layer address) ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct NeighbourSolicitation
{
    /// <summary>
    /// Length of a whole Ethernet frame <see cref="WriteFrame"/> writes: Ethernet header, IPv6
    /// header, the 24-byte body and a source link-layer address option.
    /// </summary>
    public const int FrameLength = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + NeighbourDiscoveryMessage.MinLength + NeighbourDiscoveryMessage.LinkLayerAddressOptionLength;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The ICMPv6 message, at least 24 bytes.</param>
    public NeighbourSolicitation(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates a neighbour solicitation as a host does (RFC 4861 §7.1.1): see
    /// <see cref="NeighbourDiscoveryMessage.TryValidate"/>, and from the unspecified address only
    /// to a solicited-node multicast address and without a source link-layer address option.
    /// </summary>
    /// <param name="packet">An IPv6 packet that <see cref="Ipv6Packet.TryRead"/> accepted.</param>
    /// <param name="solicitation">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the solicitation is valid.</returns>
    public static bool TryRead(Ipv6Packet packet, out NeighbourSolicitation solicitation, out PacketError error)
    {
        solicitation = default;
        if (!NeighbourDiscoveryMessage.TryValidate(packet, Icmpv6Message.TypeNeighbourSolicitation, out Span<byte> message, out error))
        {
            return false;
        }

        var view = new NeighbourSolicitation(message);
        if (packet.Source.IsUnspecified
            && (!IsSolicitedNodeMulticast(packet.Destination) || view.TryGetSourceLinkLayerAddress(out _)))
        {
            error = PacketError.BadNeighbourDiscoveryAddresses;
            return false;
        }

        solicitation = view;
        return true;
    }

    /// <summary>The whole ICMPv6 message.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>The address asked about.</summary>
    public Ipv6Address Target
    {
        get => Ipv6Address.ReadFrom(_buffer[NeighbourDiscoveryMessage.TargetOffset..]);
        set => value.WriteTo(_buffer[NeighbourDiscoveryMessage.TargetOffset..]);
    }

    /// <summary>The options after the 24-byte body.</summary>
    public Span<byte> Options => _buffer[NeighbourDiscoveryMessage.MinLength..];

    /// <summary>The sender's MAC from the source link-layer address option, when there is one.</summary>
    /// <param name="address">The MAC when the result is true.</param>
    /// <returns>True when the option is present.</returns>
    public bool TryGetSourceLinkLayerAddress(out MacAddress address) =>
        NeighbourDiscoveryMessage.TryFindLinkLayerAddress(Options, NeighbourDiscoveryMessage.OptionSourceLinkLayerAddress, out address);

    /// <summary>
    /// Writes a whole Ethernet frame soliciting <paramref name="target"/>, as a node resolving a
    /// neighbour sends it: to the target's solicited-node multicast address and its 33:33 MAC, hop
    /// limit 255, with a source link-layer address option, checksum computed.
    /// </summary>
    /// <param name="frame">The output, at least <see cref="FrameLength"/> bytes.</param>
    /// <param name="senderMac">The sender's MAC.</param>
    /// <param name="senderAddress">The sender's IPv6 address on the link (not unspecified).</param>
    /// <param name="target">The address to resolve.</param>
    /// <returns>The frame length, <see cref="FrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too short.</exception>
    public static int WriteFrame(Span<byte> frame, MacAddress senderMac, Ipv6Address senderAddress, Ipv6Address target)
    {
        if (frame.Length < FrameLength)
        {
            throw new ArgumentException($"the frame needs {FrameLength} bytes, the buffer has {frame.Length}", nameof(frame));
        }

        Ipv6Address destination = target.SolicitedNodeMulticast;
        NeighbourDiscoveryFrame.Write(
            frame[..FrameLength],
            destination.MulticastMacAddress,
            senderMac,
            senderAddress,
            destination,
            Icmpv6Message.TypeNeighbourSolicitation,
            flags: 0,
            target,
            NeighbourDiscoveryMessage.OptionSourceLinkLayerAddress,
            senderMac);
        return FrameLength;
    }

    private static bool IsSolicitedNodeMulticast(Ipv6Address address) =>
        address.High == 0xFF02_0000_0000_0000UL && (address.Low & 0xFFFF_FFFF_FF00_0000UL) == 0x0000_0001_FF00_0000UL;
}
