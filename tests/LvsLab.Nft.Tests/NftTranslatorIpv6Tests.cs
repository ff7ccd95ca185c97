using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Nft.Tests;

/// <summary>IPv6 services: the same DR and NAT as IPv4 in the ip6 words, and the refusals IPv6 adds.</summary>
public class NftTranslatorIpv6Tests
{
    private static readonly HostInterface Lan = new("eth0", MacAddress.Parse("02:00:00:00:00:03"), Ipv4Address.Parse("10.77.1.3"), 24)
    {
        Address6 = Ipv6Address.Parse("fd00:10:77:1::3"),
        PrefixLength6 = 64,
    };

    private static readonly HostInterface Back = new("eth1", MacAddress.Parse("02:00:00:00:01:03"), Ipv4Address.Parse("10.77.3.3"), 24)
    {
        Address6 = Ipv6Address.Parse("fd00:10:77:3::3"),
    };

    private static readonly Dictionary<Ipv4Address, MacAddress> Macs = new()
    {
        [Ipv4Address.Parse("10.77.1.11")] = MacAddress.Parse("02:00:00:00:00:11"),
        [Ipv4Address.Parse("10.77.1.12")] = MacAddress.Parse("02:00:00:00:00:12"),
    };

    private static readonly Dictionary<Ipv6Address, MacAddress> Macs6 = new()
    {
        [Ipv6Address.Parse("fd00:10:77:1::11")] = MacAddress.Parse("02:00:00:00:06:11"),
        [Ipv6Address.Parse("fd00:10:77:1::12")] = MacAddress.Parse("02:00:00:00:06:12"),
    };

    private const string DrRules = """
        -A -t [fd00:10:77:1::100]:80 -s rr
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g -w 1
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::12]:80 -g -w 1
        """;

    private const string NatRules = """
        -A -t [fd00:10:77:2::100]:80 -s wrr
        -a -t [fd00:10:77:2::100]:80 -r [fd00:10:77:3::11]:8080 -m -w 2
        -a -t [fd00:10:77:2::100]:80 -r [fd00:10:77:3::12]:8080 -m -w 1
        -a -t [fd00:10:77:2::100]:80 -r [fd00:10:77:3::13]:8080 -m -w 0
        -A -u [fd00:10:77:2::100]:53 -s sh
        -a -u [fd00:10:77:2::100]:53 -r [fd00:10:77:3::11]:5353 -m
        """;

    private static string Translate(string rules, params HostInterface[] interfaces) =>
        NftTranslator.Translate(IpvsRuleParser.Parse(rules, "rules.ipvs"), new RuleLines(rules, "rules.ipvs"), interfaces, Macs, Macs6);

    private static IReadOnlyList<string> Refuse(string rules, params HostInterface[] interfaces) =>
        Assert.Throws<RulesTranslationException>(() => Translate(rules, interfaces)).Reasons;

    [Fact]
    public void Ipv6DrBecomesANetdevChainWithAFlowSetPerRealServerMacThatRewritesTheMacsAndForwards()
    {
        // A known flow (ip6 saddr . tcp sport in a server's set) follows it; a bare SYN is
        // scheduled, then remembered in the set of the MAC it was given; anything else is dropped.
        Assert.Equal(
            """
            # Written by lvs-nft from ipvsadm-save rules.
            table netdev lvs-eth0
            delete table netdev lvs-eth0
            table netdev lvs-eth0 {
                set flows0-dest0 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 900s; }
                set flows0-dest1 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 900s; }
                chain flows0-forward {
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 ip6 saddr . tcp sport @flows0-dest0 update @flows0-dest0 { ip6 saddr . tcp sport } ether daddr set 02:00:00:00:06:11 ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 ip6 saddr . tcp sport @flows0-dest1 update @flows0-dest1 { ip6 saddr . tcp sport } ether daddr set 02:00:00:00:06:12 ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 tcp flags & (syn | ack) == syn ether daddr set numgen inc mod 2 map { 0 : 02:00:00:00:06:11, 1 : 02:00:00:00:06:12 }
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 tcp flags & (syn | ack) == syn ether daddr 02:00:00:00:06:11 update @flows0-dest0 { ip6 saddr . tcp sport } ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 tcp flags & (syn | ack) == syn ether daddr 02:00:00:00:06:12 update @flows0-dest1 { ip6 saddr . tcp sport } ether saddr set 02:00:00:00:00:03 fwd to "eth0"
                    ip6 daddr fd00:10:77:1::100 tcp dport 80 drop
                }
                chain ingress {
                    type filter hook ingress device "eth0" priority 0; policy accept;
                    jump flows0-forward
                }
            }

            """.ReplaceLineEndings("\n"),
            Translate(DrRules, Back, Lan));
    }

