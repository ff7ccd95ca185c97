using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Xdp.Tests;

public class XdpPlanTests
{
    private static readonly HostInterface Lan = new("eth0", MacAddress.Parse("02:00:00:00:00:03"), Ipv4Address.Parse("10.77.1.3"), 24);

    private static readonly Dictionary<Ipv4Address, MacAddress> Macs = new()
    {
        [Ipv4Address.Parse("10.77.1.11")] = MacAddress.Parse("02:00:00:00:00:11"),
        [Ipv4Address.Parse("10.77.1.12")] = MacAddress.Parse("02:00:00:00:00:12"),
        [Ipv4Address.Parse("10.77.1.13")] = MacAddress.Parse("02:00:00:00:00:13"),
    };

    private static string Translate(string rules) =>
        XdpPlan.Translate(IpvsRuleParser.Parse(rules, "rules.ipvs"), new RuleLines(rules, "rules.ipvs"), Lan, Macs);

    private static IReadOnlyList<string> Refusals(string rules) =>
        Assert.Throws<RulesTranslationException>(() => Translate(rules)).Reasons;

    [Fact]
    public void ADrServiceBecomesAServiceEntryAndOneSlotPerRealServerUnderRr()
    {
        var plan = Translate("""
            -A -t 10.77.1.100:80 -s rr
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
            -a -t 10.77.1.100:80 -r 10.77.1.12:80 -g -w 5
            """);
        Assert.Equal(
            """
            # Written by lvs-xdp from ipvsadm-save rules.
            service 10.77.1.100 80 tcp flow 0 2
            slot 0 02:00:00:00:00:11
            slot 1 02:00:00:00:00:12

            """.ReplaceLineEndings("\n"),
            plan.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void WrrRepeatsEachServerByItsWeightInterleavedAndServicesFollowOneAnotherInTheRing()
    {
        var plan = Translate("""
            -A -u 10.77.1.100:5353 -s wrr
            -a -u 10.77.1.100:5353 -r 10.77.1.11:5353 -g -w 6
            -a -u 10.77.1.100:5353 -r 10.77.1.12:5353 -g -w 4
            -a -u 10.77.1.100:5353 -r 10.77.1.13:5353 -g -w 2
            -A -t 10.77.1.100:80 -s sh
            -a -t 10.77.1.100:80 -r 10.77.1.13:80 -g -w 1
            """);
        var lines = plan.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        // Weights 6:4:2 over their divisor 2 are 3:2:1, sent as 11 12 13, 11 12, 11.
        Assert.Equal(
            [
                "service 10.77.1.100 5353 udp flow 0 6",
                "slot 0 02:00:00:00:00:11", "slot 1 02:00:00:00:00:12", "slot 2 02:00:00:00:00:13",
                "slot 3 02:00:00:00:00:11", "slot 4 02:00:00:00:00:12", "slot 5 02:00:00:00:00:11",
                "service 10.77.1.100 80 tcp source 6 1",
                "slot 6 02:00:00:00:00:13",
            ],
            lines);
    }

    [Fact]
    public void AServerOfWeightZeroTakesNoSlotAndNeedsNoMac()
    {
        var plan = Translate("""
            -A -t 10.77.1.100:80 -s wrr
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
            -a -t 10.77.1.100:80 -r 10.77.1.99:80 -g -w 0
            """);
        Assert.Contains("service 10.77.1.100 80 tcp flow 0 1\nslot 0 02:00:00:00:00:11\n", plan.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void EverythingButDrWithRrWrrOrShIsRefusedWithItsLine()
    {
        var reasons = Refusals("""
            -A -t 10.77.1.100:80 -s lc
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
            -A -t 10.77.1.100:443 -s rr -p 60
            -a -t 10.77.1.100:443 -r 10.77.1.11:443 -g -w 1
            -A -u 10.77.1.100:53 -s rr
            -a -u 10.77.1.100:53 -r 10.77.1.12:53 -m -w 1
            -A -t 10.77.1.100:8080 -s rr
            -a -t 10.77.1.100:8080 -r 10.77.9.1:8080 -g -w 1
            -a -t 10.77.1.100:8080 -r 10.77.1.50:8080 -g -w 1
            """);
        Assert.Equal(
            [
                "rules.ipvs:1: service -t 10.77.1.100:80: -s lc is not supported by the XDP forwarder (rr, wrr, sh, each by a hash)",
                "rules.ipvs:3: service -t 10.77.1.100:443: persistence (-p) is not supported by the XDP forwarder (no connection table)",
                "rules.ipvs:6: real server 10.77.1.12:53 of -u 10.77.1.100:53: only direct routing (-g) is supported by the XDP forwarder, not masquerading (-m)",
                "rules.ipvs:8: real server 10.77.9.1:8080 of -t 10.77.1.100:8080: not on eth0's subnet (10.77.1.3/24); DR sends the frame back out of that link",
                "rules.ipvs:9: real server 10.77.1.50:8080 of -t 10.77.1.100:8080: no MAC known (it did not answer ARP)",
            ],
            reasons);
    }
}
