using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Persistence;

/// <summary>Firewall-mark services (-f): the LVS-HOWTO recipe of http and https sticking together.</summary>
public class FirewallMarkEngineTests
{
    private const string Marks = """
        # http and https of the VIP are one service (mark 1); the 10.0.9.0/24 block is mark 2.
        iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
        iptables -t mangle -A PREROUTING -d 10.0.9.0/24 -p udp --dport 53 -j MARK --set-mark 2
        """;

    private const string Rules = """
        -A -f 1 -s rr -p 60
        -a -f 1 -r 10.0.0.11:0 -g -w 1
        -a -f 1 -r 10.0.0.12:0 -g -w 1
        -A -f 2 -s rr
        -a -f 2 -r 10.0.0.13:0 -g -w 1
        -A -t 10.0.0.100:80 -s rr
        -a -t 10.0.0.100:80 -r 10.0.0.13:80 -g -w 1
        -A -t 10.0.0.100:22 -s rr
        -a -t 10.0.0.100:22 -r 10.0.0.13:22 -g -w 1
        """;

    private readonly byte[] _output = new byte[2048];

    private static DirectorEngine MarkEngine(string marks = Marks)
    {
        var engine = new DirectorEngine(
            new DirectorOptions(DirectorMac, DirectorIp), IpvsRuleParser.Parse(Rules, "fw.ipvs"), FirewallMarkRules.Parse(marks, "marks.rules"));
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
        }

        return engine;
    }

    private int Send(DirectorEngine engine, byte[] frame)
    {
        Decision decision = engine.Process(frame, _output, 1);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        return RealServerOf(MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void HttpAndHttpsOfAClientStickToOneServerThroughOneMarkService()
    {
        DirectorEngine engine = MarkEngine();
        int web = Send(engine, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn));
        Assert.InRange(web, 0, 1);
        Assert.Equal(web, Send(engine, Frames.Tcp(ClientIp, 40001, Vip, 443, TcpFlags.Syn)));
        Assert.Equal(web, Send(engine, Frames.Tcp(ClientIp, 40002, Vip, 80, TcpFlags.Syn)));

        // The mark service wins over the -t VIP:80 service, as in IPVS; port 22 is not marked.
        Assert.Equal(0, engine.Counters.GetServiceConnectionCount(2));
        Assert.Equal(2, Send(engine, Frames.Tcp(ClientIp, 40003, Vip, 22, TcpFlags.Syn)));
    }

    [Fact]
    public void WithoutTheMarkRulesPort80GoesToItsOwnService()
    {
        DirectorEngine engine = MarkEngine(marks: "");
        Assert.Equal(2, Send(engine, Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn)));
        Assert.Equal(DropReason.NoService, engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 443, TcpFlags.Syn), _output, 1).Reason);
    }

    [Fact]
    public void AMarkRulesHostDestinationIsAnsweredForAndASubnetIsRoutedIn()
    {
        DirectorEngine engine = MarkEngine();
        Assert.Equal(DecisionKind.ArpReply, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 1).Kind);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Ipv4Address.Parse("10.0.9.7")), _output, 1).Kind);

        // Any address of 10.0.9.0/24, UDP 53, routed to the director's MAC.
        Assert.Equal(2, Send(engine, Frames.Udp(ClientIp, 5000, Ipv4Address.Parse("10.0.9.7"), 53)));
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.Udp(ClientIp, 5000, Ipv4Address.Parse("10.0.9.7"), 54), _output, 1).Kind);
    }
}
