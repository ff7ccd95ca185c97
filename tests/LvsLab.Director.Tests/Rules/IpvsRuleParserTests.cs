using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

public class IpvsRuleParserTests
{
    [Fact]
    public void ParsesServicesAndRealServersWithDefaults()
    {
        const string Text = """
            # web
            -A -t 10.0.0.100:80 -s rr

            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 3
            -a -t 10.0.0.100:80 -r 10.0.0.12
            -A -u 10.0.0.100:53 -s wrr   # dns
            -a -u 10.0.0.100:53 -r 10.0.0.13:5353 -m -w 0
            -a -u 10.0.0.100:53 -r 10.0.0.14:53 -i -w 65535
            """;

        RuleSet rules = IpvsRuleParser.Parse(Text, "rules.ipvs");

        Assert.Equal(2, rules.Services.Count);
        VirtualService web = rules.Services[0];
        Assert.Equal(ServiceProtocol.Tcp, web.Protocol);
        Assert.Equal(Ipv4Address.Parse("10.0.0.100"), web.Address);
        Assert.Equal(80, web.Port);
        Assert.Equal("rr", web.Scheduler);
        Assert.Equal(
            [
                new RealServer(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.DirectRouting, 3),
                new RealServer(Ipv4Address.Parse("10.0.0.12"), 80, ForwardingMethod.DirectRouting, 1),
            ],
            web.RealServers);

        VirtualService dns = rules.Services[1];
        Assert.Equal(ServiceProtocol.Udp, dns.Protocol);
        Assert.Equal("wrr", dns.Scheduler);
        Assert.Equal(
            [
                new RealServer(Ipv4Address.Parse("10.0.0.13"), 5353, ForwardingMethod.Masquerading, 0),
                new RealServer(Ipv4Address.Parse("10.0.0.14"), 53, ForwardingMethod.Tunnel, 65535),
            ],
            dns.RealServers);
        Assert.Same(dns, rules.Find(ServiceProtocol.Udp, Ipv4Address.Parse("10.0.0.100"), 53));
        Assert.Null(rules.Find(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), 53));
    }

    [Fact]
    public void LongOptionFormsAndCrLfAreAccepted()
    {
        const string Text =
            "--add-service --tcp-service 10.0.0.100:80 --scheduler wrr\r\n"
            + "--add-server --tcp-service 10.0.0.100:80 --real-server 10.0.0.11:80 --gatewaying --weight 2\r\n"
            + "--add-server --tcp-service=10.0.0.100:80 --real-server=10.0.0.12 --ipip --weight=4\r\n"
            + "--add-service --udp-service 10.0.0.100:53 --scheduler rr\r\n"
            + "--add-server --udp-service 10.0.0.100:53 --real-server 10.0.0.11:53 --masquerading\r\n";

        RuleSet rules = IpvsRuleParser.Parse(Text, "long.ipvs");

        Assert.Equal(
            """
            -A -t 10.0.0.100:80 -s wrr
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 2
            -a -t 10.0.0.100:80 -r 10.0.0.12:80 -i -w 4 --tun-type ipip
            -A -u 10.0.0.100:53 -s rr
            -a -u 10.0.0.100:53 -r 10.0.0.11:53 -m -w 1

            """.ReplaceLineEndings("\n"),
            IpvsRulePrinter.Print(rules));
    }

    [Fact]
    public void EmptyTextGivesEmptyRuleSet() =>
        Assert.Empty(IpvsRuleParser.Parse("\n# nothing\n   \n", "empty.ipvs").Services);

    [Theory]
    [InlineData("-A -t 10.0.0.100:80 -s foo", 1, "unknown scheduler 'foo' (IPVS schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -o", 1, "option '-o' (one-packet scheduling) only applies to UDP services, not -t 10.0.0.100:80")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -M 255.255.255.0", 1, "option '-M' needs -p (a netmask is the granularity of persistence)")]
    [InlineData("-E -t 10.0.0.100:80 -s rr", 1, "cannot edit service -t 10.0.0.100:80: it is not defined above (add it with -A first)")]
    [InlineData("-D -t 10.0.0.100:80", 1, "cannot delete service -t 10.0.0.100:80: it is not defined above")]
    [InlineData("-C -t 10.0.0.100:80", 1, "option '-t' cannot be used with -C (-C takes no options)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-e -t 10.0.0.100:80 -r 10.0.0.11", 2, "cannot edit real server 10.0.0.11:80: service -t 10.0.0.100:80 has no such real server")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-d -t 10.0.0.100:80 -r 10.0.0.11", 2, "cannot delete real server 10.0.0.11:80: service -t 10.0.0.100:80 has no such real server")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -q", 1, "unknown option '-q'")]
    [InlineData("-A -t 10.0.0.100:80 -s rr --frobnicate", 1, "unknown option '--frobnicate'")]
    [InlineData("-X", 1, "unknown option '-X'")]
    [InlineData("add -t 10.0.0.100:80", 1, "unexpected token 'add' (a line starts with a command: -A, -E, -D, -a, -e, -d or -C)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr extra", 1, "unexpected token 'extra'")]
    [InlineData("-A -t 10.0.0.100:80 -s", 1, "option '-s' needs a value")]
    [InlineData("-A -t -s rr", 1, "option '-t' needs a value")]
    [InlineData("-A -s rr", 1, "missing service: -A needs -t or -u a.b.c.d:port, or -f mark")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -s wrr", 1, "option '-s' is given more than once")]
    [InlineData("-A -t 10.0.0.100:80 -u 10.0.0.100:80 -s rr", 1, "option '-u' repeats the service (only one of -t, -u, -f per line)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -w 1", 1, "option '-w' cannot be used with -A (it belongs on an -a line)")]
    [InlineData("-A -t 10.0.0.100 -s rr", 1, "bad address '10.0.0.100': a service needs a port (a.b.c.d:port or [v6]:port)")]
    [InlineData("-A -t 10.0.0.100:0 -s rr", 1, "port 0 in '10.0.0.100:0' means every port, which only a persistent service (-p) may use")]
    [InlineData("-A -t 10.0.0.100:65536 -s rr", 1, "bad port 65536 in '10.0.0.100:65536': out of range 0..65535")]
    [InlineData("-A -t 10.0.0.100:http -s rr", 1, "bad port 'http' in '10.0.0.100:http': expected a number 0..65535 (numeric form, as ipvsadm-save -n prints)")]
    [InlineData("-A -t 10.0.0.300:80 -s rr", 1, "bad address '10.0.0.300:80': expected an IPv4 address a.b.c.d:port or an IPv6 address [2001:db8::1]:port (numeric form, as ipvsadm-save -n prints)")]
    [InlineData("-A -t www.example.com:80 -s rr", 1, "bad address 'www.example.com:80': expected an IPv4 address a.b.c.d:port or an IPv6 address [2001:db8::1]:port (numeric form, as ipvsadm-save -n prints)")]
    [InlineData("-A -t [::1]:80 -s rr", 1, "bad address '[::1]:80': ::1 is not a unicast IPv6 address a director can serve (mapped, unspecified, multicast, loopback and link-local addresses are refused)")]
    [InlineData("-A -t fd00::1:80 -s rr", 1, "bad address 'fd00::1:80': an IPv6 address goes in brackets, [2001:db8::1]:port")]
    [InlineData("-A -t [fd00::1:80 -s rr", 1, "bad address '[fd00::1:80': expected an IPv6 address in brackets, [2001:db8::1]:port")]
    [InlineData("-A -t [fd00::1] -s rr", 1, "bad address '[fd00::1]': a service needs a port (a.b.c.d:port or [v6]:port)")]
    [InlineData("-A -t [::ffff:10.0.0.1]:80 -s rr", 1, "bad address '[::ffff:10.0.0.1]:80': ::ffff:10.0.0.1 is not a unicast IPv6 address a director can serve (mapped, unspecified, multicast, loopback and link-local addresses are refused)")]
    [InlineData("-A -t [fd00::100]:80 -s rr\n-a -t [fd00::100]:80 -r 10.0.0.1:80 -g", 2, "real server 10.0.0.1 is IPv4 but service -t [fd00::100]:80 is IPv6: with -g (gatewaying) the packet keeps its family, so only -i (tunnelling) can cross families")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r [fd00::1]:80 -m", 2, "real server fd00::1 is IPv6 but service -t 10.0.0.100:80 is IPv4: with -m (masquerading) the packet keeps its family, so only -i (tunnelling) can cross families")]
    [InlineData("-A -t [fd00::100]:80 -s rr -p 60 -M 129", 1, "IPv6 persistence prefix length of -t [fd00::100]:80 '129' is not an integer in 1..128")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w x", 2, "weight 'x' is not an integer in 0..65535")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w -1", 2, "weight '-1' is not an integer in 0..65535")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w 65536", 2, "weight '65536' is not an integer in 0..65535")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w 1.5", 2, "weight '1.5' is not an integer in 0..65535")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w", 2, "option '-w' needs a value")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -g -m", 2, "option '-m' repeats the forwarding method (only one of -g, -m, -i per line)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -s rr", 2, "option '-s' cannot be used with -a (it belongs on an -A line)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -g", 2, "missing real server: -a needs -r a.b.c.d[:port]")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0:80", 2, "bad address '10.0.0:80': expected an IPv4 address a.b.c.d[:port] or an IPv6 address [2001:db8::1][:port] (numeric form, as ipvsadm-save -n prints)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:8080 -g", 2, "real server port 8080 differs from the service port 80: with -g (gatewaying) the packet is not rewritten, so only -m (masquerading) can change the port")]
    [InlineData("-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1\n-A -t 10.0.0.100:80 -s rr", 1, "real server for service -t 10.0.0.100:80, which is not defined above (add it with -A first)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -u 10.0.0.100:80 -r 10.0.0.11", 2, "real server for service -u 10.0.0.100:80, which is not defined above (add it with -A first)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n\n# again\n-A -t 10.0.0.100:80 -s wrr", 4, "duplicate service -t 10.0.0.100:80 (already defined on line 1)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:80\n-a -t 10.0.0.100:80 -r 10.0.0.11 -w 5", 3, "duplicate real server 10.0.0.11:80 in service -t 10.0.0.100:80 (already added on line 2)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr -A", 1, "option '-A' can only start a line (one command per line)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type gue", 2, "tunnel type 'gue' is not supported (supported: ipip)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type=gre", 2, "tunnel type 'gre' is not supported (supported: ipip)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type vxlan", 2, "unknown tunnel type 'vxlan' (supported: ipip)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type IPIP", 2, "unknown tunnel type 'IPIP' (supported: ipip)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type", 2, "option '--tun-type' needs a value")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type ipip --tun-type ipip", 2, "option '--tun-type' is given more than once")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -g --tun-type ipip", 2, "option '--tun-type' only applies to -i (ipip) real servers, not -g (gatewaying)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 --tun-type ipip", 2, "option '--tun-type' only applies to -i (ipip) real servers, not -g (gatewaying)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:8080 -m --tun-type ipip", 2, "option '--tun-type' only applies to -i (ipip) real servers, not -m (masquerading)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr --tun-type ipip", 1, "option '--tun-type' cannot be used with -A (it belongs on an -a line)")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-port 6080", 2, "option '--tun-port' is not supported yet")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-nocsum", 2, "option '--tun-nocsum' is not supported yet")]
    [InlineData("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:8080 -i", 2, "real server port 8080 differs from the service port 80: with -i (ipip) the packet is not rewritten, so only -m (masquerading) can change the port")]
    public void ErrorsNameTheLineAndTheReason(string text, int lineNumber, string reason)
    {
        RuleParseException error = Assert.Throws<RuleParseException>(() => IpvsRuleParser.Parse(text, "rules.ipvs"));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(lineNumber, error.LineNumber);
        Assert.Equal("rules.ipvs", error.SourceName);
        Assert.Equal(text.Split('\n')[lineNumber - 1], error.Line);
        Assert.Equal($"rules.ipvs:{lineNumber}: {reason}", error.Message);
    }

    [Theory]
    [InlineData("-a -t 10.0.0.100:80 -r 10.0.0.11:80 -i --tun-type ipip -w 2")]
    [InlineData("-a -t 10.0.0.100:80 -r 10.0.0.11:80 --tun-type ipip -i -w 2")]
    [InlineData("-a -t 10.0.0.100:80 -r 10.0.0.11 --ipip --tun-type=ipip --weight 2")]
    [InlineData("--add-server --tcp-service 10.0.0.100:80 --real-server 10.0.0.11:80 --ipip --tun-type ipip --weight=2")]
    [InlineData("-a -t 10.0.0.100:80 -r 10.0.0.11:80 -i -w 2")]
    public void TunTypeIpipIsTheDefaultTunnelAndPrintsAsIpvsadm131Does(string serverLine)
    {
        RuleSet rules = IpvsRuleParser.Parse("-A -t 10.0.0.100:80 -s rr\n" + serverLine + "\n", "tun.ipvs");

        Assert.Equal(
            new RealServer(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.Tunnel, 2),
            Assert.Single(rules.Services[0].RealServers));
        string printed = IpvsRulePrinter.Print(rules);
        Assert.Equal("-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.11:80 -i -w 2 --tun-type ipip\n", printed);
        Assert.Equal(printed, IpvsRulePrinter.Print(IpvsRuleParser.Parse(printed, "printed.ipvs")));
    }

    [Fact]
    public void SameRealServerMayServeTcpAndUdpAndSeveralServices()
    {
        RuleSet rules = IpvsRuleParser.Parse(
            """
            -A -t 10.0.0.100:80 -s rr
            -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
            -A -u 10.0.0.100:80 -s rr
            -a -u 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
            -A -t 10.0.0.101:80 -s rr
            -a -t 10.0.0.101:80 -r 10.0.0.11:80 -g -w 1
            """,
            "x");
        Assert.Equal(3, rules.Services.Count);
    }
}
