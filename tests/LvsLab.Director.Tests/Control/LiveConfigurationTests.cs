using LvsLab.Director.Control;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Control;

public class LiveConfigurationTests
{
    private const string Rules = """
        -A -t 10.0.0.100:80 -s wrr
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 3
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        """;

    private static readonly RealServerEndpoint Rs1 = new(Ipv4Address.Parse("10.0.0.11"), 80);
    private static readonly RealServerEndpoint Rs2 = new(Ipv4Address.Parse("10.0.0.12"), 80);

    private static LiveConfiguration Live(FailureAction action = FailureAction.Inhibit, RealServerEndpoint? sorry = null) =>
        new(IpvsRuleParser.Parse(Rules, "rules.ipvs"), action, sorry);

    private static string Print(RuleSet rules) => IpvsRulePrinter.Print(rules);

    [Fact]
    public void CommandsAddEditAndDeleteLikeIpvsadm()
    {
        LiveConfiguration live = Live();
        Assert.True(live.Execute("-a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 2", "command"));
        Assert.True(live.Execute("-e -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 5", "command"));
        Assert.True(live.Execute("-d -t 10.0.0.100:80 -r 10.0.0.12:80", "command"));
        Assert.True(live.Execute("-A -u 10.0.0.100:53 -s rr\n-a -u 10.0.0.100:53 -r 10.0.0.11:53 -g", "command"));
        Assert.Equal(
            "-A -t 10.0.0.100:80 -s wrr\n-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 5\n-a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 2\n"
            + "-A -u 10.0.0.100:53 -s rr\n-a -u 10.0.0.100:53 -r 10.0.0.11:53 -g -w 1\n",
            Print(live.Effective));
        Assert.True(live.Execute("-D -u 10.0.0.100:53", "command"));
        Assert.Single(live.Effective.Services);
        Assert.True(live.Execute("-C", "command"));
        Assert.Empty(live.Effective.Services);
    }

    [Fact]
    public void ABadCommandNamesTheProblemAndChangesNothing()
    {
        LiveConfiguration live = Live();
        string before = Print(live.Effective);
        var duplicate = Assert.Throws<RuleParseException>(() => live.Execute("-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g", "command"));
        Assert.Equal("command:1: duplicate real server 10.0.0.11:80 in service -t 10.0.0.100:80 (already added in the running rules)", duplicate.Message.Split(" in '")[0].Split(": '")[0].TrimEnd());
        var missing = Assert.Throws<RuleParseException>(() => live.Execute("-d -t 10.0.0.100:80 -r 10.0.0.99:80", "command"));
        Assert.Contains("10.0.0.99", missing.Message, StringComparison.Ordinal);
        var unsupported = Assert.Throws<RuleParseException>(() => live.Execute("-E -t 10.0.0.100:80 -s lblc", "command"));
        Assert.Contains("-s lblc is not supported", unsupported.Message, StringComparison.Ordinal);
        var unmarked = Assert.Throws<RuleParseException>(() => live.Execute("-A -f 3 -s rr", "command"));
        Assert.Contains("marks file", unmarked.Message, StringComparison.Ordinal);
        Assert.Equal(before, Print(live.Effective));
        Assert.Equal(before, Print(live.Configured));
    }

    [Fact]
    public void InhibitOnFailureKeepsADownServerWithWeightZeroAndRestoresItsWeight()
    {
        LiveConfiguration live = Live();
        Assert.True(live.MarkDown(Rs1));
        Assert.False(live.MarkDown(Rs1));
        Assert.Equal([0, 1], live.Effective.Services[0].RealServers.Select(s => s.Weight));

        // An operator's edit while it is down is what comes back.
        live.Execute("-e -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 7", "command");
        Assert.Equal([0, 1], live.Effective.Services[0].RealServers.Select(s => s.Weight));
        Assert.True(live.MarkUp(Rs1));
        Assert.Equal([7, 1], live.Effective.Services[0].RealServers.Select(s => s.Weight));
    }

    [Fact]
    public void RemoveOnFailureTakesADownServerOutUntilItRecovers()
    {
        LiveConfiguration live = Live(FailureAction.Remove);
        live.MarkDown(Rs2);
        Assert.Equal([Rs1.Address], live.Effective.Services[0].RealServers.Select(s => s.Address));
        live.MarkUp(Rs2);
        Assert.Equal(2, live.Effective.Services[0].RealServers.Count);
    }

    [Fact]
    public void TheSorryServerStandsInOnlyWhileNoServerCanTakeConnections()
    {
        var sorry = new RealServerEndpoint(Ipv4Address.Parse("10.0.0.99"), 0);
        LiveConfiguration live = Live(sorry: sorry);
        Assert.Equal(2, live.Effective.Services[0].RealServers.Count);
        live.MarkDown(Rs1);
        Assert.Equal(2, live.Effective.Services[0].RealServers.Count);

        Assert.True(live.MarkDown(Rs2));
        RealServer stand = live.Effective.Services[0].RealServers[^1];
        Assert.Equal((sorry.Address, (ushort)80, ForwardingMethod.DirectRouting, 1), (stand.Address, stand.Port, stand.ForwardingMethod, stand.Weight));

        Assert.True(live.MarkUp(Rs2));
        Assert.DoesNotContain(live.Effective.Services[0].RealServers, s => s.Address == sorry.Address);

        // Drained by the operator counts too: nobody may take connections.
        live.MarkUp(Rs1);
        live.Execute("-e -t 10.0.0.100:80 -r 10.0.0.11:80 -w 0\n-e -t 10.0.0.100:80 -r 10.0.0.12:80 -w 0", "command");
        Assert.Contains(live.Effective.Services[0].RealServers, s => s.Address == sorry.Address);
    }

    [Fact]
    public void HealthTargetsAreTheDistinctConfiguredEndpointsWithAPort()
    {
        LiveConfiguration live = Live();
        live.Execute("-A -t 10.0.0.100:443 -s rr\n-a -t 10.0.0.100:443 -r 10.0.0.11:80 -m\n-A -t 10.0.0.100:0 -s rr -p\n-a -t 10.0.0.100:0 -r 10.0.0.13 -g", "command");
        Assert.Equal([Rs1, Rs2], live.HealthTargets);
    }

    [Fact]
    public void UdpServersAreNotProbedByTcp()
    {
        LiveConfiguration live = Live();
        live.Execute("-A -u 10.0.0.100:53 -s rr\n-a -u 10.0.0.100:53 -r 10.0.0.13:53 -g", "command");
        Assert.Equal([Rs1, Rs2], live.HealthTargets);
        Assert.False(LiveConfiguration.IsChecked(live.Configured.Services[1], live.Configured.Services[1].RealServers[0]));
        Assert.True(LiveConfiguration.IsChecked(live.Configured.Services[0], live.Configured.Services[0].RealServers[0]));
    }
}
