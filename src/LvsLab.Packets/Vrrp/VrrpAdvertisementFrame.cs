namespace LvsLab.Packets.Vrrp;

/// <summary>
/// Writes a whole Ethernet frame carrying a VRRP version 3 advertisement, as a master sends it
/// (RFC 5798 §5.1, §7.3): from the virtual router MAC 00:00:5e:00:01:{VRID} to 01:00:5e:00:00:12,
/// an IPv4 header without options to 224.0.0.18 with time to live 255 and protocol 112, then the
/// VRRP message with its checksum.
/// </summary>
/// <remarks>
/// The IPv4 header is laid out the way keepalived lays out its own (checked against its frames
/// byte for byte): type of service 0xC0 (precedence "internetwork control"), DF clear, no options,
/// the identification the caller passes (keepalived counts it up from 1 per advertisement). No
/// Ethernet padding is added: the frame is 46 bytes with one address, and a NIC or the kernel
/// pads short frames on the wire. Nothing is allocated.
/// </remarks>
public static class VrrpAdvertisementFrame
{
    /// <summary>The IPv4 type of service of an advertisement (precedence 6, "internetwork control").</summary>
    public const byte TypeOfService = 0xC0;

    private const int IpOffset = EthernetFrame.HeaderLength;
    private const int VrrpOffset = IpOffset + Ipv4Packet.MinHeaderLength;

    /// <summary>The length of the frame for an advertisement carrying <paramref name="addressCount"/> addresses.</summary>
    /// <param name="addressCount">0 to <see cref="VrrpAdvertisement.MaxAddressCount"/>.</param>
    /// <returns>14 + 20 + 8 + 4 for each address.</returns>
    public static int Length(int addressCount) => VrrpOffset + VrrpAdvertisement.MessageLength(addressCount);

    /// <summary>Writes an advertisement frame into <paramref name="frame"/>.</summary>
    /// <param name="frame">The output, at least <see cref="Length"/> bytes for the addresses given.</param>
    /// <param name="virtualRouterId">The VRID, 1 to 255; it also picks the source MAC.</param>
    /// <param name="priority">The priority to advertise: 1 to 255, or 0 when the master stops.</param>
    /// <param name="maxAdvertisementInterval">The advertisement interval in centiseconds, 1 to 4095.</param>
    /// <param name="addresses">The virtual router's IPv4 addresses, at most 255.</param>
    /// <param name="source">The sender's primary IPv4 address on the interface.</param>
    /// <param name="identification">The IPv4 identification.</param>
    /// <returns>The frame length.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The VRID is 0, the interval is outside 1..4095, or there are more than 255 addresses.</exception>
    /// <exception cref="ArgumentException">The output is too short.</exception>
    public static int Write(
        Span<byte> frame,
        byte virtualRouterId,
        byte priority,
        int maxAdvertisementInterval,
        ReadOnlySpan<Ipv4Address> addresses,
        Ipv4Address source,
        ushort identification)
    {
        ArgumentOutOfRangeException.ThrowIfZero(virtualRouterId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAdvertisementInterval, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAdvertisementInterval, VrrpAdvertisement.MaxInterval);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Length, VrrpAdvertisement.MaxAddressCount, nameof(addresses));
        int length = Length(addresses.Length);
        if (frame.Length < length)
        {
            throw new ArgumentException($"the frame needs {length} bytes, the buffer has {frame.Length}", nameof(frame));
        }

        frame = frame[..length];
        _ = new EthernetFrame(frame)
        {
            Destination = VrrpAdvertisement.MulticastMac,
            Source = VrrpAdvertisement.VirtualRouterMac(virtualRouterId),
            EtherType = EtherType.Ipv4,
        };

        var ip = new Ipv4Packet(frame[IpOffset..])
        {
            Version = 4,
            Ihl = Ipv4Packet.MinHeaderLength / 4,
            TypeOfService = TypeOfService,
            TotalLength = (ushort)(length - IpOffset),
            Identification = identification,
            FlagsAndFragmentOffset = 0,
            TimeToLive = VrrpAdvertisement.RequiredTimeToLive,
            Protocol = IpProtocol.Vrrp,
            Source = source,
            Destination = VrrpAdvertisement.MulticastGroup,
        };
        ip.UpdateHeaderChecksum();

        // Cleared first, so the reserved bits go out as zero.
        frame[VrrpOffset..].Clear();
        var vrrp = new VrrpAdvertisement(frame[VrrpOffset..])
        {
            Version = VrrpAdvertisement.ProtocolVersion,
            Type = VrrpAdvertisement.TypeAdvertisement,
            VirtualRouterId = virtualRouterId,
            Priority = priority,
            AddressCount = (byte)addresses.Length,
            MaxAdvertisementInterval = maxAdvertisementInterval,
        };
        for (int i = 0; i < addresses.Length; i++)
        {
            vrrp.SetAddress(i, addresses[i]);
        }

        vrrp.UpdateChecksum(source, VrrpAdvertisement.MulticastGroup);
        return length;
    }
}
