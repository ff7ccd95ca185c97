using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Vrrp;

/// <summary>
/// IPVS's <c>sloppy_tcp</c>: a director that takes over without the old one's table schedules
/// the connections it meets mid-way; with a consistent hash (<c>mh</c>) both directors of a
/// pair send a client to the same real server — Maglev's argument — which <c>rr</c> cannot.
/// </summary>
public class SloppyTcpTests
{
    private const string Maglev = "-A -t 10.0.0.100:80 -s mh\n-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g\n-a -t 10.0.0.100:80 -r 10.0.0.12:80 -g\n-a -t 10.0.0.100:80 -r 10.0.0.13:80 -g\n";

    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void WithoutItAMidConnectionSegmentIsDropped()
    {
        DirectorEngine engine = Engine();
        Assert.Equal(Decision.Drop(DropReason.NoConnection), engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack | TcpFlags.Psh), _output, 0));
        Assert.Equal(0, engine.Connections.Count);
    }

    [Fact]
    public void WithItAMidConnectionSegmentIsScheduledAndOpensAnEstablishedConnection()
    {
        DirectorEngine engine = Sloppy(DefaultRules);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack | TcpFlags.Psh), _output, 0).Kind);
        var entry = Assert.Single(engine.Connections.Entries).Value;
        Assert.Equal(LvsLab.Director.Connections.ConnectionState.Established, entry.State);
    }

    [Fact]
    public void ARstStillOpensNothing()
    {
        DirectorEngine engine = Sloppy(DefaultRules);
        Assert.Equal(Decision.Drop(DropReason.NoConnection), engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Rst | TcpFlags.Ack), _output, 0));
        Assert.Equal(0, engine.Connections.Count);
    }

    [Fact]
    public void WithMaglevASecondDirectorSendsEveryConnectionWhereTheFirstDid()
    {
        DirectorEngine first = Sloppy(Maglev);
        DirectorEngine second = Sloppy(Maglev);
        DirectorEngine roundRobin = Sloppy(DefaultRules);
        int rrAgrees = 0;
        for (ushort port = 40000; port < 40050; port++)
        {
            var client = new Ipv4Address(ClientIp.Value + (uint)(port % 7));
            first.Process(Frames.Tcp(client, port, Vip, 80, TcpFlags.Syn), _output, 0);
            MacAddress chosen = MacAddress.ReadFrom(_output);

            // The take-over: the second director meets the connection mid-way.
            Assert.Equal(DecisionKind.Forward, second.Process(Frames.Tcp(client, port, Vip, 80, TcpFlags.Ack | TcpFlags.Psh), _output, 10).Kind);
            Assert.Equal(chosen, MacAddress.ReadFrom(_output));
            roundRobin.Process(Frames.Tcp(client, port, Vip, 80, TcpFlags.Ack | TcpFlags.Psh), _output, 10);
            rrAgrees += MacAddress.ReadFrom(_output) == chosen ? 1 : 0;
        }

        // rr places them by arrival order, not by the connection: about a third agree by chance.
        Assert.InRange(rrAgrees, 0, 40);
    }

    private static DirectorEngine Sloppy(string rules)
    {
        var engine = new DirectorEngine(new DirectorOptions(DirectorMac, DirectorIp) { SloppyTcp = true }, IpvsRuleParser.Parse(rules, "lab.ipvs"));
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
        }

        return engine;
    }
}
