using System.Net;
using LvsLab.Testing.Capture;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

/// <summary>
/// Frames for expectation tests, built with PacketDotNet (never with the library under test):
/// a client behind a router, a director, two real servers.
/// </summary>
internal static class Frames
{
    public const string ClientMac = "02:42:0a:00:00:02";
    public const string RouterMac = "02:42:0a:00:00:01";
    public const string DirectorMac = "02:42:0a:00:00:0b";
    public const string Rs2Mac = "02:42:0a:00:00:0c";
    public const string Rs3Mac = "02:42:0a:00:00:0d";

    public static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 40512);
    public static readonly IPEndPoint Vip = new(IPAddress.Parse("10.0.0.100"), 80);
    public static readonly IPEndPoint Rip = new(IPAddress.Parse("10.0.1.12"), 8080);
    public static readonly IPAddress Dip = IPAddress.Parse("10.0.0.11");
    public static readonly IPAddress Rs2Far = IPAddress.Parse("10.0.2.12");
    public static readonly IPAddress Rs3Far = IPAddress.Parse("10.0.2.13");

    private static readonly DateTime Start = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The client's SYN as the router hands it to the director (TTL already 63).</summary>
    public static byte[] SynAtDirector() =>
        LabWire.Tcp(RouterMac, DirectorMac, Client, Vip, 63, 1_000_000, syn: true, id: 0x2222, payload: [0x61, 0x62, 0x63]);

    /// <summary>A UDP query to the VIP at the director.</summary>
    public static byte[] UdpAtDirector() =>
        LabWire.Udp(RouterMac, DirectorMac, new IPEndPoint(Client.Address, 5000), new IPEndPoint(Vip.Address, 53), 63, [1, 2, 3, 4, 5]);

    /// <summary>The real server's SYN ACK to the client as the director receives it.</summary>
    public static byte[] SynAckFromRealServer() =>
        LabWire.Tcp(Rs2Mac, DirectorMac, Rip, Client, 64, 7_000_000, 1_000_001, syn: true, ack: true, id: 0x0101);

    /// <summary>An ARP request for the VIP.</summary>
    public static byte[] ArpForVip() =>
        LabWire.Arp(ArpOperation.Request, RouterMac, IPAddress.Parse("10.0.0.1"), "00:00:00:00:00:00", Vip.Address, "ff:ff:ff:ff:ff:ff");

    /// <summary>A copy of <paramref name="frame"/> changed through PacketDotNet (checksums not updated unless <paramref name="change"/> does).</summary>
    public static byte[] Edit(byte[] frame, Action<EthernetPacket> change)
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, (byte[])frame.Clone());
        change(ethernet);
        return ethernet.Bytes;
    }

    /// <summary>Frames as a tap would list them, 10 µs apart.</summary>
    public static List<CapturedFrame> Capture(params byte[][] frames) =>
        frames.Select((f, i) => new CapturedFrame(Start.AddTicks(i * 100), f)).ToList();
}
