using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

public class FirewallMarkRulesTests
{
    private const string HowtoExample =
        "iptables -t mangle -A PREROUTING -d 192.168.1.110/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1";

    private static readonly Ipv4Address Vip = Ipv4Address.Parse("192.168.1.110");

    [Fact]
    public void TheHowtoExampleGroupsHttpAndHttpsUnderOneMark()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(HowtoExample, "marks.rules");

        FirewallMarkRule rule = Assert.Single(rules.Rules);
        Assert.Equal(1, rules.Count);
        Assert.Equal(Vip, rule.Destination);
        Assert.Equal(32, rule.PrefixLength);
        Assert.Equal(ServiceProtocol.Tcp, rule.Protocol);
        Assert.Equal([new PortRange(80), new PortRange(443)], rule.DestinationPorts);
        Assert.Equal(1u, rule.Mark);
        Assert.Equal(1, rule.LineNumber);

        Assert.Equal(1u, rules.Classify(ServiceProtocol.Tcp, Vip, 80));
        Assert.Equal(1u, rules.Classify(ServiceProtocol.Tcp, Vip, 443));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Vip, 8080));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Udp, Vip, 443));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("192.168.1.111"), 80));
    }

    [Fact]
    public void ASinglePortMatchesOnlyThatPort()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "-A PREROUTING -t mangle -d 10.0.0.100 -p tcp -m tcp --dport 25 -j MARK --set-mark 7", "marks.rules");

        Assert.Equal(32, rules.Rules[0].PrefixLength);
        Assert.Equal(7u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), 25));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), 24));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), 26));
    }

    [Fact]
    public void APortRangeIncludesBothEnds()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p udp --destination-port 10000:10010 -j MARK --set-mark 0x20", "marks.rules");

        Assert.Equal([new PortRange(10000, 10010)], rules.Rules[0].DestinationPorts);
        var vip = Ipv4Address.Parse("10.0.0.100");
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Udp, vip, 9999));
        Assert.Equal(32u, rules.Classify(ServiceProtocol.Udp, vip, 10000));
        Assert.Equal(32u, rules.Classify(ServiceProtocol.Udp, vip, 10005));
        Assert.Equal(32u, rules.Classify(ServiceProtocol.Udp, vip, 10010));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Udp, vip, 10011));
    }

    [Fact]
    public void MultiportMixesPortsAndRanges()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "iptables -t mangle -A PREROUTING -p tcp -m multiport --destination-ports 21,6000:6010,8080 -j MARK --set-mark 3", "marks.rules");

        var vip = Ipv4Address.Parse("10.0.0.100");
        Assert.Equal(3u, rules.Classify(ServiceProtocol.Tcp, vip, 21));
        Assert.Equal(3u, rules.Classify(ServiceProtocol.Tcp, vip, 6005));
        Assert.Equal(3u, rules.Classify(ServiceProtocol.Tcp, vip, 8080));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, vip, 22));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, vip, 6011));
    }

    [Fact]
    public void ASubnetDestinationMatchesEveryAddressInIt()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "iptables -t mangle -A PREROUTING -d 10.1.2.0/24 -j MARK --set-mark 5", "marks.rules");

        Assert.Equal(5u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.1.2.0"), 80));
        Assert.Equal(5u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Parse("10.1.2.255"), 53));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.1.3.1"), 80));
        Assert.Equal(0u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.1.1.255"), 80));
    }

    [Fact]
    public void HostBitsBeyondThePrefixAreDroppedAsIptablesDoes()
    {
        FirewallMarkRule rule = FirewallMarkRules.Parse(
            "-A PREROUTING -d 10.1.2.77/24 -j MARK --set-mark 5", "marks.rules").Rules[0];

        Assert.Equal(Ipv4Address.Parse("10.1.2.0"), rule.Destination);
        Assert.Equal(24, rule.PrefixLength);
        Assert.True(rule.Matches(ServiceProtocol.Tcp, Ipv4Address.Parse("10.1.2.1"), 1));
    }

    [Fact]
    public void PrefixZeroMatchesEveryDestination()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "-A PREROUTING -d 10.1.2.3/0 -p udp --dport 53 -j MARK --set-mark 9", "marks.rules");

        Assert.Equal(9u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Parse("203.0.113.9"), 53));
        Assert.Equal(9u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Any, 53));
        Assert.Equal(Ipv4Address.Any, rules.Rules[0].Destination);
    }

    [Fact]
    public void TheProtocolSeparatesTcpFromUdp()
    {
        const string Text = """
            iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p tcp --dport 53 -j MARK --set-mark 1
            iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p udp --dport 53 -j MARK --set-mark 2
            """;
        FirewallMarkRules rules = FirewallMarkRules.Parse(Text, "marks.rules");

        var vip = Ipv4Address.Parse("10.0.0.100");
        Assert.Equal(1u, rules.Classify(ServiceProtocol.Tcp, vip, 53));
        Assert.Equal(2u, rules.Classify(ServiceProtocol.Udp, vip, 53));
    }

    [Fact]
    public void WithoutAProtocolBothTcpAndUdpMatch()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            "-A PREROUTING -d 10.0.0.100 -p all -j MARK --set-mark 4", "marks.rules");

        Assert.Null(rules.Rules[0].Protocol);
        Assert.Equal(4u, rules.Classify(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), 1));
        Assert.Equal(4u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Parse("10.0.0.100"), 65535));
    }

    [Fact]
    public void TheLastMatchingRuleWinsBecauseMarkDoesNotEndTheChain()
    {
        const string Text = """
            # everything to the VIP is mark 1 ...
            iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -j MARK --set-mark 1
            # ... except https, which is mark 2
            iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p tcp --dport 443 -j MARK --set-mark 2
            iptables -t mangle -A PREROUTING -d 10.0.0.0/8 -p udp -j MARK --set-mark 3
            """;
        FirewallMarkRules rules = FirewallMarkRules.Parse(Text, "marks.rules");

        var vip = Ipv4Address.Parse("10.0.0.100");
        Assert.Equal([2, 4, 5], rules.Rules.Select(rule => rule.LineNumber));
        Assert.Equal(1u, rules.Classify(ServiceProtocol.Tcp, vip, 80));
        Assert.Equal(2u, rules.Classify(ServiceProtocol.Tcp, vip, 443));
        Assert.Equal(3u, rules.Classify(ServiceProtocol.Udp, vip, 443));
        Assert.Equal(3u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Parse("10.9.9.9"), 53));
    }

    [Fact]
    public void APacketThatMatchesNoRuleGetsMarkZero()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse(HowtoExample, "marks.rules");

        Assert.Equal(0u, rules.Classify(ServiceProtocol.Udp, Ipv4Address.Parse("10.0.0.1"), 80));
        Assert.Equal(0u, FirewallMarkRules.Empty.Classify(ServiceProtocol.Tcp, Vip, 80));
        Assert.Equal(0, FirewallMarkRules.Empty.Count);
    }

    [Fact]
    public void BlankLinesCommentsAndCrLfAreIgnored()
    {
        const string Text =
            "# marks for lvs\r\n\r\n   \r\n\t# indented comment\r\n"
            + "/sbin/iptables -t mangle -A PREROUTING -d 10.0.0.100 -p tcp --dport 80 -j MARK --set-mark 1 # web\r\n";

        FirewallMarkRules rules = FirewallMarkRules.Parse(Text, "marks.rules");

        FirewallMarkRule rule = Assert.Single(rules.Rules);
        Assert.Equal(5, rule.LineNumber);
        Assert.Empty(FirewallMarkRules.Parse("\n# nothing\n  \n", "empty.rules").Rules);
    }

    [Fact]
    public void LongOptionsEqualsSignsAndSetXmarkWithAFullMaskAreAccepted()
    {
        const string Long =
            "iptables --table mangle --append PREROUTING --destination=192.168.1.110/32 --protocol TCP "
            + "--match multiport --dports=80,443 --jump MARK --set-xmark 0x1/0xffffffff";
        const string Short = "iptables -t mangle -A PREROUTING --dst 192.168.1.110 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 0x01/4294967295";

        FirewallMarkRule expected = FirewallMarkRules.Parse(HowtoExample, "marks.rules").Rules[0];
        Assert.Equal(expected, FirewallMarkRules.Parse(Long, "marks.rules").Rules[0]);
        Assert.Equal(expected, FirewallMarkRules.Parse(Short, "marks.rules").Rules[0]);
        Assert.Equal(expected, FirewallMarkRules.Parse("-A PREROUTING -d 192.168.1.110 -p tcp -m multiport --dports 80,443 -j MARK --set-xmark 1", "marks.rules").Rules[0]);
    }

    [Fact]
    public void TheLargestMarkIsAccepted()
    {
        FirewallMarkRules rules = FirewallMarkRules.Parse("-A PREROUTING -j MARK --set-mark 0xFFFFFFFF", "marks.rules");

        Assert.Equal(uint.MaxValue, rules.Classify(ServiceProtocol.Tcp, Vip, 1));
        Assert.Equal(uint.MaxValue, FirewallMarkRules.Parse("-A PREROUTING -j MARK --set-mark 4294967295", "marks.rules").Rules[0].Mark);
    }

    [Fact]
    public void MultiportTakesFifteenSlotsWithRangesCountingTwice()
    {
        string fifteen = string.Join(',', Enumerable.Range(1, 13).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ",100:200";
        FirewallMarkRules rules = FirewallMarkRules.Parse(
            $"-A PREROUTING -p tcp -m multiport --dports {fifteen} -j MARK --set-mark 1", "marks.rules");

        Assert.Equal(14, rules.Rules[0].DestinationPorts.Count);
    }

    [Theory]
    [InlineData("iptables -t nat -A PREROUTING -j MARK --set-mark 1", "table 'nat' is not supported: marks are set in the mangle table (-t mangle)")]
    [InlineData("iptables -t mangle -A OUTPUT -j MARK --set-mark 1", "chain 'OUTPUT' is not supported: the director marks packets as they arrive (-A PREROUTING)")]
    [InlineData("iptables -t mangle --append FORWARD -j MARK --set-mark 1", "chain 'FORWARD' is not supported: the director marks packets as they arrive (-A PREROUTING)")]
    [InlineData("iptables -t mangle -j MARK --set-mark 1", "missing chain: a rule appends to PREROUTING (-A PREROUTING)")]
    [InlineData("iptables", "missing chain: a rule appends to PREROUTING (-A PREROUTING)")]
    [InlineData("iptables -t mangle -I PREROUTING -j MARK --set-mark 1", "command '-I' is not supported: a marks file appends rules in order (-A PREROUTING)")]
    [InlineData("iptables -t mangle -F PREROUTING", "command '-F' is not supported: a marks file appends rules in order (-A PREROUTING)")]
    [InlineData("iptables -t mangle -A PREROUTING -s 10.0.0.0/8 -j MARK --set-mark 1", "unsupported option '-s' (supported: -t mangle, -A PREROUTING, -d, -p, -m tcp|udp|multiport, --dport, --dports, -j MARK, --set-mark, --set-xmark)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --sport 80 -j MARK --set-mark 1", "unsupported option '--sport' (supported: -t mangle, -A PREROUTING, -d, -p, -m tcp|udp|multiport, --dport, --dports, -j MARK, --set-mark, --set-xmark)")]
    [InlineData("ipvsadm -A -f 1 -s rr", "unexpected token 'ipvsadm' (a line is a rule: [iptables] -t mangle -A PREROUTING ... -j MARK --set-mark N)")]
    [InlineData("iptables -t mangle -A PREROUTING extra -j MARK --set-mark 1", "unexpected token 'extra'")]
    [InlineData("iptables -t mangle -A PREROUTING -d", "option '-d' needs a value")]
    [InlineData("iptables -t mangle -A PREROUTING -d -p tcp", "option '-d' needs a value")]
    [InlineData("iptables -t mangle -A PREROUTING --destination= -j MARK --set-mark 1", "option '--destination' needs a value")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark", "option '--set-mark' needs a value")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.1 --dst 10.0.0.2 -j MARK --set-mark 1", "option '--dst' is given more than once (also as '-d')")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 1 --set-mark 2", "option '--set-mark' is given more than once")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 1 --set-xmark 2", "option '--set-xmark' is given more than once (also as '--set-mark')")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.300 -j MARK --set-mark 1", "bad destination '10.0.0.300': expected an IPv4 address a.b.c.d[/0..32] (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -d www.example.com -j MARK --set-mark 1", "bad destination 'www.example.com': expected an IPv4 address a.b.c.d[/0..32] (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.0/33 -j MARK --set-mark 1", "bad prefix length '33' in '10.0.0.0/33': expected 0..32")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.0/255.0.0.0 -j MARK --set-mark 1", "bad prefix length '255.0.0.0' in '10.0.0.0/255.0.0.0': expected 0..32")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.0/ -j MARK --set-mark 1", "bad prefix length '' in '10.0.0.0/': expected 0..32")]
    [InlineData("iptables -t mangle -A PREROUTING -p icmp -j MARK --set-mark 1", "protocol 'icmp' is not supported (tcp, udp)")]
    [InlineData("iptables -t mangle -A PREROUTING --dport 80 -j MARK --set-mark 1", "option '--dport' needs -p tcp or -p udp")]
    [InlineData("iptables -t mangle -A PREROUTING -p all --destination-port 80 -j MARK --set-mark 1", "option '--destination-port' needs -p tcp or -p udp")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dports 80,443 -j MARK --set-mark 1", "option '--dports' needs -m multiport")]
    [InlineData("iptables -t mangle -A PREROUTING -m multiport --dports 80,443 -j MARK --set-mark 1", "match '-m multiport' needs -p tcp or -p udp")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport -j MARK --set-mark 1", "match '-m multiport' needs --dports")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 80 --dport 443 -j MARK --set-mark 1", "option '--dport' and option '--dports' together: use one of --dport or -m multiport --dports")]
    [InlineData("iptables -t mangle -A PREROUTING -p udp -m tcp --dport 80 -j MARK --set-mark 1", "match '-m tcp' needs -p tcp")]
    [InlineData("iptables -t mangle -A PREROUTING -m udp --dport 80 -j MARK --set-mark 1", "match '-m udp' needs -p udp")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m tcp -m tcp --dport 80 -j MARK --set-mark 1", "match 'tcp' is given more than once")]
    [InlineData("iptables -t mangle -A PREROUTING -m state --state NEW -j MARK --set-mark 1", "match 'state' is not supported (tcp, udp, multiport)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport http -j MARK --set-mark 1", "bad port 'http': expected a number 1..65535 (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 0 -j MARK --set-mark 1", "bad port '0': out of range 1..65535")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 65536 -j MARK --set-mark 1", "bad port '65536': out of range 1..65535")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 123456 -j MARK --set-mark 1", "bad port '123456': expected a number 1..65535 (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 90:80 -j MARK --set-mark 1", "bad port range '90:80': the first port is above the last")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80:x -j MARK --set-mark 1", "bad port 'x' in '80:x': expected a number 1..65535 (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport :1024 -j MARK --set-mark 1", "bad port '' in ':1024': expected a number 1..65535 (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 80,70000 -j MARK --set-mark 1", "bad port '70000' in '80,70000': out of range 1..65535")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 80,,443 -j MARK --set-mark 1", "bad port '' in '80,,443': expected a number 1..65535 (numeric; names are not looked up)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 80,2000:1000 -j MARK --set-mark 1", "bad port range '2000:1000': the first port is above the last")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16 -j MARK --set-mark 1", "too many ports in '--dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16': multiport takes at most 15 (a range counts as two)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80", "missing target: a rule ends with -j MARK --set-mark N")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80 --set-mark 1", "missing target: a rule ends with -j MARK --set-mark N")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80 -j ACCEPT", "target 'ACCEPT' is not supported: a rule sets a mark (-j MARK --set-mark N)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80 -j CONNMARK --set-mark 1", "target 'CONNMARK' is not supported: a rule sets a mark (-j MARK --set-mark N)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK", "target 'MARK' needs --set-mark N")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --or-mark 1", "unsupported option '--or-mark' (supported: -t mangle, -A PREROUTING, -d, -p, -m tcp|udp|multiport, --dport, --dports, -j MARK, --set-mark, --set-xmark)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 0", "mark '0' is 0, which marks nothing: IPVS firewall marks are 1..4294967295")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 0x0", "mark '0x0' is 0, which marks nothing: IPVS firewall marks are 1..4294967295")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 4294967296", "bad mark '4294967296': expected a number 1..4294967295 (decimal or 0x hex)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark -1", "bad mark '-1': expected a number 1..4294967295 (decimal or 0x hex)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark one", "bad mark 'one': expected a number 1..4294967295 (decimal or 0x hex)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 0x", "bad mark '0x': expected a number 1..4294967295 (decimal or 0x hex)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-xmark 0x1/0xff", "mark mask '0xff' in '0x1/0xff' is not supported: only whole marks (no mask, or /0xffffffff)")]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-xmark 0x1/ff", "bad mark mask 'ff' in '0x1/ff': expected a number (decimal or 0x hex)")]
    [InlineData("iptables -t mangle -A PREROUTING ! -d 10.0.0.1 -j MARK --set-mark 1", "negation '!' is not supported (write rules for the packets to mark)")]
    [InlineData("iptables -t mangle -A PREROUTING -p tcp ! --dport 80 -j MARK --set-mark 1", "negation '!' is not supported (write rules for the packets to mark)")]
    public void ErrorsNameTheLineAndTheOffendingValue(string line, string reason)
    {
        string text = $"# marks\n\niptables -t mangle -A PREROUTING -d 10.0.0.100 -j MARK --set-mark 1\n{line}\n";

        RuleParseException error = Assert.Throws<RuleParseException>(() => FirewallMarkRules.Parse(text, "marks.rules"));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(4, error.LineNumber);
        Assert.Equal("marks.rules", error.SourceName);
        Assert.Equal(line, error.Line);
        Assert.Equal($"marks.rules:4: {reason}", error.Message);
    }

    [Theory]
    [InlineData(HowtoExample)]
    [InlineData("iptables -t mangle -A PREROUTING -j MARK --set-mark 1")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.1.0.0/16 -j MARK --set-mark 4294967295")]
    [InlineData("iptables -t mangle -A PREROUTING -p udp -j MARK --set-mark 2")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p tcp --dport 8000:8080 -j MARK --set-mark 3")]
    [InlineData("iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p udp --dport 53 -j MARK --set-mark 4")]
    [InlineData("iptables -t mangle -A PREROUTING -d 0.0.0.0/1 -p tcp -m multiport --dports 443,20:21,8080 -j MARK --set-mark 5")]
    public void CanonicalLinesPrintBackExactly(string line)
    {
        FirewallMarkRule rule = FirewallMarkRules.Parse(line, "marks.rules").Rules[0];

        Assert.Equal(line, rule.ToString());
    }

    [Theory]
    [InlineData("-A PREROUTING -d 192.168.1.110 -p TCP -m tcp --dport 80 -j MARK --set-mark 0x10",
        "iptables -t mangle -A PREROUTING -d 192.168.1.110/32 -p tcp --dport 80 -j MARK --set-mark 16")]
    [InlineData("-A PREROUTING -d 10.9.8.7/0 -p all -j MARK --set-xmark 7/0xffffffff",
        "iptables -t mangle -A PREROUTING -j MARK --set-mark 7")]
    [InlineData("-t mangle -A PREROUTING -d 10.9.8.7/20 -p udp -m multiport --dports 53 -j MARK --set-mark 1",
        "iptables -t mangle -A PREROUTING -d 10.9.0.0/20 -p udp --dport 53 -j MARK --set-mark 1")]
    [InlineData("-A PREROUTING -p tcp --dport 80:80 -j MARK --set-mark 1",
        "iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 1")]
    public void PrintingGivesTheCanonicalFormWhichParsesToAnEqualRule(string written, string canonical)
    {
        FirewallMarkRule rule = FirewallMarkRules.Parse(written, "marks.rules").Rules[0];

        Assert.Equal(canonical, rule.ToString());
        FirewallMarkRule reparsed = FirewallMarkRules.Parse(rule.ToString(), "printed.rules").Rules[0];
        Assert.Equal(rule, reparsed);
        Assert.Equal(rule.GetHashCode(), reparsed.GetHashCode());
    }

    [Fact]
    public void ConstructedRulesRoundTripThroughTheirText()
    {
        FirewallMarkRule[] rules =
        [
            new(Ipv4Address.Parse("172.16.5.9"), 12, ServiceProtocol.Udp, [new PortRange(500), new PortRange(4500, 4510)], 99),
            new(Ipv4Address.Any, 0, null, [], 1),
            new(Vip, 32, ServiceProtocol.Tcp, [new PortRange(1, 65535)], 0x8000_0000),
        ];

        foreach (FirewallMarkRule rule in rules)
        {
            FirewallMarkRule reparsed = FirewallMarkRules.Parse(rule.ToString(), "printed.rules").Rules[0];
            Assert.Equal(rule, reparsed);
            Assert.Equal(1, reparsed.LineNumber);
            Assert.Equal(0, rule.LineNumber);
        }

        Assert.Equal(Ipv4Address.Parse("172.16.0.0"), rules[0].Destination);
    }

    [Fact]
    public void RulesDifferingInAnyMatchOrTheMarkAreNotEqual()
    {
        var rule = new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [new PortRange(80), new PortRange(443)], 1);

        Assert.Equal(rule, new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [new PortRange(80), new PortRange(443)], 1) { LineNumber = 9 });
        Assert.NotEqual(rule, new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [new PortRange(443), new PortRange(80)], 1));
        Assert.NotEqual(rule, new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [new PortRange(80)], 1));
        Assert.NotEqual(rule, new FirewallMarkRule(Vip, 32, ServiceProtocol.Udp, [new PortRange(80), new PortRange(443)], 1));
        Assert.NotEqual(rule, new FirewallMarkRule(Vip, 31, ServiceProtocol.Tcp, [new PortRange(80), new PortRange(443)], 1));
        Assert.NotEqual(rule, new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [new PortRange(80), new PortRange(443)], 2));
        Assert.False(rule.Equals(null));
    }

    [Fact]
    public void TheConstructorRefusesRulesNoMarksFileCouldHold()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirewallMarkRule(Vip, 32, null, [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirewallMarkRule(Vip, 33, null, [], 1));
        Assert.Throws<ArgumentException>(() => new FirewallMarkRule(Vip, 32, null, [new PortRange(80)], 1));
        Assert.Throws<ArgumentException>(() => new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, [default], 1));
        Assert.Throws<ArgumentException>(
            () => new FirewallMarkRule(Vip, 32, ServiceProtocol.Tcp, Enumerable.Range(1, 8).Select(p => new PortRange((ushort)p, (ushort)(p + 100))), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(90, 80));
    }

    [Fact]
    public void ClassifyDoesNotAllocate()
    {
        const string Text = """
            iptables -t mangle -A PREROUTING -d 192.168.1.110/32 -p tcp -m multiport --dports 80,443,8000:8080 -j MARK --set-mark 1
            iptables -t mangle -A PREROUTING -d 10.0.0.0/8 -p udp --dport 53 -j MARK --set-mark 2
            iptables -t mangle -A PREROUTING -d 10.1.0.0/16 -j MARK --set-mark 3
            """;
        FirewallMarkRules rules = FirewallMarkRules.Parse(Text, "marks.rules");
        rules.Classify(ServiceProtocol.Tcp, Vip, 80);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            ServiceProtocol protocol = (i & 1) == 0 ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
            var destination = new Ipv4Address((i & 2) == 0 ? Vip.Value : 0x0A01_0000u + (uint)i);
            sum += rules.Classify(protocol, destination, (ushort)(i % 100));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
    }
}
