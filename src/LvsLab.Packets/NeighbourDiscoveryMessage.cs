namespace LvsLab.Packets;

/// <summary>
/// What neighbour solicitations and advertisements share (RFC 4861 §4.3, §4.4, §4.6): a 24-byte
/// body (ICMPv6 header, four bytes of flags or reserved, the target address) followed by options
/// of 8-byte units, and the validation a host applies on receipt (§7.1.1, §7.1.2).
/// </summary>
/// <remarks>
/// <code>
/// A link-layer address option (type 1 source, type 2 target; 1 unit on Ethernet):
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |    Length     |    Link-Layer Address ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public static class NeighbourDiscoveryMessage
{
    /// <summary>The length of a solicitation or advertisement without options.</summary>
    public const int MinLength = 24;

    /// <summary>The hop limit every Neighbour Discovery message is sent and must be received with.</summary>
    public const byte HopLimit = 255;

    /// <summary>Option type 1, source link-layer address.</summary>
    public const byte OptionSourceLinkLayerAddress = 1;

    /// <summary>Option type 2, target link-layer address.</summary>
    public const byte OptionTargetLinkLayerAddress = 2;

    /// <summary>Length of an Ethernet link-layer address option: one 8-byte unit.</summary>
    public const int LinkLayerAddressOptionLength = 8;

    /// <summary>Where the target address starts in the message.</summary>
    public const int TargetOffset = 8;

    /// <summary>
    /// Validates a neighbour solicitation or advertisement as a host does on receipt (RFC 4861
    /// §7.1.1, §7.1.2; not fragmented, RFC 6980): the packet's extension headers lead to ICMPv6
    /// and it is not a fragment, hop limit 255, the ICMPv6 type <paramref name="type"/>, the
    /// checksum verifies, code 0, at least 24 bytes, a target that is not multicast, and options
    /// each of non-zero length within the message. The rules about addresses that differ between
    /// the two are checked by their views.
    /// </summary>
    /// <param name="packet">An IPv6 packet that <see cref="Ipv6Packet.TryRead"/> accepted.</param>
    /// <param name="type">135 or 136.</param>
    /// <param name="message">The ICMPv6 message when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the message is valid.</returns>
    public static bool TryValidate(Ipv6Packet packet, byte type, out Span<byte> message, out PacketError error)
    {
        message = default;
        if (!Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out error))
        {
            return false;
        }

        if (headers.HasFragmentHeader)
        {
            // RFC 6980 §5: a Neighbour Discovery message with a fragment header (even an atomic
            // fragment) is ignored.
            error = PacketError.Fragment;
            return false;
        }

        if (headers.UpperLayerProtocol != IpProtocol.Icmpv6)
        {
            error = PacketError.WrongMessageType;
            return false;
        }

        Span<byte> icmp = packet.Buffer[headers.UpperLayerOffset..];
        if (icmp.Length < Icmpv6Message.HeaderLength || icmp[0] != type)
        {
            error = icmp.Length < Icmpv6Message.HeaderLength ? PacketError.Truncated : PacketError.WrongMessageType;
            return false;
        }

        if (packet.HopLimit != HopLimit)
        {
            error = PacketError.BadHopLimit;
            return false;
        }

        if (Checksum.ComputeTransport(packet.Source, packet.Destination, IpProtocol.Icmpv6, icmp) != 0)
        {
            error = PacketError.BadChecksum;
            return false;
        }

        if (icmp[1] != 0)
        {
            error = PacketError.BadCode;
            return false;
        }

        if (icmp.Length < MinLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        if (Ipv6Address.ReadFrom(icmp[TargetOffset..]).IsMulticast)
        {
            error = PacketError.MulticastTarget;
            return false;
        }

        for (Span<byte> options = icmp[MinLength..]; !options.IsEmpty;)
        {
            int length = options.Length >= 2 ? options[1] * 8 : 0;
            if (length == 0 || length > options.Length)
            {
                error = PacketError.BadNeighbourDiscoveryOption;
                return false;
            }

            options = options[length..];
        }

        message = icmp;
        error = PacketError.None;
        return true;
    }

    /// <summary>
    /// Finds the first link-layer address option of <paramref name="optionType"/> in options that
    /// <see cref="TryValidate"/> accepted and reads its first six bytes as a MAC address.
    /// </summary>
    /// <param name="options">The options after the 24-byte body.</param>
    /// <param name="optionType">1 (source) or 2 (target).</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when such an option is present.</returns>
    public static bool TryFindLinkLayerAddress(ReadOnlySpan<byte> options, byte optionType, out MacAddress address)
    {
        while (options.Length >= 2 && options[1] != 0 && options[1] * 8 <= options.Length)
        {
            int length = options[1] * 8;
            if (options[0] == optionType)
            {
                address = MacAddress.ReadFrom(options[2..]);
                return true;
            }

            options = options[length..];
        }

        address = default;
        return false;
    }

    /// <summary>Writes a one-unit Ethernet link-layer address option.</summary>
    /// <param name="destination">At least <see cref="LinkLayerAddressOptionLength"/> bytes.</param>
    /// <param name="optionType">1 (source) or 2 (target).</param>
    /// <param name="address">The MAC address.</param>
    public static void WriteLinkLayerAddressOption(Span<byte> destination, byte optionType, MacAddress address)
    {
        destination[0] = optionType;
        destination[1] = 1;
        address.WriteTo(destination[2..]);
    }
}
