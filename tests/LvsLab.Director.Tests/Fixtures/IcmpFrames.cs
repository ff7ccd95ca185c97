using LvsLab.Packets;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>ICMP error frames built by hand: outer IPv4 header, ICMP header, then a quote of an IPv4 packet.</summary>
internal static class IcmpFrames
{
    public const byte DestinationUnreachable = 3;
    public const byte TimeExceeded = 11;
    public const byte PortUnreachable = 3;
    public const byte FragmentationNeeded = 4;

    /// <summary>
    /// An ICMP error from <paramref name="from"/> to <paramref name="to"/> quoting the first
    /// <paramref name="quoteLength"/> bytes of the IPv4 packet in <paramref name="quotedFrame"/>
    /// (a whole Ethernet frame; its Ethernet header is left out).
    /// </summary>
    public static byte[] Error(
        MacAddress sourceMac,
        MacAddress destinationMac,
        Ipv4Address from,
        Ipv4Address to,
        byte type,
        byte code,
        byte[] quotedFrame,
        int quoteLength = int.MaxValue,
        byte ttl = 64,
        ushort restOfHeader = 0)
    {
        byte[] quoted = quotedFrame[14..];
        int ipLength = (quoted[2] << 8) | quoted[3];
        quoted = quoted[..Math.Min(Math.Min(quoteLength, ipLength), quoted.Length)];
        int total = 20 + 8 + quoted.Length;
        byte[] frame = new byte[14 + total];
        destinationMac.WriteTo(frame);
        sourceMac.WriteTo(frame.AsSpan(6));
        frame[12] = 0x08;
        Span<byte> ip = frame.AsSpan(14);
        ip[0] = 0x45;
        ip[2] = (byte)(total >> 8);
        ip[3] = (byte)total;
        ip[8] = ttl;
        ip[9] = IpProtocol.Icmp;
        from.WriteTo(ip[12..]);
        to.WriteTo(ip[16..]);
        new Ipv4Packet(ip).UpdateHeaderChecksum();
        Span<byte> icmp = ip[20..];
        icmp[0] = type;
        icmp[1] = code;
        icmp[6] = (byte)(restOfHeader >> 8);
        icmp[7] = (byte)restOfHeader;
        quoted.CopyTo(icmp[8..]);
        ushort checksum = Checksum.Compute(icmp);
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
        return frame;
    }
}
