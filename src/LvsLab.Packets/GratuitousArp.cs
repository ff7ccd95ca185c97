namespace LvsLab.Packets;

/// <summary>
/// Writes a gratuitous ARP frame that announces an address: what a new VRRP master broadcasts
/// for each virtual address (RFC 5798 §6.4.1, §6.4.2), so that hosts and switches learn the
/// address's new place at once.
/// </summary>
/// <remarks>
/// The frame is laid out as keepalived sends its own (checked against its frames byte for
/// byte): broadcast from <c>sender</c>, an ARP request whose sender and target protocol
/// addresses are both the announced address, sender hardware address <c>sender</c> and target
/// hardware address ff:ff:ff:ff:ff:ff. 42 bytes, no Ethernet padding. Nothing is allocated.
/// </remarks>
public static class GratuitousArp
{
    /// <summary>Length of the frame: Ethernet header and ARP packet.</summary>
    public const int FrameLength = EthernetFrame.HeaderLength + ArpPacket.Length;

    /// <summary>Writes the frame into <paramref name="frame"/>.</summary>
    /// <param name="frame">The output, at least <see cref="FrameLength"/> bytes.</param>
    /// <param name="sender">The MAC that will answer for the address (for VRRP, the virtual router MAC).</param>
    /// <param name="address">The address announced.</param>
    /// <returns>The frame length, <see cref="FrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too short.</exception>
    public static int Write(Span<byte> frame, MacAddress sender, Ipv4Address address)
    {
        if (frame.Length < FrameLength)
        {
            throw new ArgumentException($"the frame needs {FrameLength} bytes, the buffer has {frame.Length}", nameof(frame));
        }

        var ethernet = new EthernetFrame(frame[..FrameLength])
        {
            Destination = MacAddress.Broadcast,
            Source = sender,
            EtherType = EtherType.Arp,
        };
        ArpPacket.Write(ethernet.Payload, ArpOperation.Request, sender, address, MacAddress.Broadcast, address);
        return FrameLength;
    }
}
