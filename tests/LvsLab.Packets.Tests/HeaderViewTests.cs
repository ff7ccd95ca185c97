using System.Net;
using Xunit;

namespace LvsLab.Packets.Tests;

public class HeaderViewTests
{
    [Fact]
    public void EthernetFrameReadsAndWritesInPlace()
    {
        byte[] bytes = new byte[60];
        Assert.True(EthernetFrame.TryRead(bytes, out EthernetFrame frame, out PacketError error));
        Assert.Equal(PacketError.None, error);
        frame.Destination = MacAddress.Parse("02:00:00:00:00:01");
        frame.Source = MacAddress.Parse("02:00:00:00:00:02");
        frame.EtherType = EtherType.Ipv4;

        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 }, bytes[..14]);
        Assert.Equal(46, frame.Payload.Length);

        var reference = new PacketDotNet.EthernetPacket(new PacketDotNet.Utils.ByteArraySegment(bytes.AsSpan().ToArray()));
        Assert.Equal("020000000002", reference.SourceHardwareAddress.ToString());
        Assert.Equal(PacketDotNet.EthernetType.IPv4, reference.Type);
    }

    [Fact]
    public void EthernetFrameRejectsTruncatedBuffer()
    {
        Assert.False(EthernetFrame.TryRead(new byte[13], out _, out PacketError error));
        Assert.Equal(PacketError.Truncated, error);
    }

    [Fact]
    public void ArpPacketWriteMatchesPacketDotNet()
    {
        byte[] bytes = new byte[ArpPacket.Length];
        ArpPacket.Write(
            bytes,
            ArpOperation.Request,
            MacAddress.Parse("02:42:ac:11:00:02"),
            Ipv4Address.Parse("10.0.0.2"),
            MacAddress.Zero,
            Ipv4Address.Parse("10.0.0.100"));

        var reference = new PacketDotNet.ArpPacket(
            PacketDotNet.ArpOperation.Request,
            System.Net.NetworkInformation.PhysicalAddress.Parse("00-00-00-00-00-00"),
            IPAddress.Parse("10.0.0.100"),
            System.Net.NetworkInformation.PhysicalAddress.Parse("02-42-AC-11-00-02"),
            IPAddress.Parse("10.0.0.2"));
        Assert.Equal(reference.Bytes, bytes);

        Assert.True(ArpPacket.TryRead(bytes, out ArpPacket arp, out _));
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(MacAddress.Parse("02:42:ac:11:00:02"), arp.SenderHardwareAddress);
        Assert.Equal(Ipv4Address.Parse("10.0.0.2"), arp.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, arp.TargetHardwareAddress);
        Assert.Equal(Ipv4Address.Parse("10.0.0.100"), arp.TargetProtocolAddress);
        Assert.False(arp.IsGratuitous);
    }

    [Theory]
    [InlineData(27, 0, PacketError.Truncated)]
    [InlineData(28, 1, PacketError.UnsupportedArpFormat)]
    [InlineData(28, 2, PacketError.UnsupportedArpFormat)]
    [InlineData(28, 4, PacketError.UnsupportedArpFormat)]
    [InlineData(28, 5, PacketError.UnsupportedArpFormat)]
    public void ArpPacketRejectsTruncatedOrForeignFormats(int length, int corruptOffset, PacketError expected)
    {
        byte[] bytes = new byte[28];
        ArpPacket.Write(bytes, ArpOperation.Reply, MacAddress.Broadcast, default, MacAddress.Broadcast, default);
        bytes[corruptOffset] ^= 0x40;
        Assert.False(ArpPacket.TryRead(bytes.AsSpan(0, length), out _, out PacketError error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Ipv4PacketReadsPacketDotNetPacket()
    {
        byte[] bytes = ReferencePackets.Tcp("10.0.0.1", "10.0.0.100", 40000, 80, [1, 2, 3]);
        Assert.True(Ipv4Packet.TryRead(bytes, out Ipv4Packet ip, out PacketError error), error.ToString());
        Assert.Equal(4, ip.Version);
        Assert.Equal(5, ip.Ihl);
        Assert.Equal(20, ip.HeaderLength);
        Assert.Equal(bytes.Length, ip.TotalLength);
        Assert.Equal(0x1234, ip.Identification);
        Assert.Equal(64, ip.TimeToLive);
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), ip.Source);
        Assert.Equal(Ipv4Address.Parse("10.0.0.100"), ip.Destination);
        Assert.True(ip.IsHeaderChecksumValid);
        Assert.Equal(bytes.Length - 20, ip.Payload.Length);
        Assert.True(ip.Options.IsEmpty);

        ushort stored = ip.HeaderChecksum;
        ip.UpdateHeaderChecksum();
        Assert.Equal(stored, ip.HeaderChecksum);
    }

    [Fact]
    public void Ipv4PacketTrimsEthernetPaddingToTotalLength()
    {
        byte[] packet = ReferencePackets.Udp("10.0.0.1", "10.0.0.100", 1, 2, []);
        byte[] padded = new byte[packet.Length + 10];
        packet.CopyTo(padded, 0);
        Assert.True(Ipv4Packet.TryRead(padded, out Ipv4Packet ip, out _));
        Assert.Equal(packet.Length, ip.Buffer.Length);
        Assert.Equal(8, ip.Payload.Length);
    }

    [Fact]
    public void Ipv4PacketFlagsAndFragmentOffset()
    {
        byte[] bytes = ReferencePackets.Udp("10.0.0.1", "10.0.0.100", 1, 2, [9]);
        var ip = new Ipv4Packet(bytes);
        ip.FlagsAndFragmentOffset = 0;
        Assert.False(ip.IsFragment);
        ip.DontFragment = true;
        Assert.Equal(0x4000, ip.FlagsAndFragmentOffset);
        Assert.True(ip.DontFragment);
        Assert.False(ip.IsFragment);
        ip.MoreFragments = true;
        Assert.Equal(0x6000, ip.FlagsAndFragmentOffset);
        Assert.True(ip.IsFragment);
        ip.MoreFragments = false;
        ip.FragmentOffset = 185;
        Assert.Equal(0x4000 | 185, ip.FlagsAndFragmentOffset);
        Assert.True(ip.IsFragment);
        Assert.Equal(185, ip.FragmentOffset);
        ip.DontFragment = false;
        Assert.Equal(185, ip.FlagsAndFragmentOffset);

        ip.TimeToLive = 3;
        ip.TypeOfService = 0xb8;
        ip.Source = Ipv4Address.Parse("1.2.3.4");
        ip.UpdateHeaderChecksum();
        var reference = new PacketDotNet.IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        Assert.Equal(3, reference.TimeToLive);
        Assert.Equal(0xb8, reference.TypeOfService);
        Assert.Equal("1.2.3.4", reference.SourceAddress.ToString());
        Assert.Equal(185, reference.FragmentOffset);
        Assert.True(reference.ValidIPChecksum);
    }

    [Fact]
    public void Ipv4PacketAllowsOptions()
    {
        byte[] inner = ReferencePackets.Udp("10.0.0.1", "10.0.0.100", 1, 2, [1, 2]);
        byte[] withOptions = new byte[inner.Length + 4];
        inner.AsSpan(0, 20).CopyTo(withOptions);
        withOptions[20] = 1; // NOP
        withOptions[21] = 1;
        withOptions[22] = 1;
        withOptions[23] = 0; // End of options
        inner.AsSpan(20).CopyTo(withOptions.AsSpan(24));
        var raw = new Ipv4Packet(withOptions) { Ihl = 6, TotalLength = (ushort)withOptions.Length };
        raw.UpdateHeaderChecksum();

        Assert.True(Ipv4Packet.TryRead(withOptions, out Ipv4Packet ip, out _));
        Assert.Equal(24, ip.HeaderLength);
        Assert.Equal(4, ip.Options.Length);
        Assert.True(ip.IsHeaderChecksumValid);
        Assert.True(UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out _));
        Assert.Equal(2, udp.DestinationPort);
    }

    [Theory]
    [InlineData("truncated", PacketError.Truncated)]
    [InlineData("version 6", PacketError.BadVersion)]
    [InlineData("ihl 4", PacketError.BadHeaderLength)]
    [InlineData("ihl beyond buffer", PacketError.BadHeaderLength)]
    [InlineData("total length beyond buffer", PacketError.TotalLengthBeyondBuffer)]
    [InlineData("total length below header", PacketError.TotalLengthTooSmall)]
    public void Ipv4PacketRejectsMalformedHeaders(string mutation, PacketError expected)
    {
        byte[] bytes = ReferencePackets.Udp("10.0.0.1", "10.0.0.100", 1, 2, []);
        Span<byte> span = bytes;
        switch (mutation)
        {
            case "truncated":
                span = span[..19];
                break;
            case "version 6":
                bytes[0] = 0x65;
                break;
            case "ihl 4":
                bytes[0] = 0x44;
                break;
            case "ihl beyond buffer":
                bytes[0] = 0x4F;
                break;
            case "total length beyond buffer":
                bytes[3] = (byte)(bytes.Length + 1);
                break;
            default:
                bytes[3] = 19;
                break;
        }

        Assert.False(Ipv4Packet.TryRead(span, out _, out PacketError error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TcpSegmentReadsAndWritesFields()
    {
        byte[] bytes = ReferencePackets.Tcp("10.0.0.1", "10.0.0.100", 40000, 80, [0xAA, 0xBB], syn: true, ack: true);
        Assert.True(Ipv4Packet.TryRead(bytes, out Ipv4Packet ip, out _));
        Assert.True(TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out PacketError error), error.ToString());
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(80, tcp.DestinationPort);
        Assert.Equal(0x01020304u, tcp.SequenceNumber);
        Assert.Equal(0x0A0B0C0Du, tcp.AcknowledgmentNumber);
        Assert.Equal(5, tcp.DataOffset);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, tcp.Flags);
        Assert.True(tcp.Syn);
        Assert.True(tcp.Ack);
        Assert.False(tcp.Fin);
        Assert.False(tcp.Rst);
        Assert.Equal(64240, tcp.Window);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, tcp.Payload.ToArray());
        Assert.True(tcp.IsChecksumValid(ip.Source, ip.Destination));

        tcp.Flags = TcpFlags.Fin | TcpFlags.Ack;
        tcp.DestinationPort = 8080;
        tcp.UpdateChecksum(ip.Source, ip.Destination);
        var reference = new PacketDotNet.IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        var referenceTcp = (PacketDotNet.TcpPacket)reference.PayloadPacket;
        Assert.True(referenceTcp.Finished);
        Assert.False(referenceTcp.Synchronize);
        Assert.Equal(8080, referenceTcp.DestinationPort);
        Assert.True(referenceTcp.ValidTcpChecksum);
    }

    [Theory]
    [InlineData(19, 0x50, PacketError.Truncated)]
    [InlineData(20, 0x40, PacketError.BadDataOffset)]
    [InlineData(20, 0x60, PacketError.BadDataOffset)]
    [InlineData(24, 0x60, PacketError.None)]
    public void TcpSegmentValidatesDataOffset(int length, byte dataOffsetByte, PacketError expected)
    {
        byte[] bytes = new byte[length];
        if (length > 12)
        {
            bytes[12] = dataOffsetByte;
        }

        Assert.Equal(expected == PacketError.None, TcpSegment.TryRead(bytes, out _, out PacketError error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void UdpDatagramReadsFieldsAndTrimsToLength()
    {
        byte[] bytes = ReferencePackets.Udp("10.0.0.1", "10.0.0.100", 5353, 53, [1, 2, 3, 4]);
        Assert.True(Ipv4Packet.TryRead(bytes, out Ipv4Packet ip, out _));
        Assert.True(UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out _));
        Assert.Equal(5353, udp.SourcePort);
        Assert.Equal(53, udp.DestinationPort);
        Assert.Equal(12, udp.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, udp.Payload.ToArray());
        Assert.True(udp.IsChecksumValid(ip.Source, ip.Destination));
        udp.Checksum = 0;
        Assert.True(udp.IsChecksumValid(ip.Source, ip.Destination));
    }

    [Theory]
    [InlineData(7, 8, PacketError.Truncated)]
    [InlineData(8, 7, PacketError.BadLength)]
    [InlineData(8, 9, PacketError.BadLength)]
    [InlineData(10, 9, PacketError.None)]
    public void UdpDatagramValidatesLength(int bufferLength, int lengthField, PacketError expected)
    {
        byte[] bytes = new byte[bufferLength];
        if (bufferLength >= 6)
        {
            bytes[5] = (byte)lengthField;
        }

        Assert.Equal(expected == PacketError.None, UdpDatagram.TryRead(bytes, out UdpDatagram udp, out PacketError error));
        Assert.Equal(expected, error);
        if (expected == PacketError.None)
        {
            Assert.Equal(lengthField, udp.Buffer.Length);
        }
    }

    [Fact]
    public void IcmpMessageReadsAndWritesFields()
    {
        byte[] bytes = new byte[12];
        Assert.False(IcmpMessage.TryRead(bytes.AsSpan(0, 7), out _, out PacketError error));
        Assert.Equal(PacketError.Truncated, error);
        Assert.True(IcmpMessage.TryRead(bytes, out IcmpMessage icmp, out _));
        icmp.Type = IcmpMessage.TypeDestinationUnreachable;
        icmp.Code = 4;
        icmp.RestOfHeader = 1400;
        icmp.UpdateChecksum();
        Assert.True(icmp.IsChecksumValid);
        Assert.Equal(new byte[] { 3, 4 }, bytes[..2]);
        Assert.Equal(new byte[] { 0, 0, 0x05, 0x78 }, bytes[4..8]);
        Assert.Equal(4, icmp.Payload.Length);
    }
}
