using System.Buffers.Binary;

namespace LvsLab.Packets;

/// <summary>
/// A view over an ICMP error message for IPv4 (RFC 792; RFC 1812 section 4.3.2.3) — destination
/// unreachable, source quench, time exceeded or parameter problem — and the IPv4 packet it quotes,
/// so that a load balancer can find the connection the error is about and NAT it the way IPVS
/// does (<c>ip_vs_in_icmp</c>, <c>ip_vs_out_icmp</c>, <c>ip_vs_nat_icmp</c>).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |  ICMP header (8)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   unused / pointer / next-hop MTU (depends on the type)       |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |Version|  IHL  |Type of Service|          Total Length         |  quoted IPv4 header
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  (IHL x 4 bytes,
/// |         Identification        |Flags|      Fragment Offset    |   options included)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Quoted Source Address                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Quoted Destination Address                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |          Source Port          |       Destination Port        |  quoted transport:
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  at least 8 bytes
/// |  UDP: Length, Checksum  /  TCP: Sequence Number               |  (RFC 792); Linux
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  quotes up to 576
/// |  ... more of the original when quoted (TCP checksum at 16) ... |  bytes in all
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The ICMP checksum covers the whole message, quote included, and has no pseudo-header. The
/// quoted header's total length is the original's, usually beyond the quote, so it is not
/// checked against the buffer. Every field the rewrites touch is a 16-bit word at an even offset
/// of the message (the ICMP header is 8 bytes, a quoted header a multiple of 4), which is what
/// RFC 1624 incremental updates of the ICMP checksum need.
/// </remarks>
public readonly ref struct IcmpErrorMessage
{
    /// <summary>The shortest valid error: ICMP header, a 20-byte quoted header and 8 bytes of its payload.</summary>
    public const int MinLength = IcmpMessage.HeaderLength + Ipv4Packet.MinHeaderLength + QuotedTransportMinLength;

    /// <summary>Bytes of the original's payload an error must quote (RFC 792): enough for both ports.</summary>
    public const int QuotedTransportMinLength = 8;

    private const int TypeOffset = 0;
    private const int CodeOffset = 1;
    private const int ChecksumOffset = 2;
    private const int QuoteOffset = IcmpMessage.HeaderLength;

    // In the quoted IPv4 header, from the start of the quote.
    private const int QuotedVersionIhlOffset = 0;
    private const int QuotedFlagsFragmentOffset = 6;
    private const int QuotedProtocolOffset = 9;
    private const int QuotedHeaderChecksumOffset = 10;
    private const int QuotedSourceOffset = 12;
    private const int QuotedDestinationOffset = 16;
    private const ushort FragmentOffsetMask = 0x1FFF;

    // In the quoted transport header, from its start (TCP and UDP agree on the ports).
    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;
    private const int UdpChecksumOffset = 6;
    private const int TcpChecksumOffset = 16;

    private readonly Span<byte> _buffer;

    /// <summary>
    /// Lays a view over <paramref name="buffer"/> without validation; use <see cref="TryRead"/>
    /// for untrusted input.
    /// </summary>
    /// <param name="buffer">An ICMP error message that <see cref="TryRead"/> accepted.</param>
    public IcmpErrorMessage(Span<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// Validates an ICMP error message and its quote: at least the 8-byte ICMP header; type 3,
    /// 4, 11 or 12; a quoted header of version 4 with IHL at least 5, present in full; the quoted
    /// packet not a non-first fragment; and at least 8 bytes of the quoted packet's payload (the
    /// ports for TCP and UDP). The ICMP checksum is not checked here (see
    /// <see cref="IsChecksumValid"/>), nor the quoted header checksum, nor the quoted protocol
    /// (see <see cref="HasQuotedPorts"/>).
    /// </summary>
    /// <param name="icmp">The ICMP message: the payload of a whole (not fragmented) IPv4 packet.</param>
    /// <param name="message">The view when the result is true.</param>
    /// <param name="error">
    /// Why not, when the result is false: <see cref="PacketError.NotIcmpError"/> for a well-formed
    /// message of another type (an echo, say), which is no error of its own;
    /// <see cref="PacketError.Truncated"/> (under 8 bytes), <see cref="PacketError.QuoteTruncated"/>,
    /// <see cref="PacketError.BadVersion"/> or <see cref="PacketError.BadHeaderLength"/> (quoted
    /// IHL below 5) for a malformed message; <see cref="PacketError.Fragment"/> when the quoted
    /// packet is a fragment other than the first, which holds no ports.
    /// </param>
    /// <returns>True when the view is usable.</returns>
    public static bool TryRead(Span<byte> icmp, out IcmpErrorMessage message, out PacketError error)
    {
        message = default;
        if (icmp.Length < IcmpMessage.HeaderLength)
        {
            error = PacketError.Truncated;
            return false;
        }

        if (!IsError(icmp[TypeOffset]))
        {
            error = PacketError.NotIcmpError;
            return false;
        }

        Span<byte> quote = icmp[QuoteOffset..];
        if (quote.Length < Ipv4Packet.MinHeaderLength)
        {
            error = PacketError.QuoteTruncated;
            return false;
        }

        byte versionIhl = quote[QuotedVersionIhlOffset];
        if ((versionIhl >> 4) != 4)
        {
            error = PacketError.BadVersion;
            return false;
        }

        int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < Ipv4Packet.MinHeaderLength)
        {
            error = PacketError.BadHeaderLength;
            return false;
        }

        if (quote.Length < headerLength + QuotedTransportMinLength)
        {
            error = PacketError.QuoteTruncated;
            return false;
        }

        if ((BinaryPrimitives.ReadUInt16BigEndian(quote[QuotedFlagsFragmentOffset..]) & FragmentOffsetMask) != 0)
        {
            error = PacketError.Fragment;
            return false;
        }

        message = new IcmpErrorMessage(icmp);
        error = PacketError.None;
        return true;
    }

    /// <summary>True for the ICMP types that quote a packet: 3, 4, 11 and 12 (RFC 792).</summary>
    /// <param name="type">The ICMP type.</param>
    /// <returns>True for destination unreachable, source quench, time exceeded and parameter problem.</returns>
    public static bool IsError(byte type) =>
        type is IcmpMessage.TypeDestinationUnreachable
            or IcmpMessage.TypeSourceQuench
            or IcmpMessage.TypeTimeExceeded
            or IcmpMessage.TypeParameterProblem;

    /// <summary>The whole message, ICMP header and quote.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Type (3, 4, 11 or 12).</summary>
    public byte Type => _buffer[TypeOffset];

    /// <summary>Code.</summary>
    public byte Code => _buffer[CodeOffset];

    /// <summary>The ICMP checksum as stored.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ChecksumOffset..]);

    /// <summary>True when the ICMP checksum over the whole message verifies.</summary>
    public bool IsChecksumValid => LvsLab.Packets.Checksum.Compute(_buffer) == 0;

    /// <summary>The ICMP message as a plain <see cref="IcmpMessage"/> view (rest of header, next-hop MTU, ...).</summary>
    public IcmpMessage Message => new(_buffer);

    /// <summary>Everything after the ICMP header: the quoted header and as much of its payload as was quoted.</summary>
    public Span<byte> Quote => _buffer[QuoteOffset..];

    /// <summary>
    /// The quote as an <see cref="Ipv4Packet"/> view, for the header fields not offered here
    /// (TTL, identification, <see cref="Ipv4Packet.IsHeaderChecksumValid"/>, ...). Its
    /// <see cref="Ipv4Packet.TotalLength"/> is the original's and usually exceeds the quote.
    /// </summary>
    public Ipv4Packet QuotedPacket => new(Quote);

    /// <summary>Length of the quoted IPv4 header in bytes (IHL × 4).</summary>
    public int QuotedHeaderLength => (_buffer[QuoteOffset + QuotedVersionIhlOffset] & 0x0F) * 4;

    /// <summary>Protocol of the quoted packet (see <see cref="IpProtocol"/>).</summary>
    public byte QuotedProtocol => _buffer[QuoteOffset + QuotedProtocolOffset];

    /// <summary>Source address of the quoted packet.</summary>
    public Ipv4Address QuotedSource => Ipv4Address.ReadFrom(_buffer[(QuoteOffset + QuotedSourceOffset)..]);

    /// <summary>Destination address of the quoted packet.</summary>
    public Ipv4Address QuotedDestination => Ipv4Address.ReadFrom(_buffer[(QuoteOffset + QuotedDestinationOffset)..]);

    /// <summary>The quoted bytes of the original's payload (at least 8), up to the end of the message.</summary>
    public Span<byte> QuotedTransport => _buffer[(QuoteOffset + QuotedHeaderLength)..];

    /// <summary>True when the quoted protocol is TCP or UDP, whose ports the quote holds.</summary>
    public bool HasQuotedPorts => QuotedProtocol is IpProtocol.Tcp or IpProtocol.Udp;

    /// <summary>Source port of the quoted TCP or UDP header (meaningless for other protocols).</summary>
    public ushort QuotedSourcePort => BinaryPrimitives.ReadUInt16BigEndian(QuotedTransport[SourcePortOffset..]);

    /// <summary>Destination port of the quoted TCP or UDP header (meaningless for other protocols).</summary>
    public ushort QuotedDestinationPort => BinaryPrimitives.ReadUInt16BigEndian(QuotedTransport[DestinationPortOffset..]);

    /// <summary>
    /// True when the quote holds the whole transport checksum field: always for UDP (offset 6),
    /// for TCP only when at least 18 bytes of its header are quoted (offset 16). The rewrites
    /// keep it right when it is there.
    /// </summary>
    public bool QuotesTransportChecksum => TransportChecksumOffset() is int offset && QuotedTransport.Length >= offset + 2;

    /// <summary>
    /// Inbound NAT of an error about a connection (IPVS <c>ip_vs_nat_icmp</c>, towards the real
    /// server): the outer destination and the quoted source become <paramref name="realServer"/>,
    /// the quoted source port <paramref name="realPort"/>, with every checksum updated
    /// incrementally (see <see cref="RewriteQuotedSource"/>). The TTL is left alone; call
    /// <see cref="Ipv4Packet.DecrementTimeToLive"/> as well when forwarding.
    /// </summary>
    /// <param name="packet">A whole IPv4 packet (see <see cref="Ipv4Packet.TryRead"/>) whose payload <see cref="TryRead"/> accepted.</param>
    /// <param name="realServer">RIP, the real server's address.</param>
    /// <param name="realPort">RPORT, the real server's port (ignored unless the quote is TCP or UDP).</param>
    public static void RewriteInbound(Ipv4Packet packet, Ipv4Address realServer, ushort realPort)
    {
        new IcmpErrorMessage(packet.Payload).RewriteQuotedSource(realServer, realPort);
        packet.RewriteDestination(realServer);
    }

    /// <summary>
    /// Outbound NAT of an error from a real server (IPVS <c>ip_vs_nat_icmp</c>, towards the
    /// client): the outer source and the quoted destination become
    /// <paramref name="virtualAddress"/>, the quoted destination port
    /// <paramref name="virtualPort"/>, with every checksum updated incrementally (see
    /// <see cref="RewriteQuotedDestination"/>). The TTL is left alone; call
    /// <see cref="Ipv4Packet.DecrementTimeToLive"/> as well when forwarding.
    /// </summary>
    /// <param name="packet">A whole IPv4 packet (see <see cref="Ipv4Packet.TryRead"/>) whose payload <see cref="TryRead"/> accepted.</param>
    /// <param name="virtualAddress">VIP, the virtual service's address.</param>
    /// <param name="virtualPort">VPORT, the virtual service's port (ignored unless the quote is TCP or UDP).</param>
    public static void RewriteOutbound(Ipv4Packet packet, Ipv4Address virtualAddress, ushort virtualPort)
    {
        new IcmpErrorMessage(packet.Payload).RewriteQuotedDestination(virtualAddress, virtualPort);
        packet.RewriteSource(virtualAddress);
    }

    /// <summary>
    /// Rewrites the quoted source address and, when the quote is TCP or UDP, the quoted source
    /// port, keeping every checksum inside the message right by RFC 1624 incremental updates:
    /// the quoted IPv4 header checksum; the quoted TCP or UDP checksum when it is quoted (see
    /// <see cref="QuotesTransportChecksum"/>; its pseudo-header holds the address; a UDP
    /// checksum of 0, none, stays 0); and the ICMP checksum. A checksum that was wrong stays
    /// wrong. The outer IPv4 header is not touched.
    /// </summary>
    /// <param name="address">The new quoted source address.</param>
    /// <param name="port">The new quoted source port.</param>
    public void RewriteQuotedSource(Ipv4Address address, ushort port) =>
        RewriteQuoted(QuotedSourceOffset, address, SourcePortOffset, port);

    /// <summary>
    /// Rewrites the quoted destination address and, when the quote is TCP or UDP, the quoted
    /// destination port, with the checksums kept as <see cref="RewriteQuotedSource"/> keeps them.
    /// The outer IPv4 header is not touched.
    /// </summary>
    /// <param name="address">The new quoted destination address.</param>
    /// <param name="port">The new quoted destination port.</param>
    public void RewriteQuotedDestination(Ipv4Address address, ushort port) =>
        RewriteQuoted(QuotedDestinationOffset, address, DestinationPortOffset, port);

    private int? TransportChecksumOffset() => QuotedProtocol switch
    {
        IpProtocol.Tcp => TcpChecksumOffset,
        IpProtocol.Udp => UdpChecksumOffset,
        _ => null,
    };

    private void RewriteQuoted(int addressOffset, Ipv4Address address, int portOffset, ushort port)
    {
        // Each changed 16-bit word goes into the ICMP checksum by RFC 1624, so the cost does not
        // depend on how much of the original is quoted (Linux quotes up to 576 bytes).
        Span<byte> quote = Quote;
        ushort icmpChecksum = Checksum;

        uint oldAddress = BinaryPrimitives.ReadUInt32BigEndian(quote[addressOffset..]);
        ushort oldHeaderChecksum = BinaryPrimitives.ReadUInt16BigEndian(quote[QuotedHeaderChecksumOffset..]);
        ushort headerChecksum = LvsLab.Packets.Checksum.Update32(oldHeaderChecksum, oldAddress, address.Value);
        BinaryPrimitives.WriteUInt32BigEndian(quote[addressOffset..], address.Value);
        BinaryPrimitives.WriteUInt16BigEndian(quote[QuotedHeaderChecksumOffset..], headerChecksum);
        icmpChecksum = LvsLab.Packets.Checksum.Update32(icmpChecksum, oldAddress, address.Value);
        icmpChecksum = LvsLab.Packets.Checksum.Update16(icmpChecksum, oldHeaderChecksum, headerChecksum);

        if (TransportChecksumOffset() is int checksumOffset)
        {
            Span<byte> transport = QuotedTransport;
            ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(transport[portOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(transport[portOffset..], port);
            icmpChecksum = LvsLab.Packets.Checksum.Update16(icmpChecksum, oldPort, port);

            // The transport checksum covers the pseudo-header (both addresses) and the ports; the
            // rest of the segment is not quoted, so it can only be updated, never recomputed.
            bool udp = checksumOffset == UdpChecksumOffset;
            if (transport.Length >= checksumOffset + 2)
            {
                ushort oldChecksum = BinaryPrimitives.ReadUInt16BigEndian(transport[checksumOffset..]);
                if (!udp || oldChecksum != 0)
                {
                    ushort checksum = LvsLab.Packets.Checksum.Update32(oldChecksum, oldAddress, address.Value);
                    checksum = LvsLab.Packets.Checksum.Update16(checksum, oldPort, port);
                    if (udp && checksum == 0)
                    {
                        // RFC 768: a computed 0 is sent as all ones; 0 means "no checksum".
                        checksum = 0xFFFF;
                    }

                    BinaryPrimitives.WriteUInt16BigEndian(transport[checksumOffset..], checksum);
                    icmpChecksum = LvsLab.Packets.Checksum.Update16(icmpChecksum, oldChecksum, checksum);
                }
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[ChecksumOffset..], icmpChecksum);
    }
}
