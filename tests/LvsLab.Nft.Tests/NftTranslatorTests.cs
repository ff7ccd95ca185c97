using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Nft.Tests;

public class NftTranslatorTests
{
    private static readonly HostInterface Lan = new("eth0", MacAddress.Parse("02:00:00:00:00:03"), Ipv4Address.Parse("10.77.1.3"), 24);
    private static readonly HostInterface Back = new("eth1", MacAddress.Parse("02:00:00:00:01:03"), Ipv4Address.Parse("10.77.3.3"), 24);

    private static readonly Dictionary<Ipv4Address, MacAddress> Macs = new()
    {
        [Ipv4Address.Parse("10.77.1.11")] = MacAddress.Parse("02:00:00:00:00:11"),
        [Ipv4Address.Parse("10.77.1.12")] = MacAddress.Parse("02:00:00:00:00:12"),
    };

    private static string Translate(string rules, params HostInterface[] interfaces) =>
        NftTranslator.Translate(IpvsRuleParser.Parse(rules, "rules.ipvs"), new RuleLines(rules, "rules.ipvs"), interfaces, Macs);

    [Fact]
    public void DrBecomesANetdevFlowMapThatRewritesTheMacsAndForwards()
    {
        string script = Translate("""
            -A -t 10.77.1.100:80 -s rr
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
            -a -t 10.77.1.100:80 -r 10.77.1.12:80 -g -w 1
            """, Lan);
        Assert.Equal(
            """
            # Written by lvs-nft from ipvsadm-save rules.
            table netdev lvs-eth0
            delete table netdev lvs-eth0
            table netdev lvs-eth0 {
                map flows0 { type ipv4_addr . inet_service : ether_addr; flags dynamic, timeout; timeout 900s; }
                chain flows0-forward {
                    ip daddr 10.77.1.100 tcp dport 80 ether daddr set ip saddr . tcp sport map @flows0 update @flows0 { ip saddr . tcp sport : ether daddr } ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip daddr 10.77.1.100 tcp dport 80 tcp flags & (syn | ack) == syn ether daddr set numgen inc mod 2 map { 0 : 02:00:00:00:00:11, 1 : 02:00:00:00:00:12 } update @flows0 { ip saddr . tcp sport : ether daddr } ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip daddr 10.77.1.100 tcp dport 80 drop
                }
                chain ingress {
                    type filter hook ingress device "eth0" priority 0; policy accept;
                    jump flows0-forward
                }
            }

            """.ReplaceLineEndings("\n"),
            script);
    }

    [Fact]
    public void NatBecomesDnatOverAMapWithWrrWeightsAsRepeatsAndDrainedServersLeftOut()
    {
        string script = Translate("""
            -A -t 10.77.2.100:80 -s wrr
            -a -t 10.77.2.100:80 -r 10.77.3.11:8080 -m -w 2
            -a -t 10.77.2.100:80 -r 10.77.3.12:8080 -m -w 1
            -a -t 10.77.2.100:80 -r 10.77.3.13:8080 -m -w 0
            -A -u 10.77.2.100:53 -s sh
            -a -u 10.77.2.100:53 -r 10.77.3.11:5353 -m
            """, Back);
        Assert.Contains(
            "ip daddr 10.77.2.100 tcp dport 80 dnat ip to numgen inc mod 3 map { 0 : 10.77.3.11 . 8080, 1 : 10.77.3.11 . 8080, 2 : 10.77.3.12 . 8080 }",
            script,
            StringComparison.Ordinal);
        Assert.Contains("ip daddr 10.77.2.100 udp dport 53 dnat ip to jhash ip saddr mod 1 map { 0 : 10.77.3.11 . 5353 }", script, StringComparison.Ordinal);
        Assert.Contains("type nat hook prerouting priority dstnat; policy accept;", script, StringComparison.Ordinal);
        Assert.DoesNotContain("10.77.3.13", script, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatNftablesCannotDoIsRefusedWithEveryReason()
    {
        var error = Assert.Throws<RulesTranslationException>(() => Translate("""
            -A -t 10.77.1.100:80 -s lc -p 60
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g
            -A -t 10.77.1.100:81 -s rr
            -a -t 10.77.1.100:81 -r 10.78.0.12:81 -i
            -A -t 10.77.1.100:82 -s rr
            -a -t 10.77.1.100:82 -r 10.77.1.99:82 -g
            -A -f 1 -s rr
            -a -f 1 -r 10.77.1.11:0 -g
            """, Lan));
        Assert.Equal(
            [
                "rules.ipvs:1: service -t 10.77.1.100:80: persistence (-p) is not translated",
                "rules.ipvs:1: service -t 10.77.1.100:80: -s lc is not translated (nftables forwarder: rr, wrr, sh)",
                "rules.ipvs:3: service -t 10.77.1.100:81: tunnelling (-i) is not translated (no IP-in-IP in the nftables forwarder)",
                "rules.ipvs:5: service -t 10.77.1.100:82: no MAC known for real server(s) 10.77.1.99 (they did not answer ARP)",
                "rules.ipvs:7: service -f 1: firewall-mark services are not translated",
            ],
            error.Reasons);
    }

    [Fact]
    public void DrServersOffTheForwardersLinksAreRefused()
    {
        var error = Assert.Throws<RulesTranslationException>(() => Translate("-A -t 10.77.1.100:80 -s rr\n-a -t 10.77.1.100:80 -r 10.77.1.11:80 -g", Back));
        Assert.Contains("DR real servers must share one of the forwarder's links (eth1 10.77.3.3/24)", error.Message, StringComparison.Ordinal);
    }
}
