using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using Xunit;

namespace LvsLab.Director.Tests.Translation;

public class RuleLinesTests
{
    private const string Text = """
        # a comment
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g
        --add-service --udp-service 10.0.0.100:53 -s sh
        --add-server --udp-service 10.0.0.100:53 --real-server 10.0.0.12 -m
        -A -f 7 -s rr
        -a -f 7 -r 10.0.0.13:0 -g
        """;

    private static readonly RuleSet Rules = IpvsRuleParser.Parse(Text, "rules.ipvs");
    private static readonly RuleLines Lines = new(Text, "rules.ipvs");

    [Fact]
    public void EachServiceIsNamedWithTheLineThatAddsIt()
    {
        Assert.Equal(
            ["rules.ipvs:2: service -t 10.0.0.100:80", "rules.ipvs:4: service -u 10.0.0.100:53", "rules.ipvs:6: service -f 7"],
            Rules.Services.Select(Lines.Service));
    }

    [Fact]
    public void EachRealServerIsNamedWithTheLineThatAddsItToItsService()
    {
        Assert.Equal(
            [
                "rules.ipvs:3: real server 10.0.0.11:80 of -t 10.0.0.100:80",
                "rules.ipvs:5: real server 10.0.0.12:53 of -u 10.0.0.100:53",
                "rules.ipvs:7: real server 10.0.0.13:0 of -f 7",
            ],
            Rules.Services.SelectMany(s => s.RealServers.Select(r => Lines.RealServer(s, r))));
    }

    [Fact]
    public void Ipv6ServicesAndRealServersAreNamedWithTheirLinesAsIpvsadmWritesThem()
    {
        const string Text6 = """
            -A -t 10.0.0.100:80 -s rr
            -A -t [fd00::100]:80 -s rr
            -a -t [fd00::100]:80 -r [fd00::11]:8080 -m
            -a -t [fd00::100]:80 -r [fd00::12] -m
            -a -t 10.0.0.100:80 -r [fd00::13]:80 -i
            """;
        RuleSet rules = IpvsRuleParser.Parse(Text6, "rules.ipvs");
        var lines = new RuleLines(Text6, "rules.ipvs");
        Assert.Equal(["rules.ipvs:1: service -t 10.0.0.100:80", "rules.ipvs:2: service -t [fd00::100]:80"], rules.Services.Select(lines.Service));
        Assert.Equal(
            [
                "rules.ipvs:5: real server [fd00::13]:80 of -t 10.0.0.100:80",
                "rules.ipvs:3: real server [fd00::11]:8080 of -t [fd00::100]:80",
                "rules.ipvs:4: real server [fd00::12]:80 of -t [fd00::100]:80",
            ],
            rules.Services.SelectMany(s => s.RealServers.Select(r => lines.RealServer(s, r))));
    }

    [Fact]
    public void ARuleTheTextDoesNotAddIsOnLineQuestionMark()
    {
        var other = IpvsRuleParser.Parse("-A -t 10.0.0.200:80 -s rr\n-a -t 10.0.0.200:80 -r 10.0.0.21:80 -g", "other.ipvs");
        VirtualService service = Assert.Single(other.Services);
        Assert.Equal("rules.ipvs:?: service -t 10.0.0.200:80", Lines.Service(service));
        Assert.StartsWith("rules.ipvs:?: real server 10.0.0.21:80", Lines.RealServer(service, Assert.Single(service.RealServers)), StringComparison.Ordinal);
    }
}
