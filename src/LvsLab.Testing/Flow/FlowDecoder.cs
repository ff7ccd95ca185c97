using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace LvsLab.Testing.Flow;

/// <summary>
/// Reads the few header fields a flow needs straight from a frame's bytes, bounds-checked: a
/// capture may hold malformed frames (a scenario injects them), and tracing must skip those,
/// not fail. Independent of the forwarder's own packet code.
/// </summary>
internal static class FlowDecoder
{
    /// <summary>IP protocol number of ICMP.</summary>
    public const int Icmp = 1;

    /// <summary>IP protocol number of IP-in-IP (RFC 2003).</summary>
    public const int IpInIp = 4;

    /// <summary>IP protocol number of TCP.</summary>
    public const int Tcp = 6;

    /// <summary>IP protocol number of IPv6 encapsulation (RFC 2473: IPv6 inside IPv6, RFC 4213: inside IPv4).</summary>
    public const int Ipv6InIp = 41;

    /// <summary>IP protocol number of ICMPv6.</summary>
    public const int Icmpv6 = 58;

    /// <summary>IP protocol number of UDP.</summary>
    public const int Udp = 17;

    /// <summary>TCP FIN.</summary>
    public const byte FinFlag = 0x01;

    /// <summary>TCP SYN.</summary>
    public const byte SynFlag = 0x02;

    /// <summary>TCP RST.</summary>
    public const byte RstFlag = 0x04;

    /// <summary>TCP PSH.</summary>
    public const byte PshFlag = 0x08;

    /// <summary>TCP ACK.</summary>
    public const byte AckFlag = 0x10;

    // Ethernet II: destination MAC (6) | source MAC (6) | EtherType (2) | payload.
    private const int EthernetHeaderLength = 14;
    private const int EtherTypeOffset = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIpv6 = 0x86DD;

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version|  IHL  |Type of Service|          Total Length         |
    // |         Identification        |Flags|      Fragment Offset    |
    // |  Time to Live |    Protocol   |         Header Checksum       |
    // |                       Source Address                          |
    // |                    Destination Address                        |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  (RFC 791)
    private const int Ipv4MinHeaderLength = 20;
    private const int TotalLengthOffset = 2;
    private const int IdentificationOffset = 4;
    private const int FragmentOffset = 6;
    private const int TtlOffset = 8;
    private const int ProtocolOffset = 9;
    private const int SourceOffset = 12;
    private const int DestinationOffset = 16;

    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |Version| Traffic Class |           Flow Label                  |
    // |         Payload Length        |  Next Header  |   Hop Limit   |
    // |                Source Address (16 bytes, at 8)                |
    // |             Destination Address (16 bytes, at 24)             |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  (RFC 8200)
    private const int Ipv6HeaderLength = 40;
    private const int Ipv6PayloadLengthOffset = 4;
    private const int Ipv6NextHeaderOffset = 6;
    private const int Ipv6HopLimitOffset = 7;
    private const int Ipv6SourceOffset = 8;
    private const int Ipv6DestinationOffset = 24;

    // Extension headers (RFC 8200 §4) between the fixed header and the upper layer, each starting
    // | Next Header | Hdr Ext Len | …: hop-by-hop options (0), routing (43) and destination
    // options (60) are (Hdr Ext Len + 1) × 8 bytes long; the fragment header (44) is 8 bytes:
    // | Next Header | Reserved | Fragment Offset (13 bits) | Res | M | Identification (4) |.
    // A later fragment (offset ≠ 0) carries no upper-layer header.
    private const int HopByHop = 0;
    private const int Routing = 43;
    private const int Fragment = 44;
    private const int DestinationOptions = 60;
    private const int ExtensionUnit = 8;
    private const int FragmentHeaderLength = 8;
    private const int FragmentOffsetField = 2;
    private const int MaxExtensionHeaders = 16;

    // TCP (RFC 9293): source port (2) | destination port (2) | sequence (4) | acknowledgment (4)
    // | data offset (4 bits) … | flags (8 bits) | …;  UDP (RFC 768): ports (2 + 2) | length | checksum.
    private const int TcpMinHeaderLength = 20;
    private const int TcpSequenceOffset = 4;
    private const int TcpAcknowledgmentOffset = 8;
    private const int TcpDataOffset = 12;
    private const int TcpFlagsOffset = 13;
    private const int UdpHeaderLength = 8;

