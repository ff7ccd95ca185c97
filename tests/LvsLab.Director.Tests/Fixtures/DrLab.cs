using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>The addresses of a small DR lab: one client, one director, three real servers.</summary>
internal static class DrLab
{
    public const string DefaultRules = """
        # A TCP web service and a UDP DNS service on the same VIP.
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
        -A -u 10.0.0.100:53 -s rr
        -a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 1
        -a -u 10.0.0.100:53 -r 10.0.0.12:53 -g -w 1
        """;

    public static readonly MacAddress DirectorMac = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly Ipv4Address DirectorIp = Ipv4Address.Parse("10.0.0.2");
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.0.0.100");
    public static readonly MacAddress ClientMac = MacAddress.Parse("02:00:00:00:00:50");
    public static readonly Ipv4Address ClientIp = Ipv4Address.Parse("10.0.0.50");
    public static readonly Ipv4Address OtherIp = Ipv4Address.Parse("10.0.0.77");

    public static readonly Ipv4Address[] RealServerIps =
    [
        Ipv4Address.Parse("10.0.0.11"),
        Ipv4Address.Parse("10.0.0.12"),
        Ipv4Address.Parse("10.0.0.13"),
    ];

    public static readonly MacAddress[] RealServerMacs =
    [
        MacAddress.Parse("02:00:00:00:01:11"),
        MacAddress.Parse("02:00:00:00:01:12"),
        MacAddress.Parse("02:00:00:00:01:13"),
    ];

    public static DirectorEngine Engine(string rules = DefaultRules, bool learnNeighbours = true)
    {
        var engine = new DirectorEngine(new DirectorOptions(DirectorMac, DirectorIp), IpvsRuleParser.Parse(rules, "lab.ipvs"));
        if (learnNeighbours)
        {
            for (int i = 0; i < RealServerIps.Length; i++)
            {
                engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
            }
        }

        return engine;
    }

    public static int RealServerOf(MacAddress mac) => Array.IndexOf(RealServerMacs, mac);

    public static void AssertCountedOnce(DirectorCounters counters)
    {
        Xunit.Assert.Equal(
            counters.FramesIn,
            counters.Ignored + counters.ForwardedPackets + counters.ArpReplies + counters.Dropped);
    }
}
