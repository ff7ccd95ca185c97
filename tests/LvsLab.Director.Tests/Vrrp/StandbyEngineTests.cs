using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests.Vrrp;

/// <summary>A director standing by (a VRRP backup) leaves the VIPs to the master, and takes its connections on when it becomes master.</summary>
public class StandbyEngineTests
{
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void AStandbyAnswersNoArpForTheVipAndForwardsNothingToIt()
    {
        DirectorEngine engine = Engine();
        engine.Standby = true;
        Assert.Equal(DecisionKind.Ignore, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0).Kind);
        Assert.Equal(Decision.Drop(DropReason.Standby), engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 10));
        Assert.Equal(0, engine.Connections.Count);
        Assert.Equal(1, engine.Counters.EnumerateDrops().Single(d => d.Key == DropReason.Standby).Value);
    }

    [Fact]
    public void AsMasterAgainItAnswersArpAndForwards()
    {
        DirectorEngine engine = Engine();
        engine.Standby = true;
        engine.Standby = false;
        Assert.Equal(DecisionKind.ArpReply, engine.Process(Frames.ArpRequest(ClientMac, ClientIp, Vip), _output, 0).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 10).Kind);
    }

    [Fact]
    public void ConnectionsHeldWhileStandingByCarryOnAfterTheTakeOver()
    {
        DirectorEngine engine = Engine();
        engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Syn), _output, 0);
        MacAddress second = MacAddress.ReadFrom(_output);
        engine.Standby = true;
        Assert.Equal(Decision.Drop(DropReason.Standby), engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 10));
        engine.Standby = false;
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40001, Vip, 80, TcpFlags.Ack), _output, 20).Kind);
        Assert.Equal(second, MacAddress.ReadFrom(_output));
        Assert.Equal(2, engine.Connections.Count);
    }

    [Fact]
    public void ARealServersArpIsStillLearnedWhileStandingBy()
    {
        DirectorEngine engine = Engine(learnNeighbours: false);
        engine.Standby = true;
        engine.Process(Frames.ArpReply(RealServerMacs[0], RealServerIps[0], DirectorMac, DirectorIp), _output, 0);
        engine.Standby = false;
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 10).Kind);
        Assert.Equal(RealServerMacs[0], MacAddress.ReadFrom(_output));
    }
}
