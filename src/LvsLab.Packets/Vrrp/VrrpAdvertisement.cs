using System.Buffers.Binary;

namespace LvsLab.Packets.Vrrp;

/// <summary>
/// A view over a VRRP version 3 advertisement for IPv4 (RFC 5798 §5), the payload of an IPv4
/// packet with protocol 112 sent to 224.0.0.18 with a time to live of 255.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |    IPv4 header (protocol 112, TTL 255, to 224.0.0.18)         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Type  | Virtual Rtr ID|   Priority    |Count IPv4 Addr|
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |(rsvd) |     Max Adver Int     |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      IPv4 Address 1                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      ... (Count of them)                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// Version 3, Type 1 (advertisement). Max Adver Int: 12 bits, in centiseconds.
/// Checksum: the Internet checksum of the IPv4 pseudo-header (source, destination, zero,
/// protocol 112, VRRP length) followed by the VRRP message (RFC 5798 §5.2.8); keepalived
/// computes it the same way (its "checksum as v2" compatibility switch aside).
/// </code>
/// </remarks>
public readonly ref struct VrrpAdvertisement
{
    /// <summary>Length of the fixed part, before the addresses.</summary>
    public const int HeaderLength = 8;

    /// <summary>The VRRP version this view reads and writes.</summary>
    public const int ProtocolVersion = 3;

    /// <summary>The packet type of an advertisement, the only one VRRP defines.</summary>
    public const int TypeAdvertisement = 1;

    /// <summary>The IPv4 time to live an advertisement is sent with and must arrive with.</summary>
    public const byte RequiredTimeToLive = 255;

    /// <summary>The largest maximum advertisement interval the 12-bit field holds, in centiseconds.</summary>
    public const int MaxInterval = 0x0FFF;

    /// <summary>The most addresses one advertisement can carry (the count is one octet).</summary>
    public const int MaxAddressCount = 255;

    private const int VersionTypeOffset = 0;
    private const int VirtualRouterIdOffset = 1;
    private const int PriorityOffset = 2;
    private const int AddressCountOffset = 3;
    private const int IntervalOffset = 4;
    private const int ChecksumOffset = 6;
    private const int AddressesOffset = 8;

    private const ushort IntervalMask = 0x0FFF;

    private readonly Span<byte> _buffer;

    /// <summary>Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/> for untrusted input.</summary>
    /// <param name="buffer">The VRRP message (header and addresses), at least <see cref="HeaderLength"/> bytes.</param>
    public VrrpAdvertisement(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The IPv4 multicast group of VRRP, 224.0.0.18.</summary>
    public static Ipv4Address MulticastGroup { get; } = new(224, 0, 0, 18);

    /// <summary>The Ethernet address of <see cref="MulticastGroup"/>, 01:00:5e:00:00:12.</summary>
    public static MacAddress MulticastMac { get; } = new(0x01005E000012UL);

    /// <summary>The VRRP message: header and addresses.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>The version (high nibble of the first octet; 3 for a valid advertisement).</summary>
    public int Version
    {
        get => _buffer[VersionTypeOffset] >> 4;
        set => _buffer[VersionTypeOffset] = (byte)((value << 4) | (_buffer[VersionTypeOffset] & 0x0F));
    }

    /// <summary>The type (low nibble of the first octet; 1 for an advertisement).</summary>
    public int Type
    {
        get => _buffer[VersionTypeOffset] & 0x0F;
        set => _buffer[VersionTypeOffset] = (byte)((_buffer[VersionTypeOffset] & 0xF0) | (value & 0x0F));
    }

    /// <summary>The virtual router identifier (VRID, 1 to 255).</summary>
    public byte VirtualRouterId
    {
        get => _buffer[VirtualRouterIdOffset];
        set => _buffer[VirtualRouterIdOffset] = value;
    }

    /// <summary>The sender's priority: 255 for the address owner, 0 for a master that stops.</summary>
    public byte Priority
    {
        get => _buffer[PriorityOffset];
        set => _buffer[PriorityOffset] = value;
    }

    /// <summary>The number of IPv4 addresses the message carries.</summary>
    public byte AddressCount
    {
        get => _buffer[AddressCountOffset];
        set => _buffer[AddressCountOffset] = value;
    }

    /// <summary>
    /// The maximum advertisement interval in centiseconds (12 bits, 0 to 4095); setting it keeps
    /// the reserved bits.
    /// </summary>
    public int MaxAdvertisementInterval
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[IntervalOffset..]) & IntervalMask;
        set
        {
            ushort word = BinaryPrimitives.ReadUInt16BigEndian(_buffer[IntervalOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[IntervalOffset..], (ushort)((word & ~IntervalMask) | (value & IntervalMask)));
        }
    }

    /// <summary>The 4 reserved bits before the interval: sent as 0, ignored on receipt.</summary>
    public int Reserved => _buffer[IntervalOffset] >> 4;

    /// <summary>The checksum as stored.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], value);
    }

    /// <summary>The address bytes after the header (4 for each address).</summary>
    public Span<byte> Addresses => _buffer[AddressesOffset..];

    /// <summary>The length of a message carrying <paramref name="addressCount"/> IPv4 addresses.</summary>
    /// <param name="addressCount">0 to <see cref="MaxAddressCount"/>.</param>
    /// <returns>8 plus 4 for each address.</returns>
    public static int MessageLength(int addressCount) => HeaderLength + (addressCount * Ipv4Address.Length);

    /// <summary>The virtual router MAC address of a VRID, 00:00:5e:00:01:{VRID} (RFC 5798 §7.3).</summary>
    /// <param name="virtualRouterId">The VRID.</param>
    /// <returns>The MAC address the master sends from.</returns>
    public static MacAddress VirtualRouterMac(byte virtualRouterId) => new(0x00005E000100UL | virtualRouterId);

    /// <summary>
    /// Validates an IPv4 packet carrying a VRRP version 3 advertisement and lays views over it,
    /// checking what RFC 5798 §7.1 asks of a receiver before the VRID: a usable IPv4 header
    /// (structure, header checksum, not a fragment), protocol 112, time to live 255, version 3,
    /// type 1, a length of exactly 8 bytes plus 4 for each address the count announces, a
    /// non-zero interval and the checksum. The VRID, the priority and the addresses are the
    /// receiver's to judge. Nothing is thrown or allocated, whatever the bytes.
    /// </summary>
    /// <param name="ipv4Packet">The bytes from the IPv4 header on (may include Ethernet padding).</param>
    /// <param name="ip">The IPv4 view, trimmed to its total length, when the result is true.</param>
    /// <param name="advertisement">The VRRP view, trimmed to the message, when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the packet is a valid advertisement.</returns>
    public static bool TryRead(Span<byte> ipv4Packet, out Ipv4Packet ip, out VrrpAdvertisement advertisement, out VrrpError error)
    {
        advertisement = default;
        if (!Ipv4Packet.TryRead(ipv4Packet, out ip, out PacketError ipError))
        {
            error = ipError is PacketError.Truncated or PacketError.TotalLengthBeyondBuffer ? VrrpError.Truncated : VrrpError.BadIpv4Header;
            return false;
        }

        if (!ip.IsHeaderChecksumValid || ip.IsFragment)
        {
            error = VrrpError.BadIpv4Header;
            return false;
        }

        if (ip.Protocol != IpProtocol.Vrrp)
        {
            error = VrrpError.NotVrrp;
            return false;
        }

        if (ip.TimeToLive != RequiredTimeToLive)
        {
            error = VrrpError.BadTimeToLive;
            return false;
        }

        Span<byte> message = ip.Payload;
        if (message.Length < HeaderLength)
        {
            error = VrrpError.Truncated;
            return false;
        }

        var view = new VrrpAdvertisement(message);
        if (view.Version != ProtocolVersion)
        {
            error = VrrpError.BadVersion;
            return false;
        }

        if (view.Type != TypeAdvertisement)
        {
            error = VrrpError.BadType;
            return false;
        }

        if (message.Length != MessageLength(view.AddressCount))
        {
            error = VrrpError.AddressCountMismatch;
            return false;
        }

        if (view.MaxAdvertisementInterval == 0)
        {
            error = VrrpError.ZeroInterval;
            return false;
        }

        if (!view.IsChecksumValid(ip.Source, ip.Destination))
        {
            error = VrrpError.BadChecksum;
            return false;
        }

        advertisement = view;
        error = VrrpError.None;
        return true;
    }

    /// <summary>The address at <paramref name="index"/> (0 to <see cref="AddressCount"/> − 1).</summary>
    /// <param name="index">The index.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index lies outside the buffer.</exception>
    public Ipv4Address GetAddress(int index) => Ipv4Address.ReadFrom(_buffer.Slice(AddressesOffset + (index * Ipv4Address.Length), Ipv4Address.Length));

    /// <summary>Sets the address at <paramref name="index"/>; the checksum is the caller's to update.</summary>
    /// <param name="index">The index.</param>
    /// <param name="address">The address.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index lies outside the buffer.</exception>
    public void SetAddress(int index, Ipv4Address address) =>
        address.WriteTo(_buffer.Slice(AddressesOffset + (index * Ipv4Address.Length), Ipv4Address.Length));

    /// <summary>True when the checksum verifies for a message sent from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    /// <param name="source">The IPv4 source address.</param>
    /// <param name="destination">The IPv4 destination address (224.0.0.18 for multicast).</param>
    /// <returns>True when the sum over pseudo-header and message is right.</returns>
    public bool IsChecksumValid(Ipv4Address source, Ipv4Address destination) =>
        LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Vrrp, _buffer) == 0;

    /// <summary>Computes and stores the checksum over the IPv4 pseudo-header and the whole view.</summary>
    /// <param name="source">The IPv4 source address.</param>
    /// <param name="destination">The IPv4 destination address.</param>
    public void UpdateChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        Checksum = LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Vrrp, _buffer);
    }
}
