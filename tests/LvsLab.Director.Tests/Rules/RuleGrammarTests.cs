using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

public class RuleGrammarTests
{
    [Theory]
    [MemberData(nameof(RuleGrammarCases.Canonical), MemberType = typeof(RuleGrammarCases))]
    public void ParsesAndPrintsTheCanonicalForm(string name, string input, string canonical)
    {
        _ = name;
        string expected = canonical.ReplaceLineEndings("\n");
        RuleSet parsed = IpvsRuleParser.Parse(input, "in.ipvs");
        string printed = IpvsRulePrinter.Print(parsed);
        Assert.Equal(expected, printed);

        // print(parse(print(x))) == print(x), and parse(print(parse(text))) equals parse(text).
        RuleSet reparsed = IpvsRuleParser.Parse(printed, "printed.ipvs");
        Assert.Equal(printed, IpvsRulePrinter.Print(reparsed));
        RuleSetAssert.Equal(parsed, reparsed);
    }

    [Theory]
    [MemberData(nameof(RuleGrammarCases.Errors), MemberType = typeof(RuleGrammarCases))]
    public void ErrorsNameTheLineAndTheReason(string text, int lineNumber, string reason)
    {
        RuleParseException error = Assert.Throws<RuleParseException>(() => IpvsRuleParser.Parse(text, "rules.ipvs"));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(lineNumber, error.LineNumber);
        Assert.Equal(text.Split('\n')[lineNumber - 1], error.Line);
        Assert.Equal($"rules.ipvs:{lineNumber}: {reason}", error.Message);
    }

