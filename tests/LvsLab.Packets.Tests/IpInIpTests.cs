using Xunit;

namespace LvsLab.Packets.Tests;

public class IpInIpTests
{
    private static readonly Ipv4Address Director = Ipv4Address.Parse("10.0.0.2");
    private static readonly Ipv4Address RealServer = Ipv4Address.Parse("10.0.1.11");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrapWritesOuterHeaderAndLeavesInnerUnchanged(bool dontFragment)
    {
        byte[] inner = ReferencePackets.Tcp("192.0.2.1", "10.0.0.100", 40000, 80, [1, 2, 3]);
        var innerView = new Ipv4Packet(inner) { DontFragment = dontFragment, TypeOfService = 0x10 };
        innerView.UpdateHeaderChecksum();

        byte[] output = new byte[inner.Length + 64];
        Assert.True(IpInIp.TryWrap(inner, Director, RealServer, output, out int written, out PacketError error, 0x4242), error.ToString());
        Assert.Equal(inner.Length + 20, written);

        Assert.True(Ipv4Packet.TryRead(output.AsSpan(0, written), out Ipv4Packet outer, out _));
        Assert.Equal(IpProtocol.IpInIp, outer.Protocol);
        Assert.Equal(64, outer.TimeToLive);
        Assert.Equal(dontFragment, outer.DontFragment);
        Assert.Equal(0x10, outer.TypeOfService);
        Assert.Equal(0x4242, outer.Identification);
        Assert.Equal(written, outer.TotalLength);
        Assert.Equal(Director, outer.Source);
        Assert.Equal(RealServer, outer.Destination);
        Assert.True(outer.IsHeaderChecksumValid);
        Assert.Equal(inner, outer.Payload.ToArray());

        var reference = new PacketDotNet.IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(output.AsSpan(0, written).ToArray()));
        Assert.True(reference.ValidIPChecksum);
        Assert.Equal(PacketDotNet.ProtocolType.IPv4, reference.Protocol);
    }

    [Fact]
    public void WrapInPlaceMovesTheInnerPacket()
    {
        byte[] inner = ReferencePackets.Udp("192.0.2.1", "10.0.0.100", 5000, 53, [7, 7, 7]);
        byte[] buffer = new byte[inner.Length + 20];
        inner.CopyTo(buffer, 0);
        Assert.True(IpInIp.TryWrap(buffer.AsSpan(0, inner.Length), Director, RealServer, buffer, out int written, out _));
        Assert.Equal(buffer.Length, written);
        Assert.Equal(inner, buffer[20..]);
    }

    [Fact]
    public void UnwrapGivesTheInnerPacket()
    {
        byte[] inner = ReferencePackets.Tcp("192.0.2.1", "10.0.0.100", 40000, 80, [9]);
        byte[] output = new byte[inner.Length + 20];
        Assert.True(IpInIp.TryWrap(inner, Director, RealServer, output, out _, out _));
        Assert.True(IpInIp.TryUnwrap(output, out Ipv4Packet unwrapped, out PacketError error), error.ToString());
        Assert.Equal(inner, unwrapped.Buffer.ToArray());
        Assert.Equal(Ipv4Address.Parse("10.0.0.100"), unwrapped.Destination);
    }

    [Fact]
    public void WrapRefusesSmallOutputAndInvalidInner()
    {
        byte[] inner = ReferencePackets.Udp("192.0.2.1", "10.0.0.100", 5000, 53, []);
        Assert.False(IpInIp.TryWrap(inner, Director, RealServer, new byte[inner.Length + 19], out _, out PacketError error));
        Assert.Equal(PacketError.OutputTooSmall, error);

        inner[0] = 0x65;
        Assert.False(IpInIp.TryWrap(inner, Director, RealServer, new byte[100], out _, out error));
        Assert.Equal(PacketError.BadVersion, error);
    }

    [Theory]
    [InlineData("not ipip", PacketError.NotIpInIp)]
    [InlineData("bad checksum", PacketError.BadChecksum)]
    [InlineData("fragment", PacketError.Fragment)]
    [InlineData("inner truncated", PacketError.Truncated)]
    [InlineData("outer truncated", PacketError.Truncated)]
    public void UnwrapRejects(string mutation, PacketError expected)
    {
        byte[] inner = ReferencePackets.Udp("192.0.2.1", "10.0.0.100", 5000, 53, []);
        byte[] output = new byte[inner.Length + 20];
        Assert.True(IpInIp.TryWrap(inner, Director, RealServer, output, out _, out _));
        Span<byte> span = output;
        var outer = new Ipv4Packet(output);
        switch (mutation)
        {
            case "not ipip":
                outer.Protocol = IpProtocol.Udp;
                outer.UpdateHeaderChecksum();
                break;
            case "bad checksum":
                outer.HeaderChecksum ^= 1;
                break;
            case "fragment":
                outer.MoreFragments = true;
                outer.UpdateHeaderChecksum();
                break;
            case "inner truncated":
                outer.TotalLength = 30;
                outer.UpdateHeaderChecksum();
                break;
            default:
                span = span[..10];
                break;
        }

        Assert.False(IpInIp.TryUnwrap(span, out _, out PacketError error));
        Assert.Equal(expected, error);
    }
}
