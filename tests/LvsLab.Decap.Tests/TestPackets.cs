using System.Buffers.Binary;
using System.Net;
using LvsLab.Packets;

namespace LvsLab.Decap.Tests;

/// <summary>
/// Packets built byte by byte (own checksums), plus IP-in-IP wrapping by <see cref="IpInIp.TryWrap"/>
/// and IPv6 tunnelling by <see cref="Ipv6Tunnel"/>.
/// </summary>
internal static class TestPackets
{
    public static readonly byte[] Cip = [10, 251, 0, 20];
    public static readonly byte[] Vip = [10, 251, 9, 9];
    public static readonly byte[] Dip = [10, 251, 0, 10];
    public static readonly byte[] Rip = [10, 251, 0, 11];

    public static readonly byte[] Cip6 = IPAddress.Parse("fd00:251::20").GetAddressBytes();
    public static readonly byte[] Vip6 = IPAddress.Parse("fd00:251:9::9").GetAddressBytes();
    public static readonly byte[] Dip6 = IPAddress.Parse("fd00:251::10").GetAddressBytes();
    public static readonly byte[] Rip6 = IPAddress.Parse("fd00:251::11").GetAddressBytes();

    /// <summary>An ICMPv6 echo request CIP6 → VIP6 with <paramref name="dataLength"/> bytes of data (checksum over the pseudo-header).</summary>
    public static byte[] Icmpv6EchoMessage(int dataLength = 16)
    {
        var message = new byte[8 + dataLength];
        message[0] = 128; // echo request
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), 0x0abc);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), 1);
        for (var i = 0; i < dataLength; i++)
        {
            message[8 + i] = (byte)i;
        }

        // RFC 8200 §8.1: source, destination, upper-layer length (32 bits), 3 zero bytes, next header 58.
        var pseudo = new byte[40 + message.Length];
        Cip6.CopyTo(pseudo, 0);
        Vip6.CopyTo(pseudo, 16);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 58;
        message.CopyTo(pseudo, 40);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), InternetChecksum(pseudo));
        return message;
    }

    /// <summary>An IPv6 packet CIP6 → VIP6: a fixed header (payload length from the payload unless given) in front of <paramref name="payload"/>.</summary>
    public static byte[] Ipv6(byte nextHeader, ReadOnlySpan<byte> payload, int? payloadLength = null)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        packet[1] = 0x0A; // traffic class 0x00, flow label 0xA_BCDE
        packet[2] = 0xBC;
        packet[3] = 0xDE;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(payloadLength ?? payload.Length));
        packet[6] = nextHeader;
        packet[7] = 64;
        Cip6.CopyTo(packet, 8);
        Vip6.CopyTo(packet, 24);
        payload.CopyTo(packet.AsSpan(40));
        return packet;
    }

    /// <summary>An IPv6 ICMPv6 echo request CIP6 → VIP6 without extension headers.</summary>
    public static byte[] Icmpv6Echo(int dataLength = 16) => Ipv6(58, Icmpv6EchoMessage(dataLength));

    /// <summary>An options-style extension header (hop-by-hop, destination options): <paramref name="units"/> × 8 bytes of PadN.</summary>
    public static byte[] OptionsHeader(byte next, int units = 1)
    {
        var header = new byte[units * 8];
        header[0] = next;
        header[1] = (byte)(units - 1);
        header[2] = 1; // PadN
        header[3] = (byte)(header.Length - 4);
        return header;
    }

    /// <summary>A fragment header (8 bytes): offset in 8-byte units, M flag, identification.</summary>
    public static byte[] FragmentHeader(byte next, int offset, bool more, uint identification = 0x01020304)
    {
        var header = new byte[8];
        header[0] = next;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)((offset << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), identification);
        return header;
    }

    /// <summary>Wraps an IPv6 packet in IPv6 with <see cref="Ipv6Tunnel.TryWrapIpv6"/> (DIP6 → RIP6, next header 41).</summary>
    public static byte[] WrapIpv6InIpv6(byte[] inner) =>
        WrapInIpv6(inner, (i, s, d, o) => (Ipv6Tunnel.TryWrapIpv6(i, s, d, o, out var w, out var e), w, e));

    /// <summary>Wraps an IPv4 packet in IPv6 with <see cref="Ipv6Tunnel.TryWrapIpv4"/> (DIP6 → RIP6, next header 4).</summary>
    public static byte[] WrapIpv4InIpv6(byte[] inner) =>
        WrapInIpv6(inner, (i, s, d, o) => (Ipv6Tunnel.TryWrapIpv4(i, s, d, o, out var w, out var e), w, e));

    /// <summary>
    /// What a raw AF_INET6 socket for the outer next header returns for an outer IPv6 packet: the
    /// bytes after the fixed header (the packets built here carry no outer extension headers),
    /// up to the outer payload length (ipv6_rcv trims the rest).
    /// </summary>
    public static byte[] AsIpv6SocketReceives(byte[] outer)
    {
        if (outer.Length < 40 || outer[0] >> 4 != 6 || outer[6] is not (4 or 41))
        {
            throw new ArgumentException("not an IPv6 tunnel packet without extension headers", nameof(outer));
        }

        return outer.AsSpan(40, BinaryPrimitives.ReadUInt16BigEndian(outer.AsSpan(4))).ToArray();
    }

    /// <summary>An IPv4 ICMP echo request CIP → VIP with <paramref name="dataLength"/> bytes of data.</summary>
    public static byte[] IcmpEcho(int dataLength = 16, int optionWords = 0)
    {
        var headerLength = 20 + (optionWords * 4);
        var packet = new byte[headerLength + 8 + dataLength];
        WriteIpv4Header(packet, headerLength, packet.Length, protocol: 1, Cip, Vip, identification: 0x1111, flags: 0x4000);
        for (var i = 20; i < headerLength; i++)
        {
            packet[i] = 1; // NOP options
        }

        var icmp = packet.AsSpan(headerLength);
        icmp[0] = 8; // echo request
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], 0x0abc);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], 1);
        for (var i = 0; i < dataLength; i++)
        {
            icmp[8 + i] = (byte)i;
        }

        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum(icmp));
        FixChecksum(packet);
        return packet;
    }

    /// <summary>Wraps with <see cref="IpInIp.TryWrap"/> (DIP → RIP).</summary>
    public static byte[] Wrap(byte[] inner)
    {
        var output = new byte[inner.Length + IpInIp.Overhead];
        if (!IpInIp.TryWrap(inner, Ipv4Address.ReadFrom(Dip), Ipv4Address.ReadFrom(Rip), output, out var written, out var error))
        {
            throw new InvalidOperationException(error.ToString());
        }

        return output[..written];
    }

    private delegate (bool Ok, int Written, PacketError Error) Ipv6Wrapper(Span<byte> inner, Ipv6Address source, Ipv6Address destination, Span<byte> output);

    private static byte[] WrapInIpv6(byte[] inner, Ipv6Wrapper wrap)
    {
        var output = new byte[inner.Length + Ipv6Tunnel.Overhead];
        var (ok, written, error) = wrap(inner, Ipv6Address.ReadFrom(Dip6), Ipv6Address.ReadFrom(Rip6), output);
        return ok ? output[..written] : throw new InvalidOperationException(error.ToString());
    }

    /// <summary>
    /// An outer header written by hand in front of any payload (which need not be a valid packet),
    /// so broken inner packets can be wrapped too.
    /// </summary>
    public static byte[] WrapRaw(ReadOnlySpan<byte> payload, byte protocol = 4, ushort flags = 0, int optionWords = 0)
    {
        var headerLength = 20 + (optionWords * 4);
        var packet = new byte[headerLength + payload.Length];
        WriteIpv4Header(packet, headerLength, packet.Length, protocol, Dip, Rip, identification: 7, flags);
        payload.CopyTo(packet.AsSpan(headerLength));
        FixChecksum(packet);
        return packet;
    }

    /// <summary>Recomputes the IPv4 header checksum of the packet at the start of <paramref name="packet"/>.</summary>
    public static void FixChecksum(Span<byte> packet)
    {
        var headerLength = (packet[0] & 0x0F) * 4;
        packet[10] = 0;
        packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum(packet[..headerLength]));
    }

    /// <summary>RFC 1071, written here independently of LvsLab.Packets.</summary>
    public static ushort InternetChecksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static void WriteIpv4Header(
        Span<byte> packet, int headerLength, int totalLength, byte protocol, byte[] source, byte[] destination, ushort identification, ushort flags)
    {
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], flags);
        packet[8] = 64;
        packet[9] = protocol;
        source.CopyTo(packet[12..]);
        destination.CopyTo(packet[16..]);
    }
}
