using Xunit;
using static LvsLab.Packets.Tests.Ipv6.Ipv6Reference;

namespace LvsLab.Packets.Tests.Ipv6;

public class Ipv6ExtensionHeadersTests
{
    private static readonly byte[] UdpHeader = [0x13, 0x88, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00];

    [Fact]
    public void NoExtensionHeaderGivesTheUpperLayerAt40()
    {
        byte[] packet = Tcp(Client, Vip, 40000, 80, []);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.Equal((IpProtocol.Tcp, 40, 0), (headers.UpperLayerProtocol, headers.UpperLayerOffset, headers.Count));
        Assert.False(headers.HasFragmentHeader);
        Assert.False(headers.IsFragment);
    }

    [Fact]
    public void AChainOfEveryKindReachesTheUpperLayer()
    {
        byte[] packet = Build(
            Client,
            Vip,
            IpProtocol.HopByHop,
            UdpHeader,
            extensionHeaders:
            [
                Extension(IpProtocol.Ipv6DestinationOptions, 8),
                Extension(IpProtocol.Ipv6Routing, 16),
                Extension(IpProtocol.Ipv6Fragment, 24),
                Fragment(IpProtocol.Ipv6DestinationOptions, 0, true, 0xCAFEBABE),
                Extension(IpProtocol.Udp, 8),
            ]);
        Assert.True(Ipv6Packet.TryRead(packet, out Ipv6Packet view, out _));
        Assert.True(Ipv6ExtensionHeaders.TryWalk(view, out Ipv6ExtensionHeaders headers, out PacketError error), error.ToString());
        Assert.Equal(IpProtocol.Udp, headers.UpperLayerProtocol);
        Assert.Equal(40 + 8 + 16 + 24 + 8 + 8, headers.UpperLayerOffset);
        Assert.Equal(5, headers.Count);
        Assert.True(headers.HasFragmentHeader);
        Assert.True(headers.IsFragment);
        Assert.True(headers.IsFirstFragment);
        Assert.False(headers.IsLaterFragment);
        Assert.Equal(0, headers.FragmentOffset);
        Assert.True(headers.MoreFragments);
        Assert.Equal(0xCAFEBABEu, headers.FragmentIdentification);
        Assert.True(UdpDatagram.TryRead(view.Buffer[headers.UpperLayerOffset..], out UdpDatagram udp, out _));
        Assert.Equal(53, udp.DestinationPort);

    }

    [Fact]
    public void AnMldReportsHopByHopRouterAlertIsPassedOver()
    {
        // What every MLDv2 report carries (RFC 3810 §5; RFC 2711): a hop-by-hop header, next
        // header 58, length 0 (8 bytes), the router alert option (05 02 00 00) and an empty PadN
        // (01 00).
        byte[] packet = Build(Client, "ff02::16", IpProtocol.HopByHop, [143, 0, 0, 0, 0, 0, 0, 0], hopLimit: 1, extensionHeaders: [[58, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00]]);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.Equal((IpProtocol.Icmpv6, 48, 1), (headers.UpperLayerProtocol, headers.UpperLayerOffset, headers.Count));
        Assert.Equal(143, packet[headers.UpperLayerOffset]);
    }

