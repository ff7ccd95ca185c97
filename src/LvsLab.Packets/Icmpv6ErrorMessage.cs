using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an ICMPv6 error message (RFC 4443 §3) — destination unreachable, packet too big,
/// time exceeded or parameter problem — and the IPv6 packet it quotes, so that a load balancer
/// can find the connection the error is about (as IPVS does for IPv6 in <c>ip_vs_in_icmp_v6</c>).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |  ICMPv6 header (8)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |              unused / MTU / pointer (depends on the type)     |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |   quoted IPv6 fixed header (40): next header, source, destination
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |   quoted extension headers, when the original had any         |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |          Source Port          |       Destination Port        |  quoted upper layer
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  (at least 8 bytes
/// |   ... as much of the original as fits a 1280-byte packet ...  |   for TCP, UDP, ICMPv6)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The ICMPv6 checksum covers the IPv6 pseudo-header of the error itself and the whole message.
/// The quoted payload length is the original's, usually beyond the quote, so it is not checked.
/// </remarks>
public readonly ref struct Icmpv6ErrorMessage
{
    /// <summary>The shortest error this view accepts: the 8-byte header and a 40-byte quoted fixed header.</summary>
    public const int MinLength = Icmpv6Message.MinLength + Ipv6Packet.HeaderLength;

    /// <summary>Bytes of the quoted upper layer required for TCP, UDP and ICMPv6: enough for the ports (or type, code, identifier).</summary>
    public const int QuotedTransportMinLength = 8;

    private const int TypeOffset = 0;
    private const int CodeOffset = 1;
    private const int ChecksumOffset = 2;
    private const int QuoteOffset = Icmpv6Message.MinLength;

    private readonly Span<byte> _buffer;
    private readonly int _transportOffset;
    private readonly byte _protocol;

    private Icmpv6ErrorMessage(Span<byte> buffer, int transportOffset, byte protocol)
    {
        _buffer = buffer;
        _transportOffset = transportOffset;
        _protocol = protocol;
    }

    /// <summary>
    /// Validates an ICMPv6 error message and its quote: at least the 8-byte header; type 1 to 4;
    /// a quoted fixed header of version 6, present in full; its extension headers walked within
    /// the quote (see <see cref="Ipv6ExtensionHeaders.TryWalk(ReadOnlySpan{byte}, out Ipv6ExtensionHeaders, out PacketError)"/>);
    /// the quoted packet not a later fragment; and for TCP, UDP and ICMPv6 at least 8 bytes of
    /// the upper layer. The ICMPv6 checksum is not checked here (see <see cref="IsChecksumValid"/>).
    /// </summary>
    /// <param name="icmp">The ICMPv6 message (the upper layer of an IPv6 packet with next header 58).</param>
    /// <param name="message">The view when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: <see cref="PacketError.NotIcmpError"/> for a well-formed
    /// message of another type (an echo: pass it on); <see cref="PacketError.Truncated"/> (under 8
    /// bytes), <see cref="PacketError.QuoteTruncated"/> (the quoted fixed header, an extension
    /// header or the upper layer's first 8 bytes cut short), <see cref="PacketError.BadVersion"/>,
    /// the walk's <see cref="PacketError.ExtensionChainTooLong"/>, <see cref="PacketError.HopByHopNotFirst"/>,
    /// <see cref="PacketError.RepeatedFragmentHeader"/> or <see cref="PacketError.UnsupportedNextHeader"/>
    /// for a malformed one; <see cref="PacketError.Fragment"/> when the quoted packet is a later
    /// fragment, which holds no ports.
    /// </param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> icmp, out Icmpv6ErrorMessage message, out PacketError error)
    {
        message = default;
        if (icmp.Length < Icmpv6Message.MinLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        if (!Icmpv6Message.IsError(icmp[TypeOffset]))
        {
            error = PacketError.NotIcmpError;
            return false;
        }

        Span<byte> quote = icmp[QuoteOffset..];
        if (quote.Length < Ipv6Packet.HeaderLength)
        {
            error = PacketError.QuoteTruncated;
            return false;
        }

        if ((quote[0] >> 4) != 6)
        {
            error = PacketError.BadVersion;
            return false;
        }

        if (!Ipv6ExtensionHeaders.TryWalk(quote, out Ipv6ExtensionHeaders headers, out error))
        {
            if (error == PacketError.ExtensionHeaderTruncated)
            {
                error = PacketError.QuoteTruncated;
            }

            return false;
        }

        if (headers.IsLaterFragment)
        {
            error = PacketError.Fragment;
            return false;
        }

        byte protocol = headers.UpperLayerProtocol;
        if (protocol is IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Icmpv6
            && quote.Length - headers.UpperLayerOffset < QuotedTransportMinLength)
        {
            error = PacketError.QuoteTruncated;
            return false;
        }

        message = new Icmpv6ErrorMessage(icmp, QuoteOffset + Math.Min(headers.UpperLayerOffset, quote.Length), protocol);
        error = PacketError.None;
        return true;
    }

    /// <summary>The whole message, header and quote.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Type (1 to 4).</summary>
    public byte Type => _buffer[TypeOffset];

    /// <summary>Code.</summary>
    public byte Code => _buffer[CodeOffset];

    /// <summary>The ICMPv6 checksum as stored.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);

    /// <summary>The message as a plain <see cref="Icmpv6Message"/> view (MTU, pointer, ...).</summary>
    public Icmpv6Message Message => new(_buffer);

    /// <summary>For packet too big: the MTU.</summary>
    public uint Mtu => BinaryPrimitives.ReadUInt32BigEndian(_buffer[4..]);

    /// <summary>Everything after the 8-byte header: the quoted packet, as much of it as was quoted.</summary>
    public Span<byte> Quote => _buffer[QuoteOffset..];

    /// <summary>
    /// The quote as an <see cref="Ipv6Packet"/> view, for the fields not offered here (hop limit,
    /// traffic class, ...). Its <see cref="Ipv6Packet.PayloadLength"/> is the original's and
    /// usually exceeds the quote.
    /// </summary>
    public Ipv6Packet QuotedPacket => new(Quote);

    /// <summary>Source address of the quoted packet.</summary>
    public Ipv6Address QuotedSource => Ipv6Address.ReadFrom(_buffer[(QuoteOffset + 8)..]);

    /// <summary>Destination address of the quoted packet.</summary>
    public Ipv6Address QuotedDestination => Ipv6Address.ReadFrom(_buffer[(QuoteOffset + 24)..]);

    /// <summary>The upper-layer protocol of the quoted packet, after its extension headers (see <see cref="IpProtocol"/>).</summary>
    public byte QuotedProtocol => _protocol;

    /// <summary>Where the quoted upper layer starts, from the start of the quote (40 without extension headers).</summary>
    public int QuotedTransportOffset => _transportOffset - QuoteOffset;

    /// <summary>The quoted bytes of the original's upper layer, up to the end of the message.</summary>
    public Span<byte> QuotedTransport => _buffer[_transportOffset..];

    /// <summary>True when the quoted upper layer is TCP or UDP, whose ports the quote holds.</summary>
    public bool HasQuotedPorts => _protocol is IpProtocol.Tcp or IpProtocol.Udp;

    /// <summary>Source port of the quoted TCP or UDP header (meaningless for other protocols).</summary>
    public ushort QuotedSourcePort => BinaryPrimitives.ReadUInt16BigEndian(QuotedTransport);

    /// <summary>Destination port of the quoted TCP or UDP header (meaningless for other protocols).</summary>
    public ushort QuotedDestinationPort => BinaryPrimitives.ReadUInt16BigEndian(QuotedTransport[2..]);

    /// <summary>True when the checksum over the IPv6 pseudo-header of the error and the whole message verifies.</summary>
    /// <param name="source">Source address of the IPv6 packet carrying the error.</param>
    /// <param name="destination">Destination address of the IPv6 packet carrying the error.</param>
    /// <returns>True when valid.</returns>
    public bool IsChecksumValid(Ipv6Address source, Ipv6Address destination) =>
        LvsLab.Packets.Checksum.ComputeTransport(source, destination, IpProtocol.Icmpv6, _buffer) == 0;
}
