using Xunit;
using static LvsLab.Packets.Tests.Ipv6.Ipv6Reference;

namespace LvsLab.Packets.Tests.Ipv6;

public class Ipv6TunnelTests
{
    private static readonly Ipv6Address Director = Ipv6Address.Parse("fd00:2::2");
    private static readonly Ipv6Address Server = Ipv6Address.Parse(RealServer);

    [Fact]
    public void Ipv6InIpv6CopiesTheTrafficClassAndLeavesTheInnerPacketAlone()
    {
        byte[] inner = Tcp(Client, Vip, 40000, 80, [1, 2, 3], trafficClass: 0xB8, flowLabel: 0x12345);
        byte[] output = new byte[inner.Length + 64];
        Assert.True(Ipv6Tunnel.TryWrapIpv6(inner, Director, Server, output, out int written, out PacketError error), error.ToString());
        Assert.Equal(inner.Length + 40, written);

        Assert.True(Ipv6Packet.TryRead(output.AsSpan(0, written), out Ipv6Packet outer, out _));
        Assert.Equal((IpProtocol.Ipv6, (byte)64, (byte)0xB8, 0u), (outer.NextHeader, outer.HopLimit, outer.TrafficClass, outer.FlowLabel));
        Assert.Equal((Director, Server), (outer.Source, outer.Destination));
        Assert.Equal(inner.Length, outer.PayloadLength);
        Assert.Equal(inner, outer.Payload.ToArray());

        var reference = Decode(output[..written]);
        Assert.Equal(PacketDotNet.ProtocolType.IPv6, reference.NextHeader);

        Assert.True(Ipv6Tunnel.TryUnwrap(output.AsSpan(0, written), out Span<byte> unwrapped, out byte protocol, out error), error.ToString());
        Assert.Equal(IpProtocol.Ipv6, protocol);
        Assert.Equal(inner, unwrapped.ToArray());
    }

    [Fact]
    public void Ipv4InIpv6CopiesTheTypeOfService()
    {
        byte[] inner = ReferencePackets.Udp("192.0.2.1", "10.0.0.100", 5000, 53, [7, 7]);
        new Ipv4Packet(inner) { TypeOfService = 0x28 }.UpdateHeaderChecksum();
        byte[] output = new byte[inner.Length + 40];
        Assert.True(Ipv6Tunnel.TryWrapIpv4(inner, Director, Server, output, out int written, out _));
        Assert.Equal(output.Length, written);
        Assert.True(Ipv6Packet.TryRead(output, out Ipv6Packet outer, out _));
        Assert.Equal((IpProtocol.IpInIp, (byte)0x28, (byte)64), (outer.NextHeader, outer.TrafficClass, outer.HopLimit));
        Assert.Equal(inner, outer.Payload.ToArray());
        Assert.True(Ipv6Tunnel.TryUnwrap(output, out Span<byte> unwrapped, out byte protocol, out _));
        Assert.Equal(IpProtocol.IpInIp, protocol);
        Assert.Equal(inner, unwrapped.ToArray());
    }

    [Fact]
    public void WrappingInPlaceMovesTheInnerPacket()
    {
        byte[] inner = Udp(Client, Vip, 5000, 53, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        byte[] buffer = new byte[inner.Length + 40];
        inner.CopyTo(buffer, 0);
        Assert.True(Ipv6Tunnel.TryWrapIpv6(buffer.AsSpan(0, inner.Length), Director, Server, buffer, out int written, out _));
        Assert.Equal(buffer.Length, written);
        Assert.Equal(inner, buffer[40..]);

        byte[] inner4 = ReferencePackets.Tcp("192.0.2.1", "10.0.0.100", 40000, 80, [5]);
        buffer = new byte[inner4.Length + 40];
        inner4.CopyTo(buffer, 0);
        Assert.True(Ipv6Tunnel.TryWrapIpv4(buffer.AsSpan(0, inner4.Length), Director, Server, buffer, out _, out _));
        Assert.Equal(inner4, buffer[40..]);
    }

    [Fact]
    public void WrappingRefusesSmallOutputAndInvalidInner()
    {
        byte[] inner = Udp(Client, Vip, 5000, 53, []);
        Assert.False(Ipv6Tunnel.TryWrapIpv6(inner, Director, Server, new byte[inner.Length + 39], out _, out PacketError error));
        Assert.Equal(PacketError.OutputTooSmall, error);
        Assert.False(Ipv6Tunnel.TryWrapIpv4(inner, Director, Server, new byte[200], out _, out error));
        Assert.Equal(PacketError.BadVersion, error);
        Assert.False(Ipv6Tunnel.TryWrapIpv6(inner[..39], Director, Server, new byte[200], out _, out error));
        Assert.Equal(PacketError.Truncated, error);
    }

    [Fact]
    public void AMaximumInnerPacketIsTooLarge()
    {
        // An inner packet of 40 + 65,535 bytes cannot fit an outer payload length.
        byte[] inner = new byte[40 + 65535];
        Ipv6Packet.WriteHeader(inner, 0, 65535, IpProtocol.Ipv6NoNextHeader, 64, Director, Server);
        Assert.False(Ipv6Tunnel.TryWrapIpv6(inner, Director, Server, new byte[inner.Length + 40], out _, out PacketError error));
        Assert.Equal(PacketError.TooLarge, error);
    }

    [Fact]
    public void UnwrapRefusesOtherPayloadsAndFragments()
    {
        byte[] udp = Udp(Client, Vip, 5000, 53, []);
        Assert.False(Ipv6Tunnel.TryUnwrap(udp, out _, out _, out PacketError error));
        Assert.Equal(PacketError.WrongMessageType, error);

        byte[] inner = Udp(Client, Vip, 5000, 53, [1]);
        byte[] fragment = Build(Director.ToString(), RealServer, IpProtocol.Ipv6Fragment, inner, extensionHeaders: [Fragment(IpProtocol.Ipv6, 0, true, 3)]);
        Assert.False(Ipv6Tunnel.TryUnwrap(fragment, out _, out _, out error));
        Assert.Equal(PacketError.Fragment, error);

        byte[] truncatedInner = Build(Director.ToString(), RealServer, IpProtocol.Ipv6, inner[..39]);
        Assert.False(Ipv6Tunnel.TryUnwrap(truncatedInner, out _, out _, out error));
        Assert.Equal(PacketError.Truncated, error);

        byte[] badInner4 = Build(Director.ToString(), RealServer, IpProtocol.IpInIp, new byte[20]);
        Assert.False(Ipv6Tunnel.TryUnwrap(badInner4, out _, out _, out error));
        Assert.Equal(PacketError.BadVersion, error);
    }
}