    [Theory]
    [InlineData(185, false)]
    [InlineData(8191, true)]
    [InlineData(1, false)]
    public void ALaterFragmentStopsAfterTheFragmentHeader(int offset, bool more)
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6Fragment, new byte[16], extensionHeaders: [Fragment(IpProtocol.Tcp, offset, more, 7)]);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.Equal((IpProtocol.Tcp, 48), (headers.UpperLayerProtocol, headers.UpperLayerOffset));
        Assert.True(headers.IsLaterFragment);
        Assert.False(headers.IsFirstFragment);
        Assert.Equal(offset, headers.FragmentOffset);
        Assert.Equal(more, headers.MoreFragments);
        Assert.Equal(7u, headers.FragmentIdentification);
    }

    [Fact]
    public void ALaterFragmentIsNotReadBeyondItsHeader()
    {
        // What follows a later fragment's header is data: 0xFF would be an unknown header.
        byte[] data = new byte[8];
        Array.Fill(data, (byte)0xFF);
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6Fragment, data, extensionHeaders: [Fragment(IpProtocol.Ipv6DestinationOptions, 10, false, 7)]);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.Equal(IpProtocol.Ipv6DestinationOptions, headers.UpperLayerProtocol);
    }

    [Fact]
    public void AnAtomicFragmentHasAHeaderButIsNoFragment()
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6Fragment, UdpHeader, extensionHeaders: [Fragment(IpProtocol.Udp, 0, false, 1)]);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.True(headers.HasFragmentHeader);
        Assert.False(headers.IsFragment);
        Assert.Equal((IpProtocol.Udp, 48), (headers.UpperLayerProtocol, headers.UpperLayerOffset));
    }

    [Theory]
    [InlineData(IpProtocol.Tcp)]
    [InlineData(IpProtocol.Udp)]
    [InlineData(IpProtocol.Icmpv6)]
    [InlineData(IpProtocol.IpInIp)]
    [InlineData(IpProtocol.Ipv6)]
    [InlineData(IpProtocol.Ipv6NoNextHeader)]
    public void TheWalkStopsAtEveryUpperLayer(byte protocol)
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6DestinationOptions, [], extensionHeaders: [Extension(protocol)]);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, out Ipv6ExtensionHeaders headers, out _));
        Assert.Equal((protocol, 48, 1), (headers.UpperLayerProtocol, headers.UpperLayerOffset, headers.Count));
    }

    [Theory]
    [InlineData(IpProtocol.Esp)]
    [InlineData(IpProtocol.Ah)]
    [InlineData(135)]
    [InlineData(47)]
    [InlineData(255)]
    public void AhEspAndUnknownHeadersAreUnsupported(byte protocol)
    {
        Assert.Equal(PacketError.UnsupportedNextHeader, Refusal(Build(Client, Vip, protocol, new byte[16])));
        Assert.Equal(PacketError.UnsupportedNextHeader, Refusal(Build(Client, Vip, IpProtocol.Ipv6Routing, new byte[16], extensionHeaders: [Extension(protocol)])));
    }

    [Fact]
    public void EightHeadersAreAcceptedNineAreNot()
    {
        byte[][] eight = Enumerable.Range(0, 8).Select(i => Extension(i == 7 ? IpProtocol.Udp : IpProtocol.Ipv6DestinationOptions)).ToArray();
        Assert.Equal(PacketError.None, Refusal(Build(Client, Vip, IpProtocol.Ipv6DestinationOptions, UdpHeader, extensionHeaders: eight)));

        byte[][] nine = Enumerable.Range(0, 9).Select(i => Extension(i == 8 ? IpProtocol.Udp : IpProtocol.Ipv6DestinationOptions)).ToArray();
        Assert.Equal(PacketError.ExtensionChainTooLong, Refusal(Build(Client, Vip, IpProtocol.Ipv6DestinationOptions, UdpHeader, extensionHeaders: nine)));
    }

    [Fact]
    public void TruncationIsFoundInTheHeaderAndInTheLengthItAnnounces()
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6Routing, [], extensionHeaders: [Extension(IpProtocol.Udp, 24)]);
        Assert.Equal(PacketError.None, Refusal(packet));
        Assert.Equal(PacketError.ExtensionHeaderTruncated, Refusal(packet[..(40 + 23)]));
        Assert.Equal(PacketError.ExtensionHeaderTruncated, Refusal(packet[..(40 + 7)]));
        Assert.Equal(PacketError.ExtensionHeaderTruncated, Refusal(packet[..40]));
        Assert.Equal(PacketError.Truncated, Refusal(packet[..39]));

        byte[] fragment = Build(Client, Vip, IpProtocol.Ipv6Fragment, [], extensionHeaders: [Fragment(IpProtocol.Udp, 0, true, 1)]);
        Assert.Equal(PacketError.ExtensionHeaderTruncated, Refusal(fragment[..47]));
    }

    [Fact]
    public void HopByHopOnlyFirst()
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6DestinationOptions, UdpHeader, extensionHeaders: [Extension(IpProtocol.HopByHop), Extension(IpProtocol.Udp)]);
        Assert.Equal(PacketError.HopByHopNotFirst, Refusal(packet));
    }

    [Fact]
    public void ASecondFragmentHeaderIsRefused()
    {
        byte[] packet = Build(Client, Vip, IpProtocol.Ipv6Fragment, UdpHeader, extensionHeaders: [Fragment(IpProtocol.Ipv6Fragment, 0, true, 1), Fragment(IpProtocol.Udp, 0, true, 2)]);
        Assert.Equal(PacketError.RepeatedFragmentHeader, Refusal(packet));
    }

    private static PacketError Refusal(byte[] packet)
    {
        Ipv6ExtensionHeaders.TryWalk(packet, out _, out PacketError error);
        return error;
    }
}
