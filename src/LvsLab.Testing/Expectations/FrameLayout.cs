using System.Buffers.Binary;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// Where the headers of one Ethernet frame start and end, read from the frame's own bytes
/// (IPv4 IHL, total length, TCP data offset; the inner packet of IP-in-IP). Bounds-checked: a
/// header that does not fit is absent, never an exception. Independent of the forwarder's code.
/// </summary>
internal sealed class FrameLayout
{
    /// <summary>Bytes of an Ethernet II header: destination MAC, source MAC, EtherType.</summary>
    public const int EthernetHeaderLength = 14;

    /// <summary>IP protocol number of IP-in-IP (RFC 2003).</summary>
    public const int IpInIp = 4;

    /// <summary>IP protocol number of TCP.</summary>
    public const int Tcp = 6;

    /// <summary>IP protocol number of UDP.</summary>
    public const int Udp = 17;

    private const ushort EtherTypeIpv4 = 0x0800;
    private const int Ipv4MinHeaderLength = 20;
    private const int TcpMinHeaderLength = 20;
    private const int UdpHeaderLength = 8;

    private FrameLayout(int frameLength) => Length = frameLength;

    /// <summary>
    /// The significant length: the end of the (outer) IPv4 packet by its total length, so that
    /// Ethernet padding after it is not part of the frame's content; the whole frame otherwise.
    /// </summary>
    public int Length { get; private set; }

    /// <summary>Offset of the frame's (outer) IPv4 header, or -1.</summary>
    public int IpOffset { get; private set; } = -1;

    /// <summary>Bytes of the (outer) IPv4 header (IHL × 4).</summary>
    public int IpHeaderLength { get; private set; }

    /// <summary>Offset of the inner IPv4 header of an IP-in-IP packet, or -1.</summary>
    public int InnerIpOffset { get; private set; } = -1;

    /// <summary>Bytes of the inner IPv4 header.</summary>
    public int InnerIpHeaderLength { get; private set; }

    /// <summary>End (exclusive) of the packet that carries the transport header: the inner packet of a tunnel, else the IP packet.</summary>
    public int CarriedEnd { get; private set; } = -1;

    /// <summary>Offset of the TCP or UDP header of the carried packet, or -1.</summary>
    public int TransportOffset { get; private set; } = -1;

    /// <summary>The IP protocol of <see cref="TransportOffset"/>: <see cref="Tcp"/> or <see cref="Udp"/> (0 when none).</summary>
    public int TransportProtocol { get; private set; }

    /// <summary>Bytes of the TCP header (data offset × 4) or UDP header (8).</summary>
    public int TransportHeaderLength { get; private set; }

    /// <summary>Offset of the payload (after the transport header, else after the carried IP header), or -1 without IP.</summary>
    public int PayloadOffset { get; private set; } = -1;

    /// <summary>Offset of the carried packet's IP header: the inner one of a tunnel, else the frame's (-1 without IP).</summary>
    public int CarriedIpOffset => InnerIpOffset >= 0 ? InnerIpOffset : IpOffset;

    /// <summary>Whether the frame is TCP (in the carried packet).</summary>
    public bool IsTcp => TransportProtocol == Tcp;

    /// <summary>Whether the frame is UDP (in the carried packet).</summary>
    public bool IsUdp => TransportProtocol == Udp;

    /// <summary>Reads the layout of <paramref name="frame"/>.</summary>
    /// <param name="frame">The whole Ethernet frame.</param>
    /// <returns>The layout; fields that are not there are -1.</returns>
    public static FrameLayout Of(ReadOnlySpan<byte> frame)
    {
        var layout = new FrameLayout(frame.Length);
        if (frame.Length < EthernetHeaderLength || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherTypeIpv4)
        {
            return layout;
        }

        if (!TryIp(frame, EthernetHeaderLength, frame.Length, out int headerLength, out int end))
        {
            return layout;
        }

        layout.IpOffset = EthernetHeaderLength;
        layout.IpHeaderLength = headerLength;
        layout.Length = end;
        int carried = EthernetHeaderLength;
        int carriedHeader = headerLength;
        if (Protocol(frame, carried) == IpInIp && !IsLaterFragment(frame, carried)
            && TryIp(frame, carried + headerLength, end, out int innerHeaderLength, out int innerEnd))
        {
            layout.InnerIpOffset = carried + headerLength;
            layout.InnerIpHeaderLength = innerHeaderLength;
            carried = layout.InnerIpOffset;
            carriedHeader = innerHeaderLength;
            end = innerEnd;
        }

        layout.CarriedEnd = end;
        layout.PayloadOffset = carried + carriedHeader;
        int transport = carried + carriedHeader;
        int protocol = Protocol(frame, carried);
        if (IsLaterFragment(frame, carried))
        {
            return layout;
        }

        if (protocol == Tcp && transport + TcpMinHeaderLength <= end)
        {
            int tcpLength = (frame[transport + 12] >> 4) * 4;
            if (tcpLength >= TcpMinHeaderLength && transport + tcpLength <= end)
            {
                layout.SetTransport(transport, Tcp, tcpLength);
            }
        }
        else if (protocol == Udp && transport + UdpHeaderLength <= end)
        {
            layout.SetTransport(transport, Udp, UdpHeaderLength);
        }

        return layout;
    }

    private void SetTransport(int offset, int protocol, int headerLength)
    {
        TransportOffset = offset;
        TransportProtocol = protocol;
        TransportHeaderLength = headerLength;
        PayloadOffset = offset + headerLength;
    }

    private static int Protocol(ReadOnlySpan<byte> frame, int ip) => frame[ip + 9];

    // Flags and fragment offset (RFC 791): only a first fragment (offset 0) carries the next header.
    private static bool IsLaterFragment(ReadOnlySpan<byte> frame, int ip) =>
        (BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 6)..]) & 0x1FFF) != 0;

    private static bool TryIp(ReadOnlySpan<byte> frame, int offset, int limit, out int headerLength, out int end)
    {
        headerLength = 0;
        end = 0;
        if (offset + Ipv4MinHeaderLength > limit || frame[offset] >> 4 != 4)
        {
            return false;
        }

        headerLength = (frame[offset] & 0x0F) * 4;
        if (headerLength < Ipv4MinHeaderLength || offset + headerLength > limit)
        {
            return false;
        }

        int total = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]);

        // A total length that is too small or runs past the frame: take what is there.
        end = total >= headerLength && offset + total <= limit ? offset + total : limit;
        return true;
    }
}
