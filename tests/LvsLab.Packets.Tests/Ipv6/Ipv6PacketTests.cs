using System.Net;
using Xunit;

namespace LvsLab.Packets.Tests.Ipv6;

public class Ipv6PacketTests
{
    [Fact]
    public void FieldsMatchPacketDotNet()
    {
        byte[] bytes = Ipv6Reference.Tcp(Ipv6Reference.Client, Ipv6Reference.Vip, 40000, 80, [1, 2, 3], trafficClass: 0xB8, flowLabel: 0xABCDE);
        var reference = Ipv6Reference.Decode(bytes);

        Assert.True(Ipv6Packet.TryRead(bytes, out Ipv6Packet packet, out PacketError error), error.ToString());
        Assert.Equal(6, packet.Version);
        Assert.Equal(0xB8, packet.TrafficClass);
        Assert.Equal(reference.TrafficClass, packet.TrafficClass);
        Assert.Equal(0xABCDEu, packet.FlowLabel);
        Assert.Equal(reference.FlowLabel, (int)packet.FlowLabel);
        Assert.Equal(reference.PayloadLength, packet.PayloadLength);
        Assert.Equal(20 + 3, packet.PayloadLength);
        Assert.Equal(IpProtocol.Tcp, packet.NextHeader);
        Assert.Equal((byte)reference.NextHeader, packet.NextHeader);
        Assert.Equal(64, packet.HopLimit);
        Assert.Equal(reference.SourceAddress, packet.Source.ToIPAddress());
        Assert.Equal(reference.DestinationAddress, packet.Destination.ToIPAddress());
        Assert.Equal(Ipv6Address.Parse(Ipv6Reference.Vip), packet.Destination);
        Assert.Equal(bytes[40..], packet.Payload.ToArray());
        Assert.Equal(bytes[..40], packet.Header.ToArray());
    }

    [Fact]
    public void FieldsAreWrittenInPlaceAndPacketDotNetReadsThem()
    {
        byte[] bytes = Ipv6Reference.Udp(Ipv6Reference.Client, Ipv6Reference.Vip, 5000, 53, [9, 9]);
        var packet = new Ipv6Packet(bytes)
        {
            TrafficClass = 0x2E,
            FlowLabel = 0xFFFFF,
            HopLimit = 7,
            Source = Ipv6Address.Parse("fd00:9::9"),
            Destination = Ipv6Address.Parse(Ipv6Reference.RealServer),
        };
        Assert.Equal(6, packet.Version);
        Assert.Equal(0x2E, packet.TrafficClass);
        Assert.Equal(0xFFFFFu, packet.FlowLabel);

        packet.FlowLabel = 0x12345;
        packet.TrafficClass = 0xFF;
        Assert.Equal(0x12345u, packet.FlowLabel);
        Assert.Equal(6, packet.Version);

        // The flow label keeps to its 20 bits.
        packet.FlowLabel = 0xFFF0_0001;
        Assert.Equal(0x00001u, packet.FlowLabel);
        Assert.Equal(0xFF, packet.TrafficClass);

        var reference = Ipv6Reference.Decode(bytes);
        Assert.Equal(0xFF, reference.TrafficClass);
        Assert.Equal(1, reference.FlowLabel);
        Assert.Equal(7, reference.HopLimit);
        Assert.Equal(IPAddress.Parse("fd00:9::9"), reference.SourceAddress);
        Assert.Equal(IPAddress.Parse(Ipv6Reference.RealServer), reference.DestinationAddress);

        packet.DecrementHopLimit();
        Assert.Equal(6, packet.HopLimit);
    }

    [Fact]
    public void WriteHeaderGivesTheBytesOfRfc8200()
    {
        byte[] buffer = new byte[40];
        Array.Fill(buffer, (byte)0xEE);
        Ipv6Packet.WriteHeader(buffer, 0xB8, 0x0123, IpProtocol.Udp, 255, Ipv6Address.Parse("fd00::1"), Ipv6Address.Parse("fd00::2"));
        byte[] expected =
        [
            0x6B, 0x80, 0x00, 0x00, 0x01, 0x23, 17, 255,
            0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
            0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
        ];
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void EthernetPaddingIsTrimmed()
    {
        byte[] packet = Ipv6Reference.Build("fd00::1", "fd00::2", IpProtocol.Ipv6NoNextHeader, []);
        byte[] padded = new byte[packet.Length + 6];
        packet.CopyTo(padded, 0);
        Assert.True(Ipv6Packet.TryRead(padded, out Ipv6Packet view, out _));
        Assert.Equal(40, view.Buffer.Length);
        Assert.True(view.Payload.IsEmpty);
    }

    [Fact]
    public void EveryErrorHasItsMinimalInput()
    {
        byte[] good = Ipv6Reference.Build("fd00::1", "fd00::2", IpProtocol.Udp, new byte[8]);
        Assert.Equal(PacketError.None, Refusal(good));

        Assert.Equal(PacketError.Truncated, Refusal(good[..39]));
        Assert.Equal(PacketError.Truncated, Refusal([]));

        byte[] version4 = (byte[])good.Clone();
        version4[0] = 0x45;
        Assert.Equal(PacketError.BadVersion, Refusal(version4));

        Assert.Equal(PacketError.PayloadLengthBeyondBuffer, Refusal(good[..47]));

        byte[] jumbo = Ipv6Reference.Build("fd00::1", "fd00::2", IpProtocol.HopByHop, new byte[8]);
        jumbo[4] = 0;
        jumbo[5] = 0;
        Assert.Equal(PacketError.Jumbogram, Refusal(jumbo));

        // Payload length 0 is fine otherwise (no next header, nothing follows).
        byte[] empty = Ipv6Reference.Build("fd00::1", "fd00::2", IpProtocol.Ipv6NoNextHeader, []);
        Assert.Equal(PacketError.None, Refusal(empty));
    }

    private static PacketError Refusal(byte[] bytes)
    {
        Ipv6Packet.TryRead(bytes, out _, out PacketError error);
        return error;
    }
}
