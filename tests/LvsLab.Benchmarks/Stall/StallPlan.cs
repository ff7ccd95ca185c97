using LvsLab.Packets;

namespace LvsLab.Benchmarks.Stall;

/// <summary>The stall bench's addresses (all private, all on its own link) and its one UDP service.</summary>
internal static class StallPlan
{
    /// <summary>The director's address on its link.</summary>
    public const string DirectorAddress = "10.231.0.3";

    /// <summary>The VIP.</summary>
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.231.0.100");

    /// <summary>The service's port.</summary>
    public const ushort Port = 5353;

    /// <summary>The real servers (answered for by the bench, with <see cref="RealServerMac"/>).</summary>
    public static readonly Ipv4Address[] RealServers = [Ipv4Address.Parse("10.231.0.11"), Ipv4Address.Parse("10.231.0.12"), Ipv4Address.Parse("10.231.0.13")];

    /// <summary>The steady stream's client (one flow).</summary>
    public static readonly Ipv4Address SteadyClient = Ipv4Address.Parse("10.233.0.1");

    /// <summary>The rules file.</summary>
    public static string Rules =>
        $"-A -u {Vip}:{Port} -s wrr\n" + string.Concat(RealServers.Select(r => $"-a -u {Vip}:{Port} -r {r}:{Port} -g -w 1\n"));

    /// <summary>The fill's client number <paramref name="i"/>: addresses from 10.232.0.0/16, 60,000 ports each.</summary>
    public static (Ipv4Address Address, ushort Port) FillClient(int i) =>
        (new Ipv4Address((10u << 24) | (232u << 16) | (uint)(i / 60_000)), (ushort)(1024 + (i % 60_000)));

    /// <summary>A real server's MAC: 02:00:5a:00:01:NN with NN its last address byte.</summary>
    public static MacAddress RealServerMac(Ipv4Address address) =>
        MacAddress.ReadFrom([0x02, 0x00, 0x5a, 0x00, 0x01, (byte)(address.Value & 0xff)]);
}