    [Fact]
    public void ModelCarriesEveryOption()
    {
        RuleSet rules = IpvsRuleParser.Parse(
            """
            -A -u 10.0.0.1:53 -s sh -b sh-port,flag-3 -p -M 255.255.240.0 -o
            -a -u 10.0.0.1:53 -r 10.0.1.1 -i -w 4 -x 100 -y 10
            -A -f 42 -s wlc
            -a -f 42 -r 10.0.1.2 -m
            """,
            "model.ipvs");

        VirtualService dns = rules.Services[0];
        Assert.Null(dns.FirewallMark);
        Assert.False(dns.IsFirewallMark);
        Assert.Equal(ServiceProtocol.Udp, dns.Protocol);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), dns.Address);
        Assert.Equal(53, dns.Port);
        Assert.Equal("sh", dns.Scheduler);
        Assert.Equal(SchedulerFlags.Flag2 | SchedulerFlags.Flag3, dns.SchedulerFlags);
        Assert.Equal(300, dns.PersistenceTimeout);
        Assert.True(dns.IsPersistent);
        Assert.Equal(Ipv4Address.Parse("255.255.240.0"), dns.PersistenceNetmask);
        Assert.True(dns.OnePacket);
        RealServer tunnelled = Assert.Single(dns.RealServers);
        Assert.Equal(
            new RealServer(Ipv4Address.Parse("10.0.1.1"), 53, ForwardingMethod.Tunnel, 4) { UpperThreshold = 100, LowerThreshold = 10 },
            tunnelled);
        Assert.Equal(TunnelType.IpIp, tunnelled.TunnelType);

        VirtualService marked = rules.Services[1];
        Assert.Equal(42u, marked.FirewallMark);
        Assert.True(marked.IsFirewallMark);
        Assert.Equal("wlc", marked.Scheduler);
        Assert.Null(marked.PersistenceTimeout);
        Assert.Equal(Ipv4Address.Broadcast, marked.PersistenceNetmask);
        Assert.False(marked.OnePacket);
        Assert.Equal(SchedulerFlags.None, marked.SchedulerFlags);
        Assert.Equal("-f 42", marked.ToString());
        RealServer masqueraded = Assert.Single(marked.RealServers);
        Assert.Equal(0, masqueraded.Port);
        Assert.Null(masqueraded.TunnelType);
        Assert.Same(marked, rules.FindFirewallMark(42));
        Assert.Null(rules.FindFirewallMark(43));
        Assert.Null(rules.Find(ServiceProtocol.Tcp, default, 0));
    }

    [Fact]
    public void RealServerDefaultsKeepExistingConstructionEqual()
    {
        var server = new RealServer(Ipv4Address.Parse("10.0.0.1"), 80, ForwardingMethod.Tunnel, 1);
        Assert.Equal(TunnelType.IpIp, server.TunnelType);
        Assert.Equal(0, server.UpperThreshold);
        Assert.Equal(0, server.LowerThreshold);
        Assert.Null(new RealServer(Ipv4Address.Parse("10.0.0.1"), 80, ForwardingMethod.DirectRouting, 1).TunnelType);
        Assert.Throws<ArgumentException>(() => new RealServer(Ipv4Address.Parse("10.0.0.1"), 80, ForwardingMethod.Masquerading, 1) { TunnelType = TunnelType.IpIp });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealServer(Ipv4Address.Parse("10.0.0.1"), 80, ForwardingMethod.Masquerading, 1) { UpperThreshold = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualService(0u, "rr", []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualService(ServiceProtocol.Tcp, default, 80, "rr", []) { PersistenceTimeout = 0 });
        Assert.Throws<ArgumentException>(() => new RuleSet([new VirtualService(5u, "rr", []), new VirtualService(5u, "wrr", [])]));
    }

    [Fact]
    public void FailedParseReturnsNothingEvenAfterManyGoodLines()
    {
        string good = string.Concat(Enumerable.Range(1, 50).Select(i => $"-A -t 10.0.0.1:{i} -s rr\n"));
        RuleParseException error = Assert.Throws<RuleParseException>(() => IpvsRuleParser.Parse(good + "-D -t 10.0.0.1:51\n", "x.ipvs"));
        Assert.Equal(51, error.LineNumber);
    }

    [Fact]
    public void RandomRuleSetsWithEveryOptionRoundTrip()
    {
        var random = new Random(31);
        string[] schedulers = [.. IpvsRuleParser.KnownSchedulers];
        for (int round = 0; round < 300; round++)
        {
            var services = new List<VirtualService>();
            var keys = new HashSet<(int Kind, uint Value, int Port)>();
            int count = random.Next(0, 6);
            while (services.Count < count)
            {
                int kind = random.Next(3); // 0 tcp, 1 udp, 2 fwmark
                uint mark = (uint)random.NextInt64(1, 1L << 32);
                var address = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
                int? timeout = random.Next(3) == 0 ? null : random.Next(1, VirtualService.MaxPersistenceTimeout + 1);
                ushort port = (ushort)random.Next(timeout is null ? 1 : 0, 65536);
                if (!keys.Add(kind == 2 ? (2, mark, 0) : (kind, address.Value, (int)port)))
                {
                    continue;
                }

                string scheduler = schedulers[random.Next(schedulers.Length)];
                var servers = new List<RealServer>();
                var serverKeys = new HashSet<(uint, ushort)>();
                for (int i = random.Next(0, 5); i > 0; i--)
                {
                    var rip = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
                    var method = (ForwardingMethod)random.Next(3);
                    ushort rport = method == ForwardingMethod.Masquerading || kind == 2 ? (ushort)random.Next(1, 65536) : port;
                    if (!serverKeys.Add((rip.Value, rport)))
                    {
                        continue;
                    }

                    int upper = random.Next(2) == 0 ? 0 : random.Next(1, int.MaxValue);
                    int lower = upper == 0 ? 0 : random.Next(0, upper + 1);
                    servers.Add(new RealServer(rip, rport, method, random.Next(0, 65536)) { UpperThreshold = upper, LowerThreshold = lower });
                }

                int prefix = random.Next(1, 33);
                var netmask = new Ipv4Address(prefix == 32 ? uint.MaxValue : ~(uint.MaxValue >> prefix));
                bool onePacket = kind != 0 && random.Next(2) == 0;
                var flags = (SchedulerFlags)random.Next(8);
                services.Add(kind == 2
                    ? new VirtualService(mark, scheduler, servers)
                    {
                        PersistenceTimeout = timeout, PersistenceNetmask = timeout is null ? Ipv4Address.Broadcast : netmask,
                        OnePacket = onePacket, SchedulerFlags = flags,
                    }
                    : new VirtualService(kind == 0 ? ServiceProtocol.Tcp : ServiceProtocol.Udp, address, port, scheduler, servers)
                    {
                        PersistenceTimeout = timeout, PersistenceNetmask = timeout is null ? Ipv4Address.Broadcast : netmask,
                        OnePacket = onePacket, SchedulerFlags = flags,
                    });
            }

            var original = new RuleSet(services);
            string printed = IpvsRulePrinter.Print(original);
            RuleSet parsed = IpvsRuleParser.Parse(printed, "random.ipvs");
            Assert.Equal(printed, IpvsRulePrinter.Print(parsed));
            RuleSetAssert.Equal(original, parsed);
        }
    }
}
