using LvsLab.Director.Rules;
using LvsLab.Packets;
using PacketDotNet;
using Xunit;

using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// A two-port LVS-NAT director: port 0 "ext" on the clients' side (10.1.0.0/24, gateway
/// 10.1.0.1 towards remote clients, the VIP 10.1.0.100 on this subnet), port 1 "int" on the
/// real servers' side (10.2.0.0/24; the DIP 10.2.0.1 is the real servers' default gateway).
/// </summary>
internal static class NatLab
{

    public const string Rules = """
        # Web with port mapping 80 -> 8080, DNS with one server mapped 53 -> 5353, and a DR service.
        -A -t 10.1.0.100:80 -s rr
        -a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 1
        -a -t 10.1.0.100:80 -r 10.2.0.12:8080 -m -w 1
        -A -u 10.1.0.100:53 -s rr
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
        -A -t 10.1.0.100:443 -s rr
        -a -t 10.1.0.100:443 -r 10.1.0.21:443 -g -w 1
        """;

    public static DirectorOptions Options(bool withGateway = true) => new(
    [
        new DirectorInterface("ext", ExtMac, ExtIp, 24, withGateway ? RouterIp : null),
        new DirectorInterface("int", IntMac, IntIp, 24),
    ]);

    public static DirectorEngine Engine(bool learnServers = true, bool withGateway = true, string rules = Rules)
    {
        var engine = new DirectorEngine(Options(withGateway), IpvsRuleParser.Parse(rules, "nat.ipvs"));
        if (learnServers)
        {
            engine.Neighbours.Set(Rs1, Rs1Mac);
            engine.Neighbours.Set(Rs2, Rs2Mac);
            engine.Neighbours.Set(DrServer, DrServerMac);
        }

        return engine;
    }

    /// <summary>That segment as the director sends it to a real server: destination rewritten, TTL - 1, out the int port.</summary>
    public static byte[] ToServer(Ipv4Address rip, MacAddress ripMac, ushort ripPort, ushort clientPort, TcpFlags flags, byte[]? payload = null, Ipv4Address? client = null, byte ttl = 63) =>
        Frames.Tcp(client ?? ClientIp, clientPort, rip, ripPort, flags, ttl, IntMac, ripMac, payload);

    /// <summary>A TCP segment from a real server to a client, as it arrives on the int port.</summary>
    public static byte[] FromServer(Ipv4Address rip, MacAddress ripMac, ushort ripPort, ushort clientPort, TcpFlags flags, byte[]? payload = null, Ipv4Address? client = null, byte ttl = 64) =>
        Frames.Tcp(rip, ripPort, client ?? ClientIp, clientPort, flags, ttl, ripMac, IntMac, payload);

    /// <summary>That segment as the director sends it to the client: source VIP:VPORT, TTL - 1, out the ext port.</summary>
    public static byte[] ToClient(ushort vipPort, ushort clientPort, TcpFlags flags, byte[]? payload = null, Ipv4Address? client = null, MacAddress? nextHopMac = null, byte ttl = 63) =>
        Frames.Tcp(Vip, vipPort, client ?? ClientIp, clientPort, flags, ttl, ExtMac, nextHopMac ?? ClientMac, payload);

    /// <summary>
    /// Checks a forwarded IPv4 frame with PacketDotNet as an independent oracle: the IPv4 header
    /// checksum and the TCP or UDP checksum verify (a UDP checksum of 0 means none).
    /// </summary>
    public static void AssertChecksumsValid(ReadOnlySpan<byte> frame)
    {
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());
        IPv4Packet ip = packet.Extract<IPv4Packet>();
        Assert.NotNull(ip);
        Assert.True(ip.ValidIPChecksum, "IPv4 header checksum (PacketDotNet)");
        if (packet.Extract<TcpPacket>() is { } tcp)
        {
            Assert.True(tcp.ValidTcpChecksum, "TCP checksum (PacketDotNet)");
        }
        else if (packet.Extract<UdpPacket>() is { } udp && udp.Checksum != 0)
        {
            Assert.True(udp.ValidUdpChecksum, "UDP checksum (PacketDotNet)");
        }
    }
}
