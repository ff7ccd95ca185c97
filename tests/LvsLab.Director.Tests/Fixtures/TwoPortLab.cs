using LvsLab.Packets;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// The two-port director's surroundings shared by the NAT and TUN fixtures: port 0 "ext" on the
/// clients' side (10.1.0.0/24, router 10.1.0.1, the VIP 10.1.0.100), port 1 "int" (10.2.0.0/24)
/// with two real servers, a DR server on ext, and the frames clients send to the VIP.
/// </summary>
internal static class TwoPortLab
{
    public const int Ext = 0;
    public const int Int = 1;

    public static readonly MacAddress ExtMac = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress IntMac = MacAddress.Parse("02:00:00:00:00:02");
    public static readonly Ipv4Address ExtIp = Ipv4Address.Parse("10.1.0.2");
    public static readonly Ipv4Address IntIp = Ipv4Address.Parse("10.2.0.1");
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.1.0.100");
    public static readonly Ipv4Address RouterIp = Ipv4Address.Parse("10.1.0.1");
    public static readonly MacAddress RouterMac = MacAddress.Parse("02:00:00:00:00:fe");
    public static readonly Ipv4Address ClientIp = Ipv4Address.Parse("10.1.0.50");
    public static readonly MacAddress ClientMac = MacAddress.Parse("02:00:00:00:00:50");
    public static readonly Ipv4Address RemoteClientIp = Ipv4Address.Parse("172.16.5.9");
    public static readonly Ipv4Address Rs1 = Ipv4Address.Parse("10.2.0.11");
    public static readonly Ipv4Address Rs2 = Ipv4Address.Parse("10.2.0.12");
    public static readonly MacAddress Rs1Mac = MacAddress.Parse("02:00:00:00:02:11");
    public static readonly MacAddress Rs2Mac = MacAddress.Parse("02:00:00:00:02:12");
    public static readonly Ipv4Address DrServer = Ipv4Address.Parse("10.1.0.21");
    public static readonly MacAddress DrServerMac = MacAddress.Parse("02:00:00:00:01:21");

    /// <summary>A TCP segment from a client (default: the on-link client) to the VIP, as it arrives on the ext port.</summary>
    public static byte[] FromClient(ushort clientPort, ushort vipPort, TcpFlags flags, byte[]? payload = null, Ipv4Address? client = null, MacAddress? clientMac = null, byte ttl = 64) =>
        Frames.Tcp(client ?? ClientIp, clientPort, Vip, vipPort, flags, ttl, clientMac ?? ClientMac, ExtMac, payload);
}
