using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

public class RuleSupportTests
{
    public static TheoryData<string, string[]> Cases { get; } = new()
    {
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -i -w 2 --tun-type ipip", [] },
        { "-A -u 10.0.0.1:53 -s wrr\n-a -u 10.0.0.1:53 -r 10.0.0.11:5353 -m -w 0", [] },
        { "-A -t 10.0.0.1:80 -s rr -p 300", [] },
        { "-A -t 10.0.0.1:80 -s rr --persistent -M 255.255.255.0", [] },
        { "-A -t 10.0.0.1:0 -s rr -p", [] },
        { "-A -t 10.0.0.1:80 -s rr -b flag-1", ["service -t 10.0.0.1:80: scheduler flags (-b flag-1) are not supported by the director yet"] },
        { "-A -u 10.0.0.1:53 -s rr -o", [] },
        { "-A -f 1 -s rr", [] },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -x 10\n-a -t 10.0.0.1:80 -r 10.0.0.12", [
            "service -t 10.0.0.1:80, real server 10.0.0.11:80: connection thresholds (-x/-y) are not supported by the director yet"] },
        { "-A -f 9 -s rr -b flag-2 -p 60 -M 255.255.255.0 -o\n-a -f 9 -r 10.0.0.11:80 -x 5 -y 1", [
            "service -f 9: scheduler flags (-b flag-2) are not supported by the director yet",
            "service -f 9, real server 10.0.0.11:80: connection thresholds (-x/-y) are not supported by the director yet"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ListsWhatTheDirectorCannotRunYet(string text, string[] expected) =>
        Assert.Equal(expected, RuleSupport.Unsupported(IpvsRuleParser.Parse(text, "rules.ipvs")));

    [Fact]
    public void AnAllPortsServiceWithoutPersistenceIsRefused()
    {
        // ipvsadm's parser refuses it too; a rule set built in code can still hold one.
        var rules = new RuleSet([new VirtualService(ServiceProtocol.Tcp, Packets.Ipv4Address.Parse("10.0.0.1"), 0, "rr", [])]);
        Assert.Equal(["service -t 10.0.0.1:0: port 0 (all ports) needs persistence (-p), as in IPVS"], RuleSupport.Unsupported(rules));
    }

    // The supported schedulers come from SchedulerFactory, whichever it implements today.
    [Fact]
    public void SchedulersTheFactoryCannotCreateAreListedWithTheSupportedOnes()
    {
        string supported = string.Join(", ", SchedulerFactory.Supported);
        foreach (string scheduler in IpvsRuleParser.KnownSchedulers)
        {
            IReadOnlyList<string> reasons = RuleSupport.Unsupported(IpvsRuleParser.Parse($"-A -t 10.0.0.1:80 -s {scheduler}", "s.ipvs"));
            Assert.Equal(
                SchedulerFactory.IsSupported(scheduler) ? [] : [$"service -t 10.0.0.1:80: -s {scheduler} is not supported yet (supported: {supported})"],
                reasons);
        }

        IReadOnlyList<string> defaulted = RuleSupport.Unsupported(IpvsRuleParser.Parse("-A -t 10.0.0.1:80", "d.ipvs"));
        Assert.Equal(
            SchedulerFactory.IsSupported("wlc") ? [] : [$"service -t 10.0.0.1:80: -s wlc (ipvsadm's default when -s is left out) is not supported yet (supported: {supported})"],
            defaulted);
    }
}
