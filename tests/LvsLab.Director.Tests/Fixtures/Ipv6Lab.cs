using System.Buffers.Binary;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// A dual-stack director on one link (fd00:10:77:1::/64 beside 10.0.0.0/24), its IPv6 VIP, three
/// IPv6 real servers on the link and a client behind the router, and IPv6 frames built by hand
/// (Ethernet, IPv6, TCP or UDP with a correct checksum over the IPv6 pseudo-header).
/// </summary>
internal static class Ipv6Lab
{
    public const string DrRules = """
        -A -t [fd00:10:77:1::100]:80 -s rr
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::12]:80 -g
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::13]:80 -g
        """;

    public const string NatRules = """
        -A -t [fd00:10:77:1::100]:80 -s rr
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:2::11]:8080 -m
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:2::12]:8080 -m
        -A -u [fd00:10:77:1::100]:53 -s rr
        -a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:2::11]:5353 -m
        """;

    public const string TunRules = """
        -A -t [fd00:10:77:1::100]:80 -s rr
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:3::11]:80 -i
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r [fd00:10:77:3::11]:80 -i
        """;

    public static readonly MacAddress DirectorMac = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly Ipv6Address DirectorIp = Ipv6Address.Parse("fd00:10:77:1::2");
    public static readonly Ipv6Address Vip = Ipv6Address.Parse("fd00:10:77:1::100");
    public static readonly MacAddress RouterMac = MacAddress.Parse("02:00:00:00:00:fe");
    public static readonly Ipv6Address RouterIp = Ipv6Address.Parse("fd00:10:77:1::1");
    public static readonly Ipv6Address ClientIp = Ipv6Address.Parse("fd00:10:77::10");

    public static readonly Ipv6Address[] RealServerIps =
    [
        Ipv6Address.Parse("fd00:10:77:1::11"),
        Ipv6Address.Parse("fd00:10:77:1::12"),
        Ipv6Address.Parse("fd00:10:77:1::13"),
    ];

    public static readonly Ipv6Address[] NatRealServerIps =
    [
        Ipv6Address.Parse("fd00:10:77:2::11"),
        Ipv6Address.Parse("fd00:10:77:2::12"),
    ];

    public static readonly Ipv6Address TunRealServerIp = Ipv6Address.Parse("fd00:10:77:3::11");

    public static readonly MacAddress[] RealServerMacs =
    [
        MacAddress.Parse("02:00:00:00:01:11"),
        MacAddress.Parse("02:00:00:00:01:12"),
        MacAddress.Parse("02:00:00:00:01:13"),
    ];

    /// <summary>The director: one interface with IPv4 10.0.0.2/24 and IPv6 DirectorIp/64, the router as both gateways.</summary>
    public static DirectorEngine Engine(string rules = DrRules, bool learnNeighbours = true, int mtu = DirectorInterface.DefaultMtu, DirectorFaults faults = DirectorFaults.None)
    {
        var nic = new DirectorInterface("eth0", DirectorMac, Ipv4Address.Parse("10.0.0.2"), 24, Ipv4Address.Parse("10.0.0.1"))
        {
            Address6 = DirectorIp,
            PrefixLength6 = 64,
            Gateway6 = RouterIp,
            Mtu = mtu,
        };
        var engine = new DirectorEngine(new DirectorOptions([nic]) { Faults = faults }, IpvsRuleParser.Parse(rules, "lab.ipvs"));
        if (learnNeighbours)
        {
            for (int i = 0; i < RealServerIps.Length; i++)
            {
                engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
            }

            engine.Neighbours.Set(RouterIp, RouterMac);
        }

        return engine;
    }

    public static int RealServerOf(MacAddress mac) => Array.IndexOf(RealServerMacs, mac);