    [Fact]
    public void Ipv6DrWithShHashesTheClientsIpv6AddressAndUdpFlowsLiveFiveMinutesFromAnyDatagram()
    {
        string script = Translate("""
            -A -u [fd00:10:77:1::100]:53 -s sh
            -a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:1::11]:53 -g
            -a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:1::12]:53 -g
            """, Lan);
        Assert.Contains("    set flows0-dest1 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 300s; }\n", script, StringComparison.Ordinal);
        Assert.Contains(
            "        ip6 daddr fd00:10:77:1::100 udp dport 53 ether daddr set jhash ip6 saddr mod 2 map { 0 : 02:00:00:00:06:11, 1 : 02:00:00:00:06:12 }\n"
            + "        ip6 daddr fd00:10:77:1::100 udp dport 53 ether daddr 02:00:00:00:06:11 update @flows0-dest0 { ip6 saddr . udp sport } ether saddr set 02:00:00:00:00:03 fwd to \"eth0\"\n",
            script,
            StringComparison.Ordinal);
        Assert.DoesNotContain("ip saddr", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6WrrRepeatsEachServerByItsWeightAndServersSharingAMacShareOneFlowSet()
    {
        // Two addresses of one host (one MAC) are one destination: its set and its rules once.
        var macs6 = new Dictionary<Ipv6Address, MacAddress>(Macs6) { [Ipv6Address.Parse("fd00:10:77:1::13")] = MacAddress.Parse("02:00:00:00:06:11") };
        const string Rules = """
            -A -t [fd00:10:77:1::100]:443 -s wrr
            -a -t [fd00:10:77:1::100]:443 -r [fd00:10:77:1::11]:443 -g -w 2
            -a -t [fd00:10:77:1::100]:443 -r [fd00:10:77:1::12]:443 -g -w 1
            -a -t [fd00:10:77:1::100]:443 -r [fd00:10:77:1::13]:443 -g -w 1
            """;
        string script = NftTranslator.Translate(IpvsRuleParser.Parse(Rules, "rules.ipvs"), new RuleLines(Rules, "rules.ipvs"), [Lan], Macs, macs6);
        Assert.Contains(
            "ether daddr set numgen inc mod 4 map { 0 : 02:00:00:00:06:11, 1 : 02:00:00:00:06:11, 2 : 02:00:00:00:06:12, 3 : 02:00:00:00:06:11 }\n",
            script,
            StringComparison.Ordinal);
        Assert.Contains("set flows0-dest1 {", script, StringComparison.Ordinal);
        Assert.DoesNotContain("flows0-dest2", script, StringComparison.Ordinal);
        Assert.Single(script.Split('\n'), line => line.Contains("ether daddr 02:00:00:00:06:11 update", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6NatBecomesDnatIp6InAnIp6TableWithWrrWeightsAsRepeatsAndDrainedServersLeftOut()
    {
        Assert.Equal(
            """
            # Written by lvs-nft from ipvsadm-save rules.
            table ip6 lvs
            delete table ip6 lvs
            table ip6 lvs {
                chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
                    ip6 daddr fd00:10:77:2::100 tcp dport 80 dnat ip6 to numgen inc mod 3 map { 0 : fd00:10:77:3::11 . 8080, 1 : fd00:10:77:3::11 . 8080, 2 : fd00:10:77:3::12 . 8080 }
                    ip6 daddr fd00:10:77:2::100 udp dport 53 dnat ip6 to jhash ip6 saddr mod 1 map { 0 : fd00:10:77:3::11 . 5353 }
                }
            }

            """.ReplaceLineEndings("\n"),
            Translate(NatRules, Back));
    }

    [Fact]
    public void ADualStackRuleSetKeepsTheIpv4TextAndAddsTheIpv6BesideIt()
    {
        const string Ipv4Rules = """
            -A -t 10.77.1.100:80 -s rr
            -a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1
            -A -t 10.77.2.100:80 -s rr
            -a -t 10.77.2.100:80 -r 10.77.3.11:8080 -m
            """;
        string ipv4Only = NftTranslator.Translate(IpvsRuleParser.Parse(Ipv4Rules, "rules.ipvs"), new RuleLines(Ipv4Rules, "rules.ipvs"), [Lan, Back], Macs);
        string both = Translate(Ipv4Rules + "\n" + DrRules + "\n" + NatRules, Lan, Back);

        // The IPv4 service's flow map is flows0 and its chain is as before; the IPv6 one is flows1
        // in the same table, jumped to after it; ip lvs is unchanged and ip6 lvs follows it.
        string ipv4Netdev = ipv4Only[..ipv4Only.IndexOf("    chain ingress", StringComparison.Ordinal)];
        string ipv4Nat = ipv4Only[ipv4Only.IndexOf("table ip lvs", StringComparison.Ordinal)..];
        string flows1Sets = "    set flows1-dest0 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 900s; }\n    set flows1-dest1 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 900s; }\n";
        Assert.StartsWith(ipv4Netdev.Replace("    chain flows0-forward", flows1Sets + "    chain flows0-forward", StringComparison.Ordinal), both, StringComparison.Ordinal);
        Assert.Contains("        jump flows0-forward\n        jump flows1-forward\n", both, StringComparison.Ordinal);
        Assert.Contains("ip6 daddr fd00:10:77:1::100 tcp dport 80 ip6 saddr . tcp sport @flows1-dest0 update @flows1-dest0", both, StringComparison.Ordinal);
        Assert.Contains(ipv4Nat + "table ip6 lvs\n", both, StringComparison.Ordinal);
        Assert.EndsWith("dnat ip6 to jhash ip6 saddr mod 1 map { 0 : fd00:10:77:3::11 . 5353 }\n    }\n}\n", both, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIpv6DrServerWithoutANeighbourEntryIsRefusedNamingTheServiceLine()
    {
        IReadOnlyList<string> reasons = Refuse("""
            -A -t [fd00:10:77:1::100]:80 -s rr
            -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g
            -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::99]:80 -g
            """, Lan);
        Assert.Equal(
            ["rules.ipvs:1: service -t [fd00:10:77:1::100]:80: no MAC known for IPv6 real server(s) fd00:10:77:1::99 (not in the IPv6 neighbour table: they did not answer neighbour solicitation, or no --neigh6 was given)"],
            reasons);
    }

    [Fact]
    public void WithoutAnIpv6NeighbourTableAnIpv6DrServiceIsRefused()
    {
        var error = Assert.Throws<RulesTranslationException>(() =>
            NftTranslator.Translate(IpvsRuleParser.Parse(DrRules, "rules.ipvs"), new RuleLines(DrRules, "rules.ipvs"), [Lan], Macs));
        Assert.Contains("no MAC known for IPv6 real server(s) fd00:10:77:1::11, fd00:10:77:1::12", Assert.Single(error.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6DrServersOffTheForwardersIpv6LinksAreRefusedNamingEachInterfacesIpv6Subnet()
    {
        HostInterface ipv4Only = Lan with { Address6 = null };
        HostInterface otherPrefix = Lan with { Name = "eth2", PrefixLength6 = 80 };
        Assert.Equal(
            ["rules.ipvs:1: service -t [fd00:10:77:1::100]:80: DR real servers must share one of the forwarder's IPv6 links (eth0 without IPv6, eth1 fd00:10:77:3::3/64)"],
            Refuse(DrRules, ipv4Only, Back));

        // fd00:10:77:1::11 is not in fd00:10:77:1::/80 (its 65th..80th bits are not the forwarder's).
        Assert.Contains("(eth2 fd00:10:77:1::3/80)", Assert.Single(Refuse(DrRules.Replace("1::12]", "1:1::12]", StringComparison.Ordinal), otherPrefix)), StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6ServicesAreRefusedForWhatIpv4OnesAreRefusedForNamingTheirLines()
    {
        Assert.Equal(
            [
                "rules.ipvs:1: service -t [fd00:10:77:1::100]:80: persistence (-p) is not translated",
                "rules.ipvs:1: service -t [fd00:10:77:1::100]:80: -s lc is not translated (nftables forwarder: rr, wrr, sh)",
                "rules.ipvs:3: service -u [fd00:10:77:1::100]:53: one-packet scheduling (-o) is not translated",
                "rules.ipvs:5: service -t [fd00:10:77:1::100]:81: real servers mix forwarding methods (DirectRouting, Masquerading); the nftables forwarder needs one per service",
            ],
            Refuse("""
                -A -t [fd00:10:77:1::100]:80 -s lc -p 60
                -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g
                -A -u [fd00:10:77:1::100]:53 -s rr -o
                -a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:3::11]:53 -m
                -A -t [fd00:10:77:1::100]:81 -s rr
                -a -t [fd00:10:77:1::100]:81 -r [fd00:10:77:1::11]:81 -g
                -a -t [fd00:10:77:1::100]:81 -r [fd00:10:77:3::11]:81 -m
                """, Lan, Back));
    }

    [Fact]
    public void Ipv6TunnellingIsRefusedAsIpv6InIpv6()
    {
        Assert.Equal(
            ["rules.ipvs:1: service -t [fd00:10:77:1::100]:80: tunnelling (-i) is not translated (no IPv6-in-IPv6 in the nftables forwarder)"],
            Refuse("-A -t [fd00:10:77:1::100]:80 -s rr\n-a -t [fd00:10:77:1::100]:80 -r [fd00:10:78::12]:80 -i", Lan));
    }

    [Fact]
    public void AnIpv4ServiceTunnellingToIpv6RealServersIsRefusedNamingTheCrossFamilyServers()
    {
        Assert.Equal(
            [
                "rules.ipvs:1: service -t 10.77.1.100:80: tunnelling (-i) is not translated (no IPv4-in-IPv6 (to fd00:10:78::12) in the nftables forwarder)",
                "rules.ipvs:3: service -t 10.77.1.100:81: tunnelling (-i) is not translated (no IP-in-IP nor IPv4-in-IPv6 (to fd00:10:78::12, fd00:10:78::13) in the nftables forwarder)",
            ],
            Refuse("""
                -A -t 10.77.1.100:80 -s rr
                -a -t 10.77.1.100:80 -r [fd00:10:78::12]:80 -i
                -A -t 10.77.1.100:81 -s rr
                -a -t 10.77.1.100:81 -r 10.78.0.12:81 -i
                -a -t 10.77.1.100:81 -r [fd00:10:78::12]:81 -i
                -a -t 10.77.1.100:81 -r [fd00:10:78::13]:81 -i
                """, Lan));
    }

    [Fact]
    public void DrOrNatRealServersOfTheOtherFamilyAreRefused()
    {
        // The rules parser refuses these; a rule set built in code reaches the translator.
        var rules = new RuleSet(
        [
            new VirtualService(ServiceProtocol.Tcp, Ipv6Address.Parse("fd00:10:77:1::100"), 80, "rr", [new RealServer(Ipv4Address.Parse("10.77.1.11"), 80, ForwardingMethod.DirectRouting, 1)]),
            new VirtualService(ServiceProtocol.Tcp, Ipv4Address.Parse("10.77.2.100"), 80, "rr", [new RealServer(Ipv6Address.Parse("fd00:10:77:3::11"), 80, ForwardingMethod.Masquerading, 1)]),
        ]);
        var error = Assert.Throws<RulesTranslationException>(() => NftTranslator.Translate(rules, new RuleLines(string.Empty, "rules.ipvs"), [Lan, Back], Macs, Macs6));
        Assert.Equal(
            [
                "rules.ipvs:?: service -t [fd00:10:77:1::100]:80: real server(s) 10.77.1.11 are not IPv6 like the service: with -g the packet keeps its family (only -i crosses families)",
                "rules.ipvs:?: service -t 10.77.2.100:80: real server(s) fd00:10:77:3::11 are not IPv4 like the service: with -m the packet keeps its family (only -i crosses families)",
            ],
            error.Reasons);
    }
}
