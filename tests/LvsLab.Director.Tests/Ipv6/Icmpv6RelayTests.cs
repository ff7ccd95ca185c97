using System.Buffers.Binary;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.Ipv6Lab;

namespace LvsLab.Director.Tests.Ipv6;

public class Icmpv6RelayTests
{
    private readonly byte[] _output = new byte[4096];

    [Fact]
    public void ARoutersPacketTooBigAboutADirectRoutingReplyGoesToTheConnectionsRealServerUnchanged()
    {
        DirectorEngine engine = Engine();
        engine.Process(Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        MacAddress server = MacAddress.ReadFrom(_output);

        // The real server's reply, from the VIP6, was too big for a link on the way back.
        byte[] reply = Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack, payloadLength: 1400);
        byte[] error = Icmpv6Error(RouterIp, Vip, Icmpv6Message.TypePacketTooBig, 1280, reply, RouterMac);
        Decision decision = engine.Process(error, _output, 1);

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(server, MacAddress.ReadFrom(_output));
        Assert.True(error.AsSpan(12).SequenceEqual(_output.AsSpan(12, error.Length - 12)));
    }

    [Fact]
    public void AnErrorAboutNoConnectionOrWithABadChecksumIsDropped()
    {
        DirectorEngine engine = Engine();
        byte[] reply = Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack);
        byte[] error = Icmpv6Error(RouterIp, Vip, Icmpv6Message.TypeDestinationUnreachable, 0, reply, RouterMac);
        Assert.Equal(DropReason.NoConnection, engine.Process(error, _output, 0).Reason);

        engine.Process(Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        error[^1] ^= 0xFF;
        Assert.Equal(DropReason.BadIcmpChecksum, engine.Process(error, _output, 1).Reason);
    }

    [Fact]
    public void NatRewritesAnErrorBothWaysAndComputesItsChecksumAfresh()
    {
        DirectorEngine engine = Engine(NatRules);
        engine.Neighbours.Set(NatRealServerIps[0], RealServerMacs[0]);
        engine.Process(Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);

        // In: the router's error about VIP6:80 → CIP:40000 reaches the real server as about RIP6:8080.
        byte[] reply = Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack, payloadLength: 1400);
        Decision decision = engine.Process(Icmpv6Error(RouterIp, Vip, Icmpv6Message.TypePacketTooBig, 1280, reply, RouterMac), _output, 1);
        Assert.Equal(DecisionKind.Forward, decision.Kind);

        // (This lab's NAT real servers are on another /64, behind the router.)
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        var ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(NatRealServerIps[0], ip.Destination);
        Assert.Equal(63, ip.HopLimit);
        Assert.True(Icmpv6ErrorMessage.TryRead(ip.Payload, out Icmpv6ErrorMessage icmp, out _));
        Assert.Equal(NatRealServerIps[0], icmp.QuotedSource);
        Assert.Equal(8080, icmp.QuotedSourcePort);
        Assert.True(icmp.IsChecksumValid(ip.Source, ip.Destination));

        // Out: the real server's port unreachable about CIP:40000 → RIP6:8080 reaches the client as about VIP6:80, from the VIP6.
        byte[] request = Tcp(ClientIp, 40000, NatRealServerIps[0], 8080, TcpFlags.Ack);
        decision = engine.Process(Icmpv6Error(NatRealServerIps[0], ClientIp, Icmpv6Message.TypeDestinationUnreachable, 0, request, RealServerMacs[0]), _output, 2);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(RouterMac, MacAddress.ReadFrom(_output));
        ip = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(Vip, ip.Source);
        Assert.True(Icmpv6ErrorMessage.TryRead(ip.Payload, out icmp, out _));
        Assert.Equal(Vip, icmp.QuotedDestination);
        Assert.Equal(80, icmp.QuotedDestinationPort);
        Assert.True(icmp.IsChecksumValid(ip.Source, ip.Destination));
        Assert.DoesNotContain(NatRealServerIps[0].ToString(), new Ipv6Packet(_output.AsSpan(14, decision.Length - 14)).Source.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ATunnelledConnectionsErrorIsWrappedToItsRealServer()
    {
        DirectorEngine engine = Engine(TunRules);
        engine.Process(Tcp(ClientIp, 40000, Vip, 80, TcpFlags.Syn), _output, 0);
        byte[] reply = Tcp(Vip, 80, ClientIp, 40000, TcpFlags.Ack);
        byte[] error = Icmpv6Error(RouterIp, Vip, Icmpv6Message.TypeTimeExceeded, 0, reply, RouterMac);
        Decision decision = engine.Process(error, _output, 1);

        Assert.Equal(DecisionKind.Forward, decision.Kind);
        var outer = new Ipv6Packet(_output.AsSpan(14, decision.Length - 14));
        Assert.Equal(TunRealServerIp, outer.Destination);
        Assert.Equal(IpProtocol.Ipv6, outer.NextHeader);
        Assert.True(error.AsSpan(14).SequenceEqual(_output.AsSpan(14 + 40, error.Length - 14)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(_output.AsSpan(12)) ^ EtherType.Ipv6);
    }
}
