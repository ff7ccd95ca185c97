using System.Globalization;
using System.Numerics;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// A named header field of an Ethernet/IPv4/TCP/UDP frame. Its position is computed from the
/// frame it is applied to (IPv4 IHL, TCP data offset, the inner header of IP-in-IP), so tests
/// name fields and never write offsets. <c>Ip…</c> fields are the frame's IPv4 header (the outer
/// one of a tunnel), <c>InnerIp…</c> the inner header of IP-in-IP, <c>Tcp…</c>/<c>Udp…</c> the
/// transport header of the carried packet (inside the tunnel, if any).
/// </summary>
public sealed class PacketField
{
    // Byte offsets inside each header (Ethernet II; IPv4, RFC 791; TCP, RFC 9293; UDP, RFC 768).
    private const int IpMinHeaderLength = 20;
    private const int TcpMinHeaderLength = 20;

    private readonly Func<FrameLayout, FieldLocation?> locate;

    private PacketField(string name, PacketLayer layer, FieldFormat format, Func<FrameLayout, FieldLocation?> locate)
    {
        Name = name;
        Layer = layer;
        Format = format;
        this.locate = locate;
    }

    /// <summary>The Ethernet destination MAC.</summary>
    public static PacketField DestinationMac { get; } = Ethernet("destination MAC", 0, 6, FieldFormat.Mac);

    /// <summary>The Ethernet source MAC.</summary>
    public static PacketField SourceMac { get; } = Ethernet("source MAC", 6, 6, FieldFormat.Mac);

    /// <summary>The EtherType.</summary>
    public static PacketField EtherType { get; } = Ethernet("EtherType", 12, 2, FieldFormat.Hex);

    /// <summary>The whole Ethernet header.</summary>
    public static PacketField EthernetHeader { get; } = Ethernet("Ethernet header", 0, 14, FieldFormat.Bytes);

    /// <summary>The IPv4 version (4 bits).</summary>
    public static PacketField IpVersion { get; } = Ip(PacketLayer.Ip, "IP version", 0, 1, 0xF0, FieldFormat.Number);

    /// <summary>The IPv4 header length in 32-bit words (IHL, 4 bits).</summary>
    public static PacketField IpHeaderLength { get; } = Ip(PacketLayer.Ip, "IP header length", 0, 1, 0x0F, FieldFormat.Number);

    /// <summary>The differentiated services code point (6 bits of the type-of-service byte).</summary>
    public static PacketField IpDscp { get; } = Ip(PacketLayer.Ip, "IP DSCP", 1, 1, 0xFC, FieldFormat.Number);

    /// <summary>The ECN bits (2 bits of the type-of-service byte).</summary>
    public static PacketField IpEcn { get; } = Ip(PacketLayer.Ip, "IP ECN", 1, 1, 0x03, FieldFormat.Number);

    /// <summary>The IPv4 total length.</summary>
    public static PacketField IpTotalLength { get; } = Ip(PacketLayer.Ip, "IP total length", 2, 2, 0xFF, FieldFormat.Number);

