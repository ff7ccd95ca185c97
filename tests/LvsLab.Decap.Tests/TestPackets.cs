using System.Buffers.Binary;
using LvsLab.Packets;

namespace LvsLab.Decap.Tests;

/// <summary>Packets built byte by byte (own checksum), plus IP-in-IP wrapping by <see cref="IpInIp.TryWrap"/>.</summary>
internal static class TestPackets
{
    public static readonly byte[] Cip = [10, 251, 0, 20];
    public static readonly byte[] Vip = [10, 251, 9, 9];
    public static readonly byte[] Dip = [10, 251, 0, 10];
    public static readonly byte[] Rip = [10, 251, 0, 11];

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
