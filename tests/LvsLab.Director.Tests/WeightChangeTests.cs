using LvsLab.Packets;
using LvsLab.Director.Tests.Fixtures;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests;

public class WeightChangeTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void WeightZeroDrainsAServerWhileItsConnectionsGoOn()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 1);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));

        engine.SetWeight(0, 0, 0);

        // The existing connection stays on rs1…
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Ack), _output, 2).Kind);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
        // …new ones avoid it.
        var chosen = new HashSet<MacAddress>();
        for (ushort port = 41000; port < 41030; port++)
        {
            engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, 3);
            chosen.Add(MacAddress.ReadFrom(_output));
        }

        Assert.Equal(new HashSet<MacAddress> { RealServerMacs[1], RealServerMacs[2] }, chosen);
        Assert.Equal(0, engine.GetWeight(0, 0));
        Assert.Equal(1, engine.Rules.Services[0].RealServers[0].Weight);
    }

    [Fact]
    public void RestoredWeightBringsTheServerBackIntoRotation()
    {
        DirectorEngine engine = Engine();
        engine.SetWeight(0, 1, 0);
        engine.SetWeight(0, 1, 1);

        var chosen = new HashSet<MacAddress>();
        for (ushort port = 42000; port < 42006; port++)
        {
            engine.Process(Frames.Tcp(ClientIp, port, Vip, 80, TcpFlags.Syn), _output, 1);
            chosen.Add(MacAddress.ReadFrom(_output));
        }

        Assert.Contains(RealServerMacs[1], chosen);
    }

    [Fact]
    public void AllServersDrainedDropsNewConnectionsWithNoRealServer()
    {
        DirectorEngine engine = Engine();
        for (int i = 0; i < 3; i++)
        {
            engine.SetWeight(0, i, 0);
        }

        Assert.Equal(Decision.Drop(DropReason.NoRealServer), engine.Process(Frames.Tcp(ClientIp, 43000, Vip, 80, TcpFlags.Syn), _output, 1));
    }

    [Fact]
    public void OutOfRangeWeightChangesAreRefused()
    {
        DirectorEngine engine = Engine();

        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetWeight(0, 0, 65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetWeight(0, 9, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetWeight(9, 0, 1));
    }
}

public class PortReuseTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void NewSynOnAClosedConnectionIsScheduledAfreshNotSentToTheOldServer()
    {
        DirectorEngine engine = Engine();
        TcpFlags[] close = [TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Ack];
        foreach (TcpFlags flags in close)
        {
            engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, flags), _output, 1);
        }

        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));

        // The client reuses port 40000 for a new connection: rr moves on to the next server.
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 2);
        Assert.Equal(RealServerMacs[1], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void RetransmittedSynOfAnOpeningConnectionStaysOnItsServer()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn), _output, 1);
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn), _output, 2);

        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
        Assert.Equal(1, engine.Connections.Count);
    }
}