    /// <summary>The IPv4 identification.</summary>
    public static PacketField IpIdentification { get; } = Ip(PacketLayer.Ip, "IP identification", 4, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The don't-fragment bit.</summary>
    public static PacketField IpDontFragment { get; } = Ip(PacketLayer.Ip, "IP DF bit", 6, 1, 0x40, FieldFormat.Number);

    /// <summary>The three flag bits (reserved, DF, MF).</summary>
    public static PacketField IpFlags { get; } = Ip(PacketLayer.Ip, "IP flags", 6, 1, 0xE0, FieldFormat.Number);

    /// <summary>The fragment offset (13 bits).</summary>
    public static PacketField IpFragmentOffset { get; } = Ip(PacketLayer.Ip, "IP fragment offset", 6, 2, 0x1F, FieldFormat.Number);

    /// <summary>The time to live.</summary>
    public static PacketField IpTtl { get; } = Ip(PacketLayer.Ip, "IP TTL", 8, 1, 0xFF, FieldFormat.Number);

    /// <summary>The IP protocol number.</summary>
    public static PacketField IpProtocol { get; } = Ip(PacketLayer.Ip, "IP protocol", 9, 1, 0xFF, FieldFormat.Number);

    /// <summary>The IPv4 header checksum.</summary>
    public static PacketField IpChecksum { get; } = Ip(PacketLayer.Ip, "IP checksum", 10, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The IPv4 source address.</summary>
    public static PacketField SourceAddress { get; } = Ip(PacketLayer.Ip, "IP source", 12, 4, 0xFF, FieldFormat.Address);

    /// <summary>The IPv4 destination address.</summary>
    public static PacketField DestinationAddress { get; } = Ip(PacketLayer.Ip, "IP destination", 16, 4, 0xFF, FieldFormat.Address);

    /// <summary>The IPv4 options (empty when IHL is 5).</summary>
    public static PacketField IpOptions { get; } = IpTail(PacketLayer.Ip, "IP options");

    /// <summary>The whole IPv4 header (IHL × 4 bytes).</summary>
    public static PacketField IpHeader { get; } = IpWhole(PacketLayer.Ip, "IP header");

    /// <summary>Everything after the frame's IPv4 header (for IP-in-IP: the whole inner packet).</summary>
    public static PacketField IpPayload { get; } = new("IP payload", PacketLayer.Ip, FieldFormat.Bytes, l =>
        l.IpOffset < 0 ? null : new FieldLocation(l.IpOffset + l.IpHeaderLength, l.Length - l.IpOffset - l.IpHeaderLength));

    /// <summary>The inner IPv4 header's DSCP.</summary>
    public static PacketField InnerIpDscp { get; } = Ip(PacketLayer.InnerIp, "inner IP DSCP", 1, 1, 0xFC, FieldFormat.Number);

    /// <summary>The inner IPv4 header's ECN bits.</summary>
    public static PacketField InnerIpEcn { get; } = Ip(PacketLayer.InnerIp, "inner IP ECN", 1, 1, 0x03, FieldFormat.Number);

    /// <summary>The inner IPv4 total length.</summary>
    public static PacketField InnerIpTotalLength { get; } = Ip(PacketLayer.InnerIp, "inner IP total length", 2, 2, 0xFF, FieldFormat.Number);

    /// <summary>The inner IPv4 identification.</summary>
    public static PacketField InnerIpIdentification { get; } = Ip(PacketLayer.InnerIp, "inner IP identification", 4, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The inner don't-fragment bit.</summary>
    public static PacketField InnerIpDontFragment { get; } = Ip(PacketLayer.InnerIp, "inner IP DF bit", 6, 1, 0x40, FieldFormat.Number);

    /// <summary>The inner three flag bits.</summary>
    public static PacketField InnerIpFlags { get; } = Ip(PacketLayer.InnerIp, "inner IP flags", 6, 1, 0xE0, FieldFormat.Number);

    /// <summary>The inner fragment offset.</summary>
    public static PacketField InnerIpFragmentOffset { get; } = Ip(PacketLayer.InnerIp, "inner IP fragment offset", 6, 2, 0x1F, FieldFormat.Number);

    /// <summary>The inner time to live.</summary>
    public static PacketField InnerIpTtl { get; } = Ip(PacketLayer.InnerIp, "inner IP TTL", 8, 1, 0xFF, FieldFormat.Number);

    /// <summary>The inner IP protocol number.</summary>
    public static PacketField InnerIpProtocol { get; } = Ip(PacketLayer.InnerIp, "inner IP protocol", 9, 1, 0xFF, FieldFormat.Number);

    /// <summary>The inner IPv4 header checksum.</summary>
    public static PacketField InnerIpChecksum { get; } = Ip(PacketLayer.InnerIp, "inner IP checksum", 10, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The inner IPv4 source address.</summary>
    public static PacketField InnerSourceAddress { get; } = Ip(PacketLayer.InnerIp, "inner IP source", 12, 4, 0xFF, FieldFormat.Address);

    /// <summary>The inner IPv4 destination address.</summary>
    public static PacketField InnerDestinationAddress { get; } = Ip(PacketLayer.InnerIp, "inner IP destination", 16, 4, 0xFF, FieldFormat.Address);

    /// <summary>The inner IPv4 options.</summary>
    public static PacketField InnerIpOptions { get; } = IpTail(PacketLayer.InnerIp, "inner IP options");

    /// <summary>The whole inner IPv4 header.</summary>
    public static PacketField InnerIpHeader { get; } = IpWhole(PacketLayer.InnerIp, "inner IP header");

    /// <summary>The whole inner IPv4 packet of IP-in-IP (header and everything it carries).</summary>
    public static PacketField InnerIpPacket { get; } = new("inner IP packet", PacketLayer.InnerIp, FieldFormat.Bytes, l =>
        l.InnerIpOffset < 0 ? null : new FieldLocation(l.InnerIpOffset, l.CarriedEnd - l.InnerIpOffset));

    /// <summary>The TCP source port.</summary>
    public static PacketField TcpSourcePort { get; } = Transport(FrameLayout.Tcp, "TCP source port", 0, 2, 0xFF, FieldFormat.Number);

    /// <summary>The TCP destination port.</summary>
    public static PacketField TcpDestinationPort { get; } = Transport(FrameLayout.Tcp, "TCP destination port", 2, 2, 0xFF, FieldFormat.Number);

    /// <summary>The TCP sequence number.</summary>
    public static PacketField TcpSequence { get; } = Transport(FrameLayout.Tcp, "TCP sequence", 4, 4, 0xFF, FieldFormat.Number);

    /// <summary>The TCP acknowledgement number.</summary>
    public static PacketField TcpAcknowledgement { get; } = Transport(FrameLayout.Tcp, "TCP acknowledgement", 8, 4, 0xFF, FieldFormat.Number);

    /// <summary>The TCP data offset in 32-bit words (4 bits).</summary>
    public static PacketField TcpDataOffset { get; } = Transport(FrameLayout.Tcp, "TCP data offset", 12, 1, 0xF0, FieldFormat.Number);

    /// <summary>The TCP flags byte (CWR … FIN).</summary>
    public static PacketField TcpFlags { get; } = Transport(FrameLayout.Tcp, "TCP flags", 13, 1, 0xFF, FieldFormat.Hex);

    /// <summary>The TCP window.</summary>
    public static PacketField TcpWindow { get; } = Transport(FrameLayout.Tcp, "TCP window", 14, 2, 0xFF, FieldFormat.Number);

    /// <summary>The TCP checksum.</summary>
    public static PacketField TcpChecksum { get; } = Transport(FrameLayout.Tcp, "TCP checksum", 16, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The TCP urgent pointer.</summary>
    public static PacketField TcpUrgentPointer { get; } = Transport(FrameLayout.Tcp, "TCP urgent pointer", 18, 2, 0xFF, FieldFormat.Number);

    /// <summary>The TCP options (empty when the data offset is 5).</summary>
    public static PacketField TcpOptions { get; } = new("TCP options", PacketLayer.Transport, FieldFormat.Bytes, l =>
        l.IsTcp ? new FieldLocation(l.TransportOffset + TcpMinHeaderLength, l.TransportHeaderLength - TcpMinHeaderLength) : null);

    /// <summary>The whole TCP header (data offset × 4 bytes).</summary>
    public static PacketField TcpHeader { get; } = new("TCP header", PacketLayer.Transport, FieldFormat.Bytes, l =>
        l.IsTcp ? new FieldLocation(l.TransportOffset, l.TransportHeaderLength) : null);

    /// <summary>The UDP source port.</summary>
    public static PacketField UdpSourcePort { get; } = Transport(FrameLayout.Udp, "UDP source port", 0, 2, 0xFF, FieldFormat.Number);

    /// <summary>The UDP destination port.</summary>
    public static PacketField UdpDestinationPort { get; } = Transport(FrameLayout.Udp, "UDP destination port", 2, 2, 0xFF, FieldFormat.Number);

    /// <summary>The UDP length.</summary>
    public static PacketField UdpLength { get; } = Transport(FrameLayout.Udp, "UDP length", 4, 2, 0xFF, FieldFormat.Number);

    /// <summary>The UDP checksum (0: none).</summary>
    public static PacketField UdpChecksum { get; } = Transport(FrameLayout.Udp, "UDP checksum", 6, 2, 0xFF, FieldFormat.Hex);

    /// <summary>The whole UDP header.</summary>
    public static PacketField UdpHeader { get; } = Transport(FrameLayout.Udp, "UDP header", 0, 8, 0xFF, FieldFormat.Bytes);

    /// <summary>The source port of TCP or UDP, whichever the frame carries.</summary>
    public static PacketField SourcePort { get; } = Transport(0, "source port", 0, 2, 0xFF, FieldFormat.Number);

    /// <summary>The destination port of TCP or UDP, whichever the frame carries.</summary>
    public static PacketField DestinationPort { get; } = Transport(0, "destination port", 2, 2, 0xFF, FieldFormat.Number);

    /// <summary>The checksum of TCP or UDP, whichever the frame carries.</summary>
    public static PacketField TransportChecksum { get; } = new("transport checksum", PacketLayer.Transport, FieldFormat.Hex, l =>
        l.IsTcp ? new FieldLocation(l.TransportOffset + 16, 2) : l.IsUdp ? new FieldLocation(l.TransportOffset + 6, 2) : null);

    /// <summary>What follows the transport header (or the carried IP header), up to the carried packet's end.</summary>
    public static PacketField Payload { get; } = new("payload", PacketLayer.Payload, FieldFormat.Bytes, l =>
        l.PayloadOffset < 0 ? null : new FieldLocation(l.PayloadOffset, l.CarriedEnd - l.PayloadOffset));

    /// <summary>
    /// The fields used to name a byte in evidence, most specific first: a byte is named after the
    /// first field here that covers its differing bits.
    /// </summary>
    internal static IReadOnlyList<PacketField> Naming { get; } =
    [
        DestinationMac, SourceMac, EtherType,
        IpVersion, IpHeaderLength, IpDscp, IpEcn, IpTotalLength, IpIdentification, IpDontFragment, IpFlags, IpFragmentOffset,
        IpTtl, IpProtocol, IpChecksum, SourceAddress, DestinationAddress, IpOptions,
        InnerIpDscp, InnerIpEcn, InnerIpTotalLength, InnerIpIdentification, InnerIpDontFragment, InnerIpFlags, InnerIpFragmentOffset,
        InnerIpTtl, InnerIpProtocol, InnerIpChecksum, InnerSourceAddress, InnerDestinationAddress, InnerIpOptions, InnerIpHeader,
        TcpSourcePort, TcpDestinationPort, TcpSequence, TcpAcknowledgement, TcpDataOffset, TcpFlags, TcpWindow, TcpChecksum,
        TcpUrgentPointer, TcpOptions, TcpHeader,
        UdpSourcePort, UdpDestinationPort, UdpLength, UdpChecksum,
        Payload, IpHeader, IpPayload, EthernetHeader,
    ];

    /// <summary>The field's name as evidence shows it, e.g. <c>IP TTL</c>.</summary>
    public string Name { get; }

    /// <summary>The header the field lies in.</summary>
    public PacketLayer Layer { get; }

    /// <summary>How evidence shows the field's value.</summary>
    public FieldFormat Format { get; }

    /// <summary>Finds the field in <paramref name="frame"/>, from the frame's own headers.</summary>
    /// <param name="frame">A whole Ethernet frame.</param>
    /// <param name="location">Where the field is, when the result is true.</param>
    /// <returns>False when the frame has no such field (no IPv4, no tunnel, not TCP …).</returns>
    public bool TryLocate(ReadOnlySpan<byte> frame, out FieldLocation location)
    {
        var found = Locate(FrameLayout.Of(frame));
        location = found.GetValueOrDefault();
        return found is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Finds the field in a frame whose layout is known.</summary>
    /// <param name="layout">The frame's layout.</param>
    /// <returns>Where the field is, or null.</returns>
    internal FieldLocation? Locate(FrameLayout layout) => locate(layout);

    /// <summary>The field's value in <paramref name="frame"/> as a number (fields of up to 8 bytes).</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="location">Where the field is.</param>
    /// <returns>The value, shifted down for a field of part of one byte.</returns>
    internal static ulong ReadNumber(ReadOnlySpan<byte> frame, FieldLocation location)
    {
        ulong value = 0;
        for (int i = 0; i < location.Length; i++)
        {
            value = (value << 8) | (byte)(frame[location.Offset + i] & location.BitsAt(location.Offset + i));
        }

        return location.Length == 1 ? value >> BitOperations.TrailingZeroCount(location.FirstByteBits) : value;
    }

    /// <summary>The field's value in <paramref name="frame"/>, as evidence shows it.</summary>
    /// <param name="frame">The frame (may be shorter than the field's end).</param>
    /// <param name="location">Where the field is.</param>
    /// <returns>The text.</returns>
    internal string FormatValue(ReadOnlySpan<byte> frame, FieldLocation location)
    {
        if (location.End > frame.Length)
        {
            return "(frame too short)";
        }

        var bytes = frame.Slice(location.Offset, location.Length);
        var c = CultureInfo.InvariantCulture;
        return Format switch
        {
            FieldFormat.Mac when bytes.Length == 6 => string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", c))),
            FieldFormat.Address when bytes.Length == 4 => string.Join('.', bytes.ToArray().Select(b => b.ToString(c))),
            FieldFormat.Number when bytes.Length <= 8 => ReadNumber(frame, location).ToString(c),
            FieldFormat.Hex when bytes.Length <= 8 => "0x" + ReadNumber(frame, location).ToString("x" + (2 * bytes.Length).ToString(c), c),
            _ => BytesText(bytes),
        };
    }

    private static string BytesText(ReadOnlySpan<byte> bytes)
    {
        const int Shown = 8;
        string head = Convert.ToHexString(bytes[..Math.Min(bytes.Length, Shown)]).ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"{bytes.Length} bytes {head}{(bytes.Length > Shown ? "…" : string.Empty)}");
    }

    private static PacketField Ethernet(string name, int offset, int length, FieldFormat format) =>
        new(name, PacketLayer.Ethernet, format, l => l.Length >= FrameLayout.EthernetHeaderLength ? new FieldLocation(offset, length) : null);

    private static int IpBase(FrameLayout l, PacketLayer layer) => layer == PacketLayer.Ip ? l.IpOffset : l.InnerIpOffset;

    private static int IpLength(FrameLayout l, PacketLayer layer) => layer == PacketLayer.Ip ? l.IpHeaderLength : l.InnerIpHeaderLength;

    private static PacketField Ip(PacketLayer layer, string name, int offset, int length, byte bits, FieldFormat format) =>
        new(name, layer, format, l => IpBase(l, layer) is int b and >= 0 ? new FieldLocation(b + offset, length, bits) : null);

    private static PacketField IpTail(PacketLayer layer, string name) =>
        new(name, layer, FieldFormat.Bytes, l =>
            IpBase(l, layer) is int b and >= 0 ? new FieldLocation(b + IpMinHeaderLength, IpLength(l, layer) - IpMinHeaderLength) : null);

    private static PacketField IpWhole(PacketLayer layer, string name) =>
        new(name, layer, FieldFormat.Bytes, l => IpBase(l, layer) is int b and >= 0 ? new FieldLocation(b, IpLength(l, layer)) : null);

    private static PacketField Transport(int protocol, string name, int offset, int length, byte bits, FieldFormat format) =>
        new(name, PacketLayer.Transport, format, l =>
            l.TransportOffset >= 0 && (protocol == 0 || l.TransportProtocol == protocol)
                ? new FieldLocation(l.TransportOffset + offset, length, bits)
                : null);
}
