using Xunit;
using static LvsLab.Packets.Tests.Ipv6.Ipv6Reference;

namespace LvsLab.Packets.Tests.Ipv6;

public class Icmpv6ErrorTests
{
    private static readonly Ipv6Address Director = Ipv6Address.Parse("fd00:1::2");

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1232 - 60)]
    [InlineData(1232 - 59)]
    [InlineData(1400)]
    [InlineData(8000)]
    public void PacketTooBigQuotesAsMuchAsFits1280(int payloadLength)
    {
        byte[] original = Tcp(Client, Vip, 40000, 80, new byte[payloadLength]);
        byte[] output = new byte[Icmpv6Error.MaxLength + 10];
        Assert.True(Icmpv6Error.TryWritePacketTooBig(original, Director, 1280, output, out int written, out PacketError error), error.ToString());

        int quoted = Math.Min(original.Length, 1232);
        Assert.Equal(48 + quoted, written);
        Assert.True(written <= 1280);
        Assert.True(Ipv6Packet.TryRead(output.AsSpan(0, written), out Ipv6Packet ip, out _));
        Assert.Equal(written, ip.Buffer.Length);
        Assert.Equal((Director, Ipv6Address.Parse(Client), IpProtocol.Icmpv6, (byte)64), (ip.Source, ip.Destination, ip.NextHeader, ip.HopLimit));
        Assert.True(Icmpv6Message.TryRead(ip.Payload, out Icmpv6Message icmp, out _));
        Assert.Equal((Icmpv6Message.TypePacketTooBig, (byte)0, 1280u), (icmp.Type, icmp.Code, icmp.Mtu));
        Assert.True(icmp.IsChecksumValid(ip.Source, ip.Destination));
        Assert.Equal(original[..quoted], icmp.Payload.ToArray());

        // The slow reference and PacketDotNet agree on the checksum.
        byte[] message = ip.Payload.ToArray();
        message[2] = 0;
        message[3] = 0;
        Assert.Equal(SlowChecksum("fd00:1::2", Client, 58, message), icmp.Checksum);
        var reference = Decode(output[..written]);
        Assert.True(Assert.IsType<PacketDotNet.IcmpV6Packet>(reference.PayloadPacket).ValidIcmpChecksum);

        // And the error view finds the flow in it.
        Assert.True(Icmpv6ErrorMessage.TryRead(ip.Payload, out Icmpv6ErrorMessage view, out error), error.ToString());
        Assert.Equal(1280u, view.Mtu);
        Assert.Equal((Ipv6Address.Parse(Client), Ipv6Address.Parse(Vip)), (view.QuotedSource, view.QuotedDestination));
        Assert.Equal((IpProtocol.Tcp, (ushort)40000, (ushort)80), (view.QuotedProtocol, view.QuotedSourcePort, view.QuotedDestinationPort));
        Assert.True(view.HasQuotedPorts);
        Assert.True(view.IsChecksumValid(ip.Source, ip.Destination));
    }

    [Fact]
    public void PacketTooBigRefusesSmallOutputAndInvalidOriginal()
    {
        byte[] original = Udp(Client, Vip, 5000, 53, [1]);
        Assert.False(Icmpv6Error.TryWritePacketTooBig(original, Director, 1280, new byte[48 + original.Length - 1], out _, out PacketError error));
        Assert.Equal(PacketError.OutputTooSmall, error);
        original[0] = 0x45;
        Assert.False(Icmpv6Error.TryWritePacketTooBig(original, Director, 1280, new byte[1280], out _, out error));
        Assert.Equal(PacketError.BadVersion, error);
    }

    [Fact]
    public void AnErrorQuotingExtensionHeadersFindsThePortsAfterThem()
    {
        byte[] udp = [0x13, 0x88, 0x00, 0x35, 0x00, 0x10, 0xab, 0xcd, 1, 2, 3, 4, 5, 6, 7, 8];
        byte[] original = Build(Vip, Client, IpProtocol.Ipv6DestinationOptions, udp, extensionHeaders: [Extension(IpProtocol.Ipv6Fragment, 16), Fragment(IpProtocol.Udp, 0, true, 9)]);
        byte[] icmp = [1, 4, 0, 0, 0, 0, 0, 0, .. original];
        Assert.True(Icmpv6ErrorMessage.TryRead(icmp, out Icmpv6ErrorMessage view, out PacketError error), error.ToString());
        Assert.Equal((Icmpv6Message.TypeDestinationUnreachable, (byte)4), (view.Type, view.Code));
        Assert.Equal(IpProtocol.Udp, view.QuotedProtocol);
        Assert.Equal(40 + 16 + 8, view.QuotedTransportOffset);
        Assert.Equal((5000, 53), (view.QuotedSourcePort, view.QuotedDestinationPort));
        Assert.Equal((Ipv6Address.Parse(Vip), Ipv6Address.Parse(Client)), (view.QuotedSource, view.QuotedDestination));
        Assert.Equal(64, view.QuotedPacket.HopLimit);
        Assert.Equal(udp, view.QuotedTransport.ToArray());
    }

    [Fact]
    public void EveryRefusalHasItsMinimalInput()
    {
        byte[] original = Udp(Vip, Client, 53, 5000, [9]);
        byte[] icmp = [3, 0, 0, 0, 0, 0, 0, 0, .. original];
        Assert.Equal(PacketError.None, Refusal(icmp));
        Assert.Equal(PacketError.Truncated, Refusal(icmp[..7]));
        Assert.Equal(PacketError.QuoteTruncated, Refusal(icmp[..47]));
        Assert.Equal(PacketError.QuoteTruncated, Refusal(icmp[..(48 + 7)]));
        Assert.Equal(PacketError.None, Refusal(icmp[..(48 + 8)]));

        byte[] echo = (byte[])icmp.Clone();
        echo[0] = Icmpv6Message.TypeEchoRequest;
        Assert.Equal(PacketError.NotIcmpError, Refusal(echo));
        echo[0] = 135;
        Assert.Equal(PacketError.NotIcmpError, Refusal(echo));

        byte[] version4 = (byte[])icmp.Clone();
        version4[8] = 0x45;
        Assert.Equal(PacketError.BadVersion, Refusal(version4));

        byte[] esp = (byte[])icmp.Clone();
        esp[8 + 6] = IpProtocol.Esp;
        Assert.Equal(PacketError.UnsupportedNextHeader, Refusal(esp));

        // An extension header the quote cuts short.
        byte[] routed = Build(Vip, Client, IpProtocol.Ipv6Routing, new byte[8], extensionHeaders: [Extension(IpProtocol.Udp, 24)]);
        Assert.Equal(PacketError.QuoteTruncated, Refusal([2, 0, 0, 0, 0, 0, 5, 0, .. routed[..(40 + 20)]]));

        byte[] later = Build(Vip, Client, IpProtocol.Ipv6Fragment, new byte[16], extensionHeaders: [Fragment(IpProtocol.Udp, 100, false, 1)]);
        Assert.Equal(PacketError.Fragment, Refusal([3, 0, 0, 0, 0, 0, 0, 0, .. later]));

        byte[] chain = Build(Vip, Client, IpProtocol.Ipv6DestinationOptions, new byte[8], extensionHeaders: Enumerable.Range(0, 9).Select(i => Extension(i == 8 ? IpProtocol.Udp : IpProtocol.Ipv6DestinationOptions)).ToArray());
        Assert.Equal(PacketError.ExtensionChainTooLong, Refusal([3, 0, 0, 0, 0, 0, 0, 0, .. chain]));

        // No next header needs no upper-layer bytes; an echo quoted needs 8.
        byte[] none = Build(Vip, Client, IpProtocol.Ipv6NoNextHeader, []);
        Assert.Equal(PacketError.None, Refusal([4, 0, 0, 0, 0, 0, 0, 6, .. none]));
        byte[] quotedEcho = EchoRequest(Vip, Client, 1, 1, []);
        Assert.Equal(PacketError.QuoteTruncated, Refusal([3, 0, 0, 0, 0, 0, 0, 0, .. quotedEcho[..47]]));
    }

    [Fact]
    public void ErrorTypesAreOneToFour()
    {
        for (int type = 0; type < 256; type++)
        {
            Assert.Equal(type is >= 1 and <= 4, Icmpv6Message.IsError((byte)type));
        }
    }

    [Fact]
    public void TheMessageViewReadsAndWritesItsFields()
    {
        byte[] bytes = new byte[12];
        var message = new Icmpv6Message(bytes) { Type = 4, Code = 1, Pointer = 40 };
        Assert.Equal((4, 1, 40u, 40u, 40u), (message.Type, message.Code, message.Pointer, message.Mtu, message.RestOfHeader));
        Assert.Equal(8, message.Body.Length);
        Assert.Equal(4, message.Payload.Length);
        Assert.False(Icmpv6Message.TryRead(bytes.AsSpan(0, 7), out _, out PacketError error));
        Assert.Equal(PacketError.Truncated, error);
    }

    private static PacketError Refusal(byte[] icmp)
    {
        Icmpv6ErrorMessage.TryRead(icmp, out _, out PacketError error);
        return error;
    }
}
