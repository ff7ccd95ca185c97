using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>ICMP errors about a connection go to its real server (in) or to its client (out, NAT), as IPVS does.</summary>
public class IcmpErrorEngineTests
{
    private static readonly Ipv4Address FarRouter = Ipv4Address.Parse("172.16.9.1");
    private readonly byte[] _output = new byte[2048];

    private static DirectorEngine NatEngine()
    {
        DirectorEngine engine = NatLab.Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        engine.Neighbours.Set(RouterIp, RouterMac);
        return engine;
    }

    // The client's SYN to VIP:80 (NAT to rs1:8080), and the server's SYN-ACK back out.
    private void OpenNatConnection(DirectorEngine engine)
    {
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 1).Kind);
        Assert.Equal(Rs1Mac, MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void FragmentationNeededAboutANatReplyGoesToTheRealServerWithTheQuoteRewritten()
    {
        DirectorEngine engine = NatEngine();
        OpenNatConnection(engine);

        // A router between the director and the client could not pass VIP:80 -> CIP:40000.
        byte[] reply = Frames.Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack, payload: new byte[100]);
        byte[] error = IcmpFrames.Error(RouterMac, ExtMac, RouterIp, Vip, IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded, reply, 28, restOfHeader: 1400);
        Decision decision = engine.Process(Ext, error, _output, 2);

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(Int, decision.Interface);
        byte[] expected = IcmpFrames.Error(
            IntMac, Rs1Mac, RouterIp, Rs1, IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded,
            Frames.Tcp(Rs1, 8080, ClientIp, 40000, TcpFlags.Ack, payload: new byte[100]), 28, ttl: 63, restOfHeader: 1400);
        Assert.Equal(expected, _output[..decision.Length]);
        Assert.Equal(2, engine.Counters.GetRealServerTraffic(0, 0).Packets);
    }

    [Fact]
    public void PortUnreachableFromANatRealServerReachesTheClientFromTheVip()
    {
        DirectorEngine engine = NatEngine();
        byte[] query = Frames.Udp(ClientIp, 5000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, query, _output, 1).Kind);

        // rs1 has nothing on port 53: it answers the rewritten query CIP:5000 -> RS1:53.
        byte[] rewritten = Frames.Udp(ClientIp, 5000, Rs1, 53, ttl: 63);
        byte[] error = IcmpFrames.Error(Rs1Mac, IntMac, Rs1, ClientIp, IcmpFrames.DestinationUnreachable, IcmpFrames.PortUnreachable, rewritten);
        Decision decision = engine.Process(Int, error, _output, 2);

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(Ext, decision.Interface);
        byte[] expected = IcmpFrames.Error(
            ExtMac, ClientMac, Vip, ClientIp, IcmpFrames.DestinationUnreachable, IcmpFrames.PortUnreachable,
            Frames.Udp(ClientIp, 5000, Vip, 53, ttl: 63), ttl: 63);
        Assert.Equal(expected, _output[..decision.Length]);
        Assert.Equal(1, engine.Counters.GetServiceReplyTraffic(1).Packets);
    }

    [Fact]
    public void AnIcmpErrorAboutADrConnectionReachesItsRealServerUnchanged()
    {
        DirectorEngine engine = NatEngine();
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 443, TcpFlags.Syn), _output, 1).Kind);
        byte[] error = IcmpFrames.Error(
            RouterMac, ExtMac, FarRouter, Vip, IcmpFrames.TimeExceeded, 0, Frames.Tcp(Vip, 443, ClientIp, 40000, TcpFlags.Ack), 28);
        Decision decision = engine.Process(Ext, error, _output, 2);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(DrServerMac, MacAddress.ReadFrom(_output));
        Assert.Equal(error[12..], _output[12..decision.Length]);
    }

    [Fact]
    public void AnIcmpErrorAboutATunnelConnectionIsWrappedToItsRealServer()
    {
        DirectorEngine engine = TunLab.Engine();
        engine.Neighbours.Set(ClientIp, ClientMac);
        Assert.Equal(DecisionKind.Forward, engine.Process(Ext, FromClient(40000, 80, TcpFlags.Syn), _output, 1).Kind);
        byte[] error = IcmpFrames.Error(
            RouterMac, ExtMac, FarRouter, Vip, IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded, Frames.Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack), 28);
        Decision decision = engine.Process(Ext, error, _output, 2);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        TunLab.AssertTunnelled(_output.AsSpan(0, decision.Length), error, IntIp, Rs1);
    }

    [Fact]
    public void AnIcmpErrorWithoutAConnectionIsDropped()
    {
        DirectorEngine engine = NatEngine();
        byte[] error = IcmpFrames.Error(RouterMac, ExtMac, RouterIp, Vip, IcmpFrames.DestinationUnreachable, 1, Frames.Tcp(Vip, 80, ClientIp, 40999, TcpFlags.Ack), 28);
        Assert.Equal(DropReason.NoConnection, engine.Process(Ext, error, _output, 1).Reason);
    }

    [Fact]
    public void AnIcmpErrorWithABadChecksumIsDropped()
    {
        DirectorEngine engine = NatEngine();
        OpenNatConnection(engine);
        byte[] error = IcmpFrames.Error(RouterMac, ExtMac, RouterIp, Vip, IcmpFrames.DestinationUnreachable, 1, Frames.Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack), 28);
        error[^1] ^= 0x55;
        Assert.Equal(DropReason.BadIcmpChecksum, engine.Process(Ext, error, _output, 2).Reason);
    }

    [Fact]
    public void AnIcmpErrorWithAShortQuoteIsDropped()
    {
        DirectorEngine engine = NatEngine();
        OpenNatConnection(engine);
        byte[] error = IcmpFrames.Error(RouterMac, ExtMac, RouterIp, Vip, IcmpFrames.DestinationUnreachable, 1, Frames.Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack), 24);
        Assert.Equal(DropReason.MalformedIcmpError, engine.Process(Ext, error, _output, 2).Reason);
        DrLab.AssertCountedOnce(engine.Counters);
    }

    [Fact]
    public void AnEchoReplyFromANatRealServerIsNotTheDirectorsBusiness()
    {
        DirectorEngine engine = NatEngine();
        byte[] echo = Frames.IcmpEcho(Rs1, ClientIp);
        Rs1Mac.WriteTo(echo.AsSpan(6));
        IntMac.WriteTo(echo);
        Assert.Equal(DecisionKind.Ignore, engine.Process(Int, echo, _output, 1).Kind);
    }
}