    // ARP for IPv4 over Ethernet (RFC 826): … | sender MAC at 8 | sender IP at 14 | … (28 bytes).
    private const int ArpLength = 28;
    private const int ArpSenderMacOffset = 8;
    private const int ArpSenderIpOffset = 14;

    /// <summary>
    /// Decodes an Ethernet frame carrying IPv4 or IPv6, and the inner packet of a tunnel: IP-in-IP
    /// (protocol 4 inside IPv4), IPv6-in-IPv6 and IPv4-in-IPv6 (next header 41 and 4 inside IPv6),
    /// IPv6-in-IPv4 (protocol 41 inside IPv4).
    /// </summary>
    /// <param name="frame">The whole frame.</param>
    /// <param name="decoded">The fields, when the result is true.</param>
    /// <returns>False for anything else or anything too short.</returns>
    public static bool TryDecode(byte[] frame, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DecodedFrame? decoded)
    {
        decoded = null;
        if (frame.Length < EthernetHeaderLength)
        {
            return false;
        }

        var ip = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EtherTypeOffset)) switch
        {
            EtherTypeIpv4 => TryDecodeIpv4(frame.AsMemory(EthernetHeaderLength)),
            EtherTypeIpv6 => TryDecodeIpv6(frame.AsMemory(EthernetHeaderLength)),
            _ => null,
        };
        if (ip is null)
        {
            return false;
        }

        DecodedIp? outer = null;
        var inner = ip.Protocol switch
        {
            IpInIp => TryDecodeIpv4(ip.Payload),
            Ipv6InIp => TryDecodeIpv6(ip.Payload),
            _ => null,
        };
        if (inner is not null)
        {
            outer = ip;
            ip = inner;
        }

        decoded = new DecodedFrame
        {
            SourceMac = Mac(frame.AsSpan(6, 6)),
            DestinationMac = Mac(frame.AsSpan(0, 6)),
            Outer = outer,
            Carried = ip,
        };
        return true;
    }

    /// <summary>Reads who an ARP packet says it is (sender MAC and IP).</summary>
    /// <param name="frame">The whole frame.</param>
    /// <param name="mac">The sender's MAC.</param>
    /// <param name="address">The sender's IP.</param>
    /// <returns>True for an ARP frame.</returns>
    public static bool TryReadArpSender(byte[] frame, out string mac, out IPAddress address)
    {
        mac = string.Empty;
        address = IPAddress.None;
        if (frame.Length < EthernetHeaderLength + ArpLength || BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EtherTypeOffset)) != EtherTypeArp)
        {
            return false;
        }

        var arp = frame.AsSpan(EthernetHeaderLength);
        mac = Mac(arp.Slice(ArpSenderMacOffset, 6));
        address = new IPAddress(arp.Slice(ArpSenderIpOffset, 4));
        return true;
    }

    /// <summary>A MAC as <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    /// <param name="bytes">Six bytes.</param>
    /// <returns>The text.</returns>
    public static string Mac(ReadOnlySpan<byte> bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes[0]:x2}:{bytes[1]:x2}:{bytes[2]:x2}:{bytes[3]:x2}:{bytes[4]:x2}:{bytes[5]:x2}");

    /// <summary>Whether a MAC is a group (broadcast or multicast) address.</summary>
    /// <param name="mac">The MAC text.</param>
    /// <returns>True when the first octet's lowest bit is set.</returns>
    public static bool IsGroup(string mac) =>
        mac.Length >= 2 && (byte.Parse(mac.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) != 0;

    /// <summary>A protocol's short name.</summary>
    /// <param name="protocol">The IP protocol number.</param>
    /// <returns><c>TCP</c>, <c>UDP</c>, <c>ICMP</c>, <c>ICMPv6</c>, <c>IPIP</c>, <c>IPv6</c>, or the number.</returns>
    public static string ProtocolName(int protocol) => protocol switch
    {
        Tcp => "TCP",
        Udp => "UDP",
        Icmp => "ICMP",
        Icmpv6 => "ICMPv6",
        IpInIp => "IPIP",
        Ipv6InIp => "IPv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>TCP flags as words, e.g. <c>SYN ACK</c>.</summary>
    /// <param name="flags">The flags byte.</param>
    /// <returns>The words, space-separated.</returns>
    public static string FlagsText(byte flags)
    {
        var text = new StringBuilder();
        foreach (var (bit, name) in new[] { (SynFlag, "SYN"), (FinFlag, "FIN"), (RstFlag, "RST"), (PshFlag, "PSH"), (AckFlag, "ACK") })
        {
            if ((flags & bit) != 0)
            {
                text.Append(text.Length == 0 ? string.Empty : " ").Append(name);
            }
        }

        return text.ToString();
    }

    private static DecodedIp? TryDecodeIpv4(ReadOnlyMemory<byte> memory)
    {
        var span = memory.Span;
        if (span.Length < Ipv4MinHeaderLength || span[0] >> 4 != 4)
        {
            return null;
        }

        var headerLength = (span[0] & 0x0f) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(span[TotalLengthOffset..]);
        if (headerLength < Ipv4MinHeaderLength || totalLength < headerLength || totalLength > span.Length)
        {
            return null;
        }

        var firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(span[FragmentOffset..]) & 0x1fff) == 0;
        return WithTransport(
            memory[..totalLength],
            headerLength,
            span[ProtocolOffset],
            firstFragment,
            new IPAddress(span.Slice(SourceOffset, 4)),
            new IPAddress(span.Slice(DestinationOffset, 4)),
            span[TtlOffset],
            BinaryPrimitives.ReadUInt16BigEndian(span[IdentificationOffset..]));
    }

    private static DecodedIp? TryDecodeIpv6(ReadOnlyMemory<byte> memory)
    {
        var span = memory.Span;
        if (span.Length < Ipv6HeaderLength || span[0] >> 4 != 6)
        {
            return null;
        }

        var totalLength = Ipv6HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(span[Ipv6PayloadLengthOffset..]);
        if (totalLength > span.Length)
        {
            return null;
        }

        // Walk the extension headers to the upper layer; a chain that runs past the packet is malformed.
        var next = (int)span[Ipv6NextHeaderOffset];
        var offset = Ipv6HeaderLength;
        var firstFragment = true;
        for (var count = 0; next is HopByHop or Routing or Fragment or DestinationOptions; count++)
        {
            if (count == MaxExtensionHeaders || totalLength - offset < ExtensionUnit)
            {
                return null;
            }

            var length = next == Fragment ? FragmentHeaderLength : (span[offset + 1] + 1) * ExtensionUnit;
            if (length > totalLength - offset)
            {
                return null;
            }

            if (next == Fragment && (BinaryPrimitives.ReadUInt16BigEndian(span[(offset + FragmentOffsetField)..]) & 0xfff8) != 0)
            {
                firstFragment = false;
            }

            next = span[offset];
            offset += length;
        }

        return WithTransport(
            memory[..totalLength],
            offset,
            next,
            firstFragment,
            new IPAddress(span.Slice(Ipv6SourceOffset, 16)),
            new IPAddress(span.Slice(Ipv6DestinationOffset, 16)),
            span[Ipv6HopLimitOffset],
            identification: 0);
    }

    /// <summary>The packet's fields with its TCP or UDP header read (from the first fragment only).</summary>
    private static DecodedIp WithTransport(ReadOnlyMemory<byte> bytes, int headerLength, int protocol, bool firstFragment, IPAddress source, IPAddress destination, int timeToLive, int identification)
    {
        var transport = bytes[headerLength..];
        var t = transport.Span;
        int? sourcePort = null;
        int? destinationPort = null;
        uint sequence = 0;
        uint acknowledgment = 0;
        byte flags = 0;
        var payload = transport;
        if (firstFragment && protocol == Tcp && t.Length >= TcpMinHeaderLength && (t[TcpDataOffset] >> 4) * 4 is var tcpLength && tcpLength >= TcpMinHeaderLength && tcpLength <= t.Length)
        {
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(t);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
            sequence = BinaryPrimitives.ReadUInt32BigEndian(t[TcpSequenceOffset..]);
            acknowledgment = BinaryPrimitives.ReadUInt32BigEndian(t[TcpAcknowledgmentOffset..]);
            flags = t[TcpFlagsOffset];
            payload = transport[tcpLength..];
        }
        else if (firstFragment && protocol == Udp && t.Length >= UdpHeaderLength)
        {
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(t);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
            payload = transport[UdpHeaderLength..];
        }

        return new DecodedIp
        {
            Source = source,
            Destination = destination,
            Protocol = protocol,
            TimeToLive = timeToLive,
            Identification = identification,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
            Sequence = sequence,
            Acknowledgment = acknowledgment,
            TcpFlags = flags,
            Payload = payload,
            Bytes = bytes,
        };
    }
}
