using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests.Vrrp;

/// <summary>
/// A NAT pair's floating gateway (<see cref="DirectorOptions.FloatingAddresses"/>): the master
/// answers the real servers' ARP for it on the interface whose subnet holds it, like a VIP that
/// serves nothing; a standby director does not.
/// </summary>
public class FloatingAddressEngineTests
{
    private static readonly Ipv4Address Gateway = Ipv4Address.Parse("10.2.0.254");
    private readonly byte[] _output = new byte[2048];

    [Fact]
    public void TheMasterAnswersForTheFloatingGatewayOnItsSubnetsInterfaceOnly()
    {
        DirectorEngine engine = Engine(Gateway);
        var asked = engine.Process(Int, Frames.ArpRequest(Rs1Mac, Rs1, Gateway), _output, 0);
        Assert.Equal(DecisionKind.ArpReply, asked.Kind);
        Assert.Equal(Int, asked.Interface);
        Assert.True(ArpPacket.TryRead(_output.AsSpan(EthernetFrame.HeaderLength), out ArpPacket reply, out _));
        Assert.Equal(IntMac, reply.SenderHardwareAddress);
        Assert.Equal(Gateway, reply.SenderProtocolAddress);

        // Asked on the clients' side, it is not answered: the address is not on that subnet.
        Assert.Equal(DecisionKind.Ignore, engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, Gateway), _output, 1).Kind);
    }

    [Fact]
    public void AStandbyDirectorLeavesTheFloatingGatewayToTheMaster()
    {
        DirectorEngine engine = Engine(Gateway);
        engine.Standby = true;
        Assert.Equal(DecisionKind.Ignore, engine.Process(Int, Frames.ArpRequest(Rs1Mac, Rs1, Gateway), _output, 0).Kind);
        engine.Standby = false;
        Assert.Equal(DecisionKind.ArpReply, engine.Process(Int, Frames.ArpRequest(Rs1Mac, Rs1, Gateway), _output, 1).Kind);
    }

    [Fact]
    public void TheFloatingGatewayServesNothingAndNatRepliesThroughItStillReachTheClient()
    {
        DirectorEngine engine = Engine(Gateway);

        // A packet addressed to the gateway itself is not a VIP's: nothing is scheduled.
        Assert.NotEqual(DecisionKind.Forward, engine.Process(Int, Frames.Tcp(Rs1, 8080, Gateway, 80, TcpFlags.Syn, 64, Rs1Mac, IntMac), _output, 0).Kind);
        Assert.Equal(0, engine.Connections.Count);

        // A connection in and its reply out, the reply sent to the gateway's MAC (the interface's).
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 1).Kind);
        Ipv4Address server = Ipv4Address.ReadFrom(_output.AsSpan(EthernetFrame.HeaderLength + 16));
        MacAddress serverMac = server == Rs1 ? Rs1Mac : Rs2Mac;
        Assert.Equal(DecisionKind.Forward, engine.Process(Int, NatLab.FromServer(server, serverMac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack), _output, 2).Kind);
    }

    [Fact]
    public void AFloatingAddressOnNoInterfacesSubnetIsNeverAnswered()
    {
        var away = Ipv4Address.Parse("192.168.77.1");
        DirectorEngine engine = Engine(away);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Int, Frames.ArpRequest(Rs1Mac, Rs1, away), _output, 0).Kind);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Ext, Frames.ArpRequest(ClientMac, ClientIp, away), _output, 0).Kind);
    }

    private static DirectorEngine Engine(Ipv4Address floating)
    {
        var engine = new DirectorEngine(NatLab.Options() with { FloatingAddresses = [floating] }, IpvsRuleParser.Parse(NatLab.Rules, "nat.ipvs"));
        engine.Neighbours.Set(Rs1, Rs1Mac);
        engine.Neighbours.Set(Rs2, Rs2Mac);
        engine.Neighbours.Set(ClientIp, ClientMac);
        return engine;
    }
}
