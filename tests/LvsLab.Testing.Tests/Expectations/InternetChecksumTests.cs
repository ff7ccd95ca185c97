using LvsLab.Testing.Expectations;
using PacketDotNet;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class InternetChecksumTests
{
    [Fact]
    public void Ipv4HeaderChecksumOfAKnownHeader()
    {
        // A classic worked example: 192.168.0.1 → 192.168.0.199, UDP, DF, TTL 64; checksum 0xb861.
        byte[] header = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7];

        Assert.Equal(0xb861, InternetChecksum.Ipv4Header(header));

        // The header's own checksum field does not count.
        header[10] = 0x12;
        header[11] = 0x34;
        Assert.Equal(0xb861, InternetChecksum.Ipv4Header(header));
    }

    [Fact]
    public void HeaderWithItsChecksumSumsToZero()
    {
        var frame = Frames.SynAtDirector();

        Assert.Equal(0, InternetChecksum.Compute(frame.AsSpan(14, 20)));
    }

    [Fact]
    public void TcpAndUdpChecksumsAgreeWithPacketDotNet()
    {
        var tcp = Frames.SynAtDirector();
        var udp = Frames.UdpAtDirector();
        var tcpPacket = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, tcp)).Extract<TcpPacket>();
        var udpPacket = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, udp)).Extract<UdpPacket>();

        Assert.Equal(tcpPacket.Checksum, InternetChecksum.Transport(tcp.AsSpan(14)));
        Assert.Equal(udpPacket.Checksum, InternetChecksum.Transport(udp.AsSpan(14)));
    }

    [Fact]
    public void OtherProtocolsHaveNoTransportChecksum()
    {
        var arp = Frames.ArpForVip();
        byte[] icmp = [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];

        Assert.Throws<ArgumentException>(() => InternetChecksum.Transport(arp.AsSpan(14, 10)));
        Assert.Throws<ArgumentException>(() => InternetChecksum.Transport(icmp));
    }
}
