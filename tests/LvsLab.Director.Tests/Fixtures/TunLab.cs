using LvsLab.Director.Rules;
using LvsLab.Packets;
using PacketDotNet;
using PacketDotNet.Utils;
using Xunit;

using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// A two-port director with LVS-TUN services next to NAT and DR: port 0 "ext" on the clients'
/// side (10.1.0.0/24, gateway 10.1.0.1 towards remote clients and remote real servers; the VIP
/// 10.1.0.100 on this subnet), port 1 "int" (10.2.0.0/24) with two tunnel real servers on-link.
/// A third tunnel real server, 172.20.0.5, is in another network, reached through the gateway.
/// </summary>
internal static class TunLab
{

    public const string Rules = """
        # TUN on-link (int), TUN through the gateway, TUN UDP with an explicit tunnel type, NAT and DR.
        -A -t 10.1.0.100:80 -s rr
        -a -t 10.1.0.100:80 -r 10.2.0.11:80 -i -w 1
        -a -t 10.1.0.100:80 -r 10.2.0.12:80 -i -w 1
        -A -t 10.1.0.100:81 -s rr
        -a -t 10.1.0.100:81 -r 172.20.0.5:81 -i -w 1
        -A -u 10.1.0.100:53 -s rr
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -i --tun-type ipip -w 1
        -A -t 10.1.0.100:8080 -s rr
        -a -t 10.1.0.100:8080 -r 10.2.0.12:8080 -m -w 1
        -A -t 10.1.0.100:443 -s rr
        -a -t 10.1.0.100:443 -r 10.1.0.21:443 -g -w 1
        """;

    public static readonly Ipv4Address RemoteRs = Ipv4Address.Parse("172.20.0.5");

    public static DirectorOptions Options(int extMtu = DirectorInterface.DefaultMtu, int intMtu = DirectorInterface.DefaultMtu) => new(
    [
        new DirectorInterface("ext", ExtMac, ExtIp, 24, RouterIp) { Mtu = extMtu },
        new DirectorInterface("int", IntMac, IntIp, 24) { Mtu = intMtu },
    ]);

    /// <summary>The engine; with <paramref name="learn"/>, the real servers', the DR server's and the router's MACs are known (not the clients').</summary>
    public static DirectorEngine Engine(bool learn = true, int extMtu = DirectorInterface.DefaultMtu, int intMtu = DirectorInterface.DefaultMtu)
    {
        var engine = new DirectorEngine(Options(extMtu, intMtu), IpvsRuleParser.Parse(Rules, "tun.ipvs"));
        if (learn)
        {
            engine.Neighbours.Set(Rs1, Rs1Mac);
            engine.Neighbours.Set(Rs2, Rs2Mac);
            engine.Neighbours.Set(DrServer, DrServerMac);
            engine.Neighbours.Set(RouterIp, RouterMac);
        }

        return engine;
    }

    /// <summary>A SYN whose IPv4 packet is exactly <paramref name="ipLength"/> bytes long (DF set unless told).</summary>
    public static byte[] SynOfLength(int ipLength, bool dontFragment = true, ushort clientPort = 40000, ushort vipPort = 80, Ipv4Address? client = null, MacAddress? clientMac = null)
    {
        byte[] frame = FromClient(clientPort, vipPort, TcpFlags.Syn, new byte[ipLength - 40], client, clientMac);
        return dontFragment ? frame : WithoutDf(frame);
    }

    /// <summary>A copy with DF cleared (IPv4 header checksum recomputed).</summary>
    public static byte[] WithoutDf(byte[] frame) => Frames.WithIp(frame, f => f[20] &= 0xBF);

    /// <summary>The IPv4 packet inside a frame, without Ethernet padding.</summary>
    public static byte[] InnerPacket(byte[] frame)
    {
        int totalLength = (frame[16] << 8) | frame[17];
        return frame[14..(14 + totalLength)];
    }

    /// <summary>
    /// <paramref name="clientFrame"/> as the director tunnels it, built with PacketDotNet: the
    /// client's IPv4 packet unchanged inside an outer header (TOS and DF copied, TTL 64,
    /// protocol 4, identification <paramref name="id"/>) from <paramref name="outerSource"/> to
    /// <paramref name="rip"/>, in an Ethernet frame from <paramref name="sourceMac"/> to <paramref name="nextHopMac"/>.
    /// </summary>
    public static byte[] Tunnelled(byte[] clientFrame, Ipv4Address outerSource, Ipv4Address rip, MacAddress sourceMac, MacAddress nextHopMac, ushort id = 0)
    {
        byte[] inner = InnerPacket(clientFrame);
        var innerIp = new IPv4Packet(new ByteArraySegment(inner));
        var outer = new IPv4Packet(Frames.Address(outerSource), Frames.Address(rip))
        {
            TimeToLive = 64,
            Protocol = ProtocolType.IPv4,
            Id = id,
            TypeOfService = innerIp.TypeOfService,
            FragmentFlags = innerIp.FragmentFlags & 0x2,
            PayloadData = inner,
        };
        outer.TotalLength = 20 + inner.Length;
        outer.UpdateIPChecksum();
        var ethernet = new EthernetPacket(Frames.Physical(sourceMac), Frames.Physical(nextHopMac), EthernetType.IPv4) { PayloadPacket = outer };
        return ethernet.Bytes;
    }

