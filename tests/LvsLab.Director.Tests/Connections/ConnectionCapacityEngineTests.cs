using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Connections;

public class ConnectionCapacityEngineTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void ASynFloodBeyondTheCapacityEvictsTheIdlestConnectionsOnly()
    {
        var engine = new DirectorEngine(
            new DirectorOptions(DirectorMac, DirectorIp) { ConnectionCapacity = 100 }, IpvsRuleParser.Parse(DefaultRules, "cap.ipvs"));
        for (int i = 0; i < RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(RealServerIps[i], RealServerMacs[i]);
        }

        // A real client's connection, busy throughout the flood.
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        for (uint i = 0; i < 1000; i++)
        {
            var spoofed = new Ipv4Address(0xAC100000u + i);
            Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(spoofed, 1024, Vip, 80, TcpFlags.Syn), _output, 1).Kind);
            if (i % 50 == 0)
            {
                Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 1).Kind);
            }
        }

        Assert.Equal(100, engine.Connections.Count);
        Assert.Equal(901, engine.Connections.Evicted);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 2).Kind);

        // The first spoofed SYN was evicted: its next segment finds no connection.
        Assert.Equal(DropReason.NoConnection, engine.Process(Frames.Tcp(new Ipv4Address(0xAC100000u), 1024, Vip, 80, TcpFlags.Ack), _output, 2).Reason);
        AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void ACapacityBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DirectorOptions(DirectorMac, DirectorIp) { ConnectionCapacity = 0 });
}
