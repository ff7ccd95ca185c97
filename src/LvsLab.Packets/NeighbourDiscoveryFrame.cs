namespace LvsLab.Packets;

/// <summary>
/// Writes the Ethernet frame of a neighbour solicitation or advertisement with one link-layer
/// address option: what <see cref="NeighbourSolicitation.WriteFrame"/> and
/// <see cref="NeighbourAdvertisement"/>'s writers share.
/// </summary>
internal static class NeighbourDiscoveryFrame
{
    public static void Write(
        Span<byte> frame,
        MacAddress destinationMac,
        MacAddress sourceMac,
        Ipv6Address source,
        Ipv6Address destination,
        byte type,
        uint flags,
        Ipv6Address target,
        byte optionType,
        MacAddress optionAddress)
    {
        _ = new EthernetFrame(frame)
        {
            Destination = destinationMac,
            Source = sourceMac,
            EtherType = EtherType.Ipv6,
        };
        const int Length = NeighbourDiscoveryMessage.MinLength + NeighbourDiscoveryMessage.LinkLayerAddressOptionLength;
        Span<byte> packet = frame[EthernetFrame.HeaderLength..];
        Ipv6Packet.WriteHeader(packet, 0, Length, IpProtocol.Icmpv6, NeighbourDiscoveryMessage.HopLimit, source, destination);
        Span<byte> message = packet.Slice(Ipv6Packet.HeaderLength, Length);
        var icmp = new Icmpv6Message(message)
        {
            Type = type,
            Code = 0,
            RestOfHeader = flags,
        };
        target.WriteTo(message[NeighbourDiscoveryMessage.TargetOffset..]);
        NeighbourDiscoveryMessage.WriteLinkLayerAddressOption(message[NeighbourDiscoveryMessage.MinLength..], optionType, optionAddress);
        icmp.UpdateChecksum(source, destination);
    }
}