    /// <summary>
    /// The ICMP "fragmentation needed" the director sends about <paramref name="clientFrame"/>,
    /// built with PacketDotNet: type 3 code 4, next-hop MTU, the client's IP header and 8 bytes
    /// of its payload; from <paramref name="source"/> to the client, TTL 64, TOS 0xC0, DF clear.
    /// </summary>
    public static byte[] FragmentationNeeded(byte[] clientFrame, Ipv4Address source, ushort nextHopMtu, MacAddress sourceMac, MacAddress nextHopMac, ushort id = 0)
    {
        byte[] inner = InnerPacket(clientFrame);
        var innerIp = new IPv4Packet(new ByteArraySegment(inner));
        int headerLength = (inner[0] & 0x0F) * 4;
        int quoted = headerLength + Math.Min(8, inner.Length - headerLength);
        byte[] message = new byte[8 + quoted];
        inner.AsSpan(0, quoted).CopyTo(message.AsSpan(8));
        var icmp = new IcmpV4Packet(new ByteArraySegment(message))
        {
            TypeCode = IcmpV4TypeCode.UnreachableFragmentationNeeded,
            Id = 0,
            Sequence = nextHopMtu,
        };
        icmp.UpdateIcmpChecksum();
        var ip = new IPv4Packet(Frames.Address(source), innerIp.SourceAddress)
        {
            TimeToLive = 64,
            Protocol = ProtocolType.Icmp,
            Id = id,
            TypeOfService = 0xC0 | (innerIp.TypeOfService & 0x1E),
            FragmentFlags = 0,
            PayloadData = icmp.Bytes,
        };
        ip.TotalLength = 20 + message.Length;
        ip.UpdateIPChecksum();
        var ethernet = new EthernetPacket(Frames.Physical(sourceMac), Frames.Physical(nextHopMac), EthernetType.IPv4) { PayloadPacket = ip };
        return ethernet.Bytes;
    }

    /// <summary>
    /// Checks a tunnelled frame with PacketDotNet: outer IPv4 header checksum valid, protocol 4,
    /// TTL 64, DF as the inner packet's, and the payload byte for byte the client's IPv4 packet.
    /// </summary>
    public static void AssertTunnelled(ReadOnlySpan<byte> frame, byte[] clientFrame, Ipv4Address outerSource, Ipv4Address rip)
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());
        Assert.Equal(EthernetType.IPv4, ethernet.Type);
        var outer = new IPv4Packet(new ByteArraySegment(frame[14..].ToArray()));
        Assert.True(outer.ValidIPChecksum, "outer IPv4 header checksum (PacketDotNet)");
        Assert.Equal(ProtocolType.IPv4, outer.Protocol);
        Assert.Equal(64, outer.TimeToLive);
        Assert.Equal(Frames.Address(outerSource), outer.SourceAddress);
        Assert.Equal(Frames.Address(rip), outer.DestinationAddress);
        byte[] inner = InnerPacket(clientFrame);
        Assert.Equal(20 + inner.Length, outer.TotalLength);
        Assert.Equal(new IPv4Packet(new ByteArraySegment(inner)).FragmentFlags & 0x2, outer.FragmentFlags & 0x2);
        Assert.Equal(inner, frame[34..].ToArray());
    }

    /// <summary>
    /// Checks an ICMP "fragmentation needed" frame with PacketDotNet: IPv4 and ICMP checksums
    /// valid, type 3 code 4, the next-hop MTU, and the quoted client header + 8 bytes.
    /// </summary>
    public static void AssertFragmentationNeeded(ReadOnlySpan<byte> frame, byte[] clientFrame, ushort nextHopMtu)
    {
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());
        IPv4Packet ip = packet.Extract<IPv4Packet>();
        Assert.NotNull(ip);
        Assert.True(ip.ValidIPChecksum, "IPv4 header checksum (PacketDotNet)");
        Assert.Equal(ProtocolType.Icmp, ip.Protocol);
        IcmpV4Packet icmp = packet.Extract<IcmpV4Packet>();
        Assert.NotNull(icmp);
        Assert.True(icmp.ValidIcmpChecksum, "ICMP checksum (PacketDotNet)");
        Assert.Equal(IcmpV4TypeCode.UnreachableFragmentationNeeded, icmp.TypeCode);
        Assert.Equal(nextHopMtu, icmp.Sequence);
        byte[] inner = InnerPacket(clientFrame);
        int headerLength = (inner[0] & 0x0F) * 4;
        int quoted = headerLength + Math.Min(8, inner.Length - headerLength);
        Assert.Equal(inner[..quoted], icmp.Data);
        Assert.Equal(new IPv4Packet(new ByteArraySegment(inner)).SourceAddress, ip.DestinationAddress);
    }
}