    /// <summary>A TCP segment in IPv6 in Ethernet, checksums right, optionally with extension headers in front of TCP.</summary>
    public static byte[] Tcp(
        Ipv6Address source,
        ushort sourcePort,
        Ipv6Address destination,
        ushort destinationPort,
        TcpFlags flags,
        byte hopLimit = 64,
        MacAddress? sourceMac = null,
        MacAddress? destinationMac = null,
        int payloadLength = 0,
        byte? extensionType = null,
        ushort fragmentOffset = 0,
        bool moreFragments = false)
    {
        byte[] segment = new byte[20 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), (flags & TcpFlags.Ack) != 0 ? 2000u : 0);
        segment[12] = 5 << 4;
        segment[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 64240);
        for (int i = 0; i < payloadLength; i++)
        {
            segment[20 + i] = (byte)('a' + (i % 26));
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, segment));
        return Frame(source, destination, IpProtocol.Tcp, segment, hopLimit, sourceMac ?? RouterMac, destinationMac ?? DirectorMac, extensionType, fragmentOffset, moreFragments);
    }

    /// <summary>A UDP datagram in IPv6 in Ethernet; checksum right unless given.</summary>
    public static byte[] Udp(Ipv6Address source, ushort sourcePort, Ipv6Address destination, ushort destinationPort, MacAddress? sourceMac = null, ushort? checksum = null)
    {
        byte[] datagram = new byte[8 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        "ping"u8.CopyTo(datagram.AsSpan(8));
        ushort sum = checksum ?? Checksum.ComputeTransport(source, destination, IpProtocol.Udp, datagram);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(6), checksum is null && sum == 0 ? (ushort)0xFFFF : sum);
        return Frame(source, destination, IpProtocol.Udp, datagram, 64, sourceMac ?? RouterMac, DirectorMac, null, 0, false);
    }

    /// <summary>A neighbour solicitation for <paramref name="target"/> from <paramref name="senderMac"/>/<paramref name="sender"/>.</summary>
    public static byte[] Solicitation(MacAddress senderMac, Ipv6Address sender, Ipv6Address target)
    {
        byte[] frame = new byte[NeighbourSolicitation.FrameLength];
        NeighbourSolicitation.WriteFrame(frame, senderMac, sender, target);
        return frame;
    }

    /// <summary>
    /// A duplicate address detection probe for <paramref name="target"/> (RFC 4862 §5.4.2): from
    /// the unspecified address, to the target's solicited-node group, without a source
    /// link-layer address option.
    /// </summary>
    public static byte[] DuplicateAddressProbe(MacAddress senderMac, Ipv6Address target)
    {
        byte[] full = Solicitation(senderMac, Ipv6Address.Any, target);
        byte[] frame = full[..(14 + 40 + NeighbourDiscoveryMessage.MinLength)];
        var ip = new Ipv6Packet(frame.AsSpan(14)) { PayloadLength = NeighbourDiscoveryMessage.MinLength };
        Span<byte> icmp = ip.Payload;
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.ComputeTransport(ip.Source, ip.Destination, IpProtocol.Icmpv6, icmp));
        return frame;
    }

    /// <summary>
    /// An ICMPv6 error (type <paramref name="type"/>, code 0, <paramref name="word"/> after the
    /// checksum: the MTU of a packet too big) from <paramref name="source"/> to
    /// <paramref name="destination"/>, quoting the IPv6 packet of <paramref name="quotedFrame"/>.
    /// </summary>
    public static byte[] Icmpv6Error(Ipv6Address source, Ipv6Address destination, byte type, uint word, byte[] quotedFrame, MacAddress sourceMac)
    {
        byte[] quote = quotedFrame[14..];
        byte[] message = new byte[8 + quote.Length];
        message[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), word);
        quote.CopyTo(message, 8);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), Checksum.ComputeTransport(source, destination, IpProtocol.Icmpv6, message));
        return Frame(source, destination, IpProtocol.Icmpv6, message, 64, sourceMac, DirectorMac, null, 0, false);
    }

    /// <summary>A real server's answer to the director's solicitation.</summary>
    public static byte[] Advertisement(MacAddress senderMac, Ipv6Address target)
    {
        byte[] frame = new byte[NeighbourAdvertisement.FrameLength];
        NeighbourAdvertisement.WriteSolicitedFrame(frame, senderMac, target, DirectorMac, DirectorIp);
        return frame;
    }

    /// <summary>True when the TCP or UDP checksum of the IPv6 packet in <paramref name="frame"/> (no extension headers) verifies.</summary>
    public static bool TransportChecksumVerifies(ReadOnlySpan<byte> frame)
    {
        var ip = new Ipv6Packet(frame[14..].ToArray());
        Span<byte> payload = ip.Payload[..ip.PayloadLength];
        return Checksum.Finish(Checksum.Add(payload, Checksum.PseudoHeaderSum(ip.Source, ip.Destination, ip.NextHeader, payload.Length))) == 0;
    }

    // One 8-byte extension header in front of the transport when asked: destination options or
    // hop-by-hop (a PadN option), a fragment header, or any other type (its bytes zero).
    private static byte[] Frame(Ipv6Address source, Ipv6Address destination, byte protocol, byte[] transport, byte hopLimit, MacAddress sourceMac, MacAddress destinationMac, byte? extensionType, ushort fragmentOffset, bool moreFragments)
    {
        int extension = extensionType is null ? 0 : 8;
        byte[] frame = new byte[14 + 40 + extension + transport.Length];
        destinationMac.WriteTo(frame);
        sourceMac.WriteTo(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EtherType.Ipv6);
        if (extensionType is { } type)
        {
            frame[54] = protocol;
            if (type == IpProtocol.Ipv6Fragment)
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(56), (ushort)((fragmentOffset << 3) | (moreFragments ? 1 : 0)));
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(58), 0x1234);
            }
            else
            {
                frame[56] = 1;
                frame[57] = 4;
            }
        }

        _ = Ipv6Packet.WriteHeader(frame.AsSpan(14), 0, (ushort)(extension + transport.Length), extensionType ?? protocol, hopLimit, source, destination);
        transport.CopyTo(frame.AsSpan(54 + extension));
        return frame;
    }
}
