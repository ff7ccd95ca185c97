using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

public class IpvsRulePrinterTests
{
    private const string Saved = """
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        -A -u 10.0.0.100:53 -s wrr
        -a -u 10.0.0.100:53 -r 10.0.0.11:5353 -m -w 3
        -a -u 10.0.0.100:53 -r 192.168.7.1:53 -i -w 0 --tun-type ipip

        """;

    [Fact]
    public void PrintsIpvsadmSaveNumericForm()
    {
        var rules = new RuleSet(
        [
            new VirtualService(
                ServiceProtocol.Tcp,
                Ipv4Address.Parse("10.0.0.100"),
                80,
                "rr",
                [new RealServer(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.DirectRouting, 1)]),
        ]);
        Assert.Equal("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1\n", IpvsRulePrinter.Print(rules));
    }

    [Fact]
    public void PrintParsePrintRoundTripsExactly()
    {
        string text = Saved.ReplaceLineEndings("\n");
        string printed = IpvsRulePrinter.Print(IpvsRuleParser.Parse(text, "saved.ipvs"));
        Assert.Equal(text, printed);
        Assert.Equal(printed, IpvsRulePrinter.Print(IpvsRuleParser.Parse(printed, "printed.ipvs")));
    }

    [Fact]
    public void TunnelledServersPrintTunTypeIpipAsIpvsadm131SavesThem()
    {
        const string WithTunType = """
            -A -t 10.0.0.100:80 -s rr
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -i --tun-type ipip -w 1
            -a -t 10.0.0.100:80 -r 10.9.0.5:80 -i -w 2
            -a -t 10.0.0.100:80 -r 10.0.0.12:8080 -m -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
            """;
        const string Expected = """
            -A -t 10.0.0.100:80 -s rr
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -i -w 1 --tun-type ipip
            -a -t 10.0.0.100:80 -r 10.9.0.5:80 -i -w 2 --tun-type ipip
            -a -t 10.0.0.100:80 -r 10.0.0.12:8080 -m -w 1
            -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1

            """;
        RuleSet parsed = IpvsRuleParser.Parse(WithTunType, "tun.ipvs");
        string printed = IpvsRulePrinter.Print(parsed);
        Assert.Equal(Expected.ReplaceLineEndings("\n"), printed);
        RuleSet reparsed = IpvsRuleParser.Parse(printed, "printed.ipvs");
        Assert.Equal(parsed.Services[0].RealServers, reparsed.Services[0].RealServers);
        Assert.Equal(printed, IpvsRulePrinter.Print(reparsed));
    }

    [Fact]
    public void RandomRuleSetsRoundTrip()
    {
        var random = new Random(2024);
        for (int round = 0; round < 200; round++)
        {
            var services = new List<VirtualService>();
            var keys = new HashSet<(ServiceProtocol, uint, ushort)>();
            int serviceCount = random.Next(0, 5);
            while (services.Count < serviceCount)
            {
                var protocol = random.Next(2) == 0 ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
                var address = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
                ushort port = (ushort)random.Next(1, 65536);
                if (!keys.Add((protocol, address.Value, port)))
                {
                    continue;
                }

                var servers = new List<RealServer>();
                var serverKeys = new HashSet<uint>();
                for (int i = random.Next(0, 6); i > 0; i--)
                {
                    var rip = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
                    if (serverKeys.Add(rip.Value))
                    {
                        var method = (ForwardingMethod)random.Next(3);
                        ushort rport = method == ForwardingMethod.Masquerading ? (ushort)random.Next(1, 65536) : port;
                        servers.Add(new RealServer(rip, rport, method, random.Next(0, 65536)));
                    }
                }

                services.Add(new VirtualService(protocol, address, port, random.Next(2) == 0 ? "rr" : "wrr", servers));
            }

            string printed = IpvsRulePrinter.Print(new RuleSet(services));
            RuleSet parsed = IpvsRuleParser.Parse(printed, "random.ipvs");
            Assert.Equal(printed, IpvsRulePrinter.Print(parsed));
            Assert.Equal(services.Count, parsed.Services.Count);
            for (int i = 0; i < services.Count; i++)
            {
                Assert.Equal(services[i].RealServers, parsed.Services[i].RealServers);
            }
        }
    }
}
