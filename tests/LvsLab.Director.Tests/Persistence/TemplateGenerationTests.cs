using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Persistence;

public class TemplateGenerationTests
{
    private const string Rules = """
        -A -t 10.0.0.100:80 -s rr -p 60
        -a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
        -a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1
        """;

    private readonly byte[] _output = new byte[2048];

    private int Send(DirectorEngine engine, ushort clientPort, TcpFlags flags, long now)
    {
        Decision decision = engine.Process(Frames.Tcp(ClientIp, clientPort, Vip, 80, flags), _output, now);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        return RealServerOf(MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void ATemplateReplacingAQuiescentOneStillControlsItsLiveConnection()
    {
        var options = new DirectorOptions(DirectorMac, DirectorIp) { ExpireQuiescentTemplate = true };
        var engine = new DirectorEngine(options, IpvsRuleParser.Parse(Rules, "f.ipvs"));
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
        }

        Assert.Equal(0, Send(engine, 1000, TcpFlags.Syn, 0));
        Send(engine, 1000, TcpFlags.Ack, 0);
        engine.SetWeight(0, 0, 0);
        Assert.Equal(1, Send(engine, 1001, TcpFlags.Syn, 1_000));
        Send(engine, 1001, TcpFlags.Ack, 1_000);
        engine.SetWeight(0, 0, 1);
        Assert.Equal(1, engine.Connections.Templates.Single().Value.Controlled);

        // The old connection (placed by the removed template) closes and leaves the table.
        Send(engine, 1000, TcpFlags.Rst, 2_000);
        engine.Process(Frames.Tcp(ClientIp, 5, Vip, 9, TcpFlags.Ack), _output, 20_000);
        Assert.Equal(1, engine.Connections.Count);
        Assert.Equal(1, engine.Connections.Templates.Single().Value.Controlled);

        // 61 s later the live connection 1001 on rs2 still holds the template: 1002 goes to rs2 too.
        Assert.Equal(1, Send(engine, 1002, TcpFlags.Syn, 62_000));
    }
}
