using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Ipv6;

public class Ipv6RuleTests
{
    private const string Text = """
        -A -t [fd00:10:77:1::100]:80 -s rr -p 60 -M 64
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g -w 2
        -a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::12] -g
        -A -u [fd00:10:77:1::100]:53 -s sh
        -a -u [fd00:10:77:1::100]:53 -r [fd00:10:77:2::13]:5353 -m
        -A -t 10.77.1.100:80 -s wrr
        -a -t 10.77.1.100:80 -r [fd00:10:77:3::14]:80 -i
        -a -t 10.77.1.100:80 -r 10.77.3.15:80 -i
        """;

    [Fact]
    public void IpVersion6ServicesAndRealServersParseInBrackets()
    {
        RuleSet rules = IpvsRuleParser.Parse(Text, "rules.ipvs");

        VirtualService web = rules.Services[0];
        Assert.True(web.IsIpv6);
        Assert.Equal(Ipv6Address.Parse("fd00:10:77:1::100"), web.Address.Ipv6);
        Assert.Equal(64, web.PersistencePrefixLength);
        Assert.Equal("-t [fd00:10:77:1::100]:80", web.ToString());
        Assert.Equal((IpAddress)Ipv6Address.Parse("fd00:10:77:1::11"), web.RealServers[0].Address);
        Assert.Equal(80, web.RealServers[1].Port);
        Assert.Equal(ForwardingMethod.Masquerading, rules.Services[1].RealServers[0].ForwardingMethod);

        // An IPv4 service may tunnel to an IPv6 real server (IPv4 in IPv6), as IPVS's mixed families.
        VirtualService mixed = rules.Services[2];
        Assert.False(mixed.IsIpv6);
        Assert.True(mixed.RealServers[0].Address.IsIpv6);
        Assert.True(mixed.RealServers[1].Address.IsIpv4);
    }

    [Fact]
    public void PrintingAndParsingAgainGivesTheSameRules()
    {
        RuleSet rules = IpvsRuleParser.Parse(Text, "rules.ipvs");
        string printed = IpvsRulePrinter.Print(rules);

        Assert.Contains("-A -t [fd00:10:77:1::100]:80 -s rr -p 60 -M 64\n", printed, StringComparison.Ordinal);
        Assert.Contains("-a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::12]:80 -g -w 1\n", printed, StringComparison.Ordinal);
        Assert.Equal(printed, IpvsRulePrinter.Print(IpvsRuleParser.Parse(printed, "printed")));
    }

    [Fact]
    public void EditAndDeleteFindIpVersion6ServersByAddressAndPort()
    {
        RuleSet rules = IpvsRuleParser.Parse(Text, "rules.ipvs");
        RuleSet edited = IpvsRuleParser.Parse(
            "-e -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g -w 9\n-d -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::12]:80",
            "command",
            rules);

        Assert.Single(edited.Services[0].RealServers);
        Assert.Equal(9, edited.Services[0].RealServers[0].Weight);
    }

    [Theory]
    [InlineData("-A -t [fd00::100]:80 -s rr\n-a -t [fd00::100]:80 -r 10.0.0.1:80 -i", 2, "real server 10.0.0.1 is IPv4 but service -t [fd00::100]:80 is IPv6: IPv6 in IPv4 tunnels are not supported (an IPv4 service may tunnel to an IPv6 real server, not the other way)")]
    [InlineData("-A -f 7 -s rr\n-a -f 7 -r [fd00::1] -g", 2, "IPv6 real server fd00::1 for -f 7: firewall-mark services are IPv4 only here")]
    [InlineData("-A -t [fe80::1]:80 -s rr", 1, "bad address '[fe80::1]:80': fe80::1 is not a unicast IPv6 address a director can serve (mapped, unspecified, multicast, loopback and link-local addresses are refused)")]
    [InlineData("-A -t [fd00::100]:80 -s rr\n-a -t [fd00::100]:80 -r [fd00::1]x80", 2, "bad address '[fd00::1]x80': expected ':port' after ']'")]
    public void FamilyMistakesNameTheLineAndTheReason(string text, int line, string reason)
    {
        RuleParseException error = Assert.Throws<RuleParseException>(() => IpvsRuleParser.Parse(text, "rules.ipvs"));
        Assert.Equal(line, error.LineNumber);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void PersistenceMasksKeepTheFamilysBits()
    {
        IpAddress client = Ipv6Address.Parse("fd00:10:77:1:aaaa:bbbb:cccc:dddd");
        Assert.Equal((IpAddress)Ipv6Address.Parse("fd00:10:77:1::"), client.And(IpAddress.PersistenceMask(Ipv4Address.Broadcast, 64, ipv6: true)));
        IpAddress v4 = Ipv4Address.Parse("10.1.2.3");
        Assert.Equal((IpAddress)Ipv4Address.Parse("10.1.2.0"), v4.And(IpAddress.PersistenceMask(Ipv4Address.Parse("255.255.255.0"), 128, ipv6: false)));
        Assert.True(v4.And(IpAddress.PersistenceMask(Ipv4Address.Parse("255.255.255.0"), 128, ipv6: false)).IsIpv4);
    }
}
