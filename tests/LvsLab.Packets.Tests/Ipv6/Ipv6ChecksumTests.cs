using PacketDotNet.Utils;
using Xunit;
using static LvsLab.Packets.Tests.Ipv6.Ipv6Reference;

namespace LvsLab.Packets.Tests.Ipv6;

public class Ipv6ChecksumTests
{
    [Fact]
    public void TcpAndUdpChecksumsMatchPacketDotNetAndTheSlowReference()
    {
        var random = new Random(8200);
        for (int round = 0; round < 300; round++)
        {
            byte[] payload = new byte[random.Next(0, 101)];
            random.NextBytes(payload);
            byte[] tcpBytes = Tcp(Client, Vip, (ushort)random.Next(1, 65536), 80, payload);
            Assert.True(Ipv6Packet.TryRead(tcpBytes, out Ipv6Packet ip, out _));
            Assert.True(TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out _));
            ushort expected = tcp.Checksum;
            Assert.True(tcp.IsChecksumValid(ip.Source, ip.Destination));
            tcp.UpdateChecksum(ip.Source, ip.Destination);
            Assert.Equal(expected, tcp.Checksum);
            tcp.Checksum = 0;
            Assert.Equal(SlowChecksum(Client, Vip, IpProtocol.Tcp, tcp.Buffer), Checksum.ComputeTransport(ip.Source, ip.Destination, IpProtocol.Tcp, tcp.Buffer));

            byte[] udpBytes = Udp(Client, Vip, (ushort)random.Next(1, 65536), 53, payload);
            Assert.True(Ipv6Packet.TryRead(udpBytes, out ip, out _));
            Assert.True(UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out _));
            expected = udp.Checksum;
            Assert.True(udp.IsChecksumValid(ip.Source, ip.Destination));
            udp.UpdateChecksum(ip.Source, ip.Destination);
            Assert.Equal(expected, udp.Checksum);
            Assert.True(Decode(udpBytes).PayloadPacket is PacketDotNet.UdpPacket { ValidUdpChecksum: true });
        }
    }

    [Fact]
    public void Icmpv6ChecksumMatchesTheSlowReferenceAndPacketDotNet()
    {
        var random = new Random(4443);
        for (int round = 0; round < 300; round++)
        {
            byte[] data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            byte[] packet = EchoRequest(Client, Vip, (ushort)random.Next(65536), (ushort)round, data);
            Assert.True(Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out _));
            Assert.True(Icmpv6Message.TryRead(ip.Payload, out Icmpv6Message icmp, out _));
            Assert.True(icmp.IsChecksumValid(ip.Source, ip.Destination));
            ushort expected = icmp.Checksum;
            icmp.UpdateChecksum(ip.Source, ip.Destination);
            Assert.Equal(expected, icmp.Checksum);

            var reference = Decode(packet);
            var referenceIcmp = Assert.IsType<PacketDotNet.IcmpV6Packet>(reference.PayloadPacket);
            Assert.True(referenceIcmp.ValidIcmpChecksum);
            Assert.Equal(expected, referenceIcmp.Checksum);

            // The pseudo-header counts: the same message to another address does not verify.
            Assert.False(icmp.IsChecksumValid(ip.Source, Ipv6Address.Parse(RealServer)));
        }
    }

    [Fact]
    public void AKnownEchoRequestHasAKnownChecksum()
    {
        // fe80::1 -> fe80::2, echo request id 0x1234 seq 1, no data. Sum of the pseudo-header:
        // fe80+1+fe80+2 + length 8 + next header 58 = 0x1fd45; message: 0x8000+0x1234+1 =
        // 0x9235; total 0x1fd45 + 0x9235 = 0x28f7a -> 0x8f7c; checksum ~0x8f7c = 0x7083.
        byte[] packet = EchoRequest("fe80::1", "fe80::2", 0x1234, 1, []);
        Assert.Equal(0x70, packet[42]);
        Assert.Equal(0x83, packet[43]);
        Assert.True(new Icmpv6Message(packet.AsSpan(40)).IsChecksumValid(Ipv6Address.Parse("fe80::1"), Ipv6Address.Parse("fe80::2")));
    }

    [Fact]
    public void AUdpChecksumOfZeroIsInvalidOverIpv6()
    {
        byte[] bytes = Udp(Client, Vip, 5000, 53, [1, 2, 3]);
        Assert.True(Ipv6Packet.TryRead(bytes, out Ipv6Packet ip, out _));
        var udp = new UdpDatagram(ip.Payload) { Checksum = 0 };
        Assert.False(udp.IsChecksumValid(ip.Source, ip.Destination));

        // Over IPv4 a 0 still means "none".
        Assert.True(udp.IsChecksumValid(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2")));
    }

    [Fact]
    public void AComputedZeroIsStoredAsAllOnes()
    {
        // Find a datagram whose checksum field, computed, is 0 (the sum is 0xFFFF): vary the
        // last two payload bytes until it is, so the rule is exercised, not assumed.
        byte[] bytes = Udp(Client, Vip, 5000, 53, [0, 0]);
        Assert.True(Ipv6Packet.TryRead(bytes, out Ipv6Packet ip, out _));
        var udp = new UdpDatagram(ip.Payload);
        udp.Checksum = 0;
        ushort sum = Checksum.ComputeTransport(ip.Source, ip.Destination, IpProtocol.Udp, udp.Buffer);

        // Adding the checksum value as data makes the sum all ones, so the checksum 0.
        udp.Payload[0] = (byte)(sum >> 8);
        udp.Payload[1] = (byte)sum;
        Assert.Equal(0, Checksum.ComputeTransport(ip.Source, ip.Destination, IpProtocol.Udp, udp.Buffer));
        udp.UpdateChecksum(ip.Source, ip.Destination);
        Assert.Equal(0xFFFF, udp.Checksum);
        Assert.True(udp.IsChecksumValid(ip.Source, ip.Destination));
    }

    [Fact]
    public void TheUpdateFor128BitAddressesEqualsAFullRecompute()
    {
        // What a NAT rewrite of an IPv6 address does to the TCP, UDP or ICMPv6 checksum; the
        // port as well, for TCP and UDP.
        var random = new Random(1624);
        byte[] addressBytes = new byte[16];
        for (int round = 0; round < 3000; round++)
        {
            byte[] payload = new byte[random.Next(0, 60)];
            random.NextBytes(payload);
            int kind = round % 3;
            byte[] bytes = kind switch
            {
                0 => Tcp(Client, Vip, (ushort)random.Next(1, 65536), 80, payload),
                1 => Udp(Client, Vip, (ushort)random.Next(1, 65536), 53, payload),
                _ => EchoRequest(Client, Vip, 1, (ushort)round, payload),
            };
            Assert.True(Ipv6Packet.TryRead(bytes, out Ipv6Packet ip, out _));
            random.NextBytes(addressBytes);
            Ipv6Address newAddress = Ipv6Address.ReadFrom(addressBytes);
            Ipv6Address oldAddress = ip.Destination;
            Span<byte> upper = ip.Payload;
            int checksumOffset = kind switch { 0 => 16, 1 => 6, _ => 2 };
            ushort checksum = (ushort)((upper[checksumOffset] << 8) | upper[checksumOffset + 1]);

            checksum = Checksum.Update128(checksum, oldAddress, newAddress);
            ip.Destination = newAddress;
            if (kind != 2)
            {
                ushort oldPort = (ushort)((upper[2] << 8) | upper[3]);
                ushort newPort = (ushort)random.Next(65536);
                checksum = Checksum.Update16(checksum, oldPort, newPort);
                upper[2] = (byte)(newPort >> 8);
                upper[3] = (byte)newPort;
            }

            upper[checksumOffset] = 0;
            upper[checksumOffset + 1] = 0;
            ushort full = SlowChecksum(ip.Source.ToIPAddress().GetAddressBytes(), newAddress.ToIPAddress().GetAddressBytes(), ip.NextHeader, upper);
            if (kind == 1)
            {
                Assert.Equal(full == 0 ? 0xFFFF : full, checksum == 0 ? 0xFFFF : checksum);
            }
            else
            {
                Assert.Equal(full, checksum);
            }
        }
    }

    [Fact]
    public void TheUpdateOfTheSourceEqualsAFullRecomputeToo()
    {
        byte[] bytes = Tcp(Client, Vip, 40000, 80, [1, 2, 3, 4, 5]);
        Assert.True(Ipv6Packet.TryRead(bytes, out Ipv6Packet ip, out _));
        var tcp = new TcpSegment(ip.Payload);
        Ipv6Address vip = ip.Source;
        Ipv6Address newSource = Ipv6Address.Parse("::ffff:10.0.0.1");
        ushort updated = Checksum.Update128(tcp.Checksum, vip, newSource);
        ip.Source = newSource;
        Assert.Equal(updated, Checksum.Update128(updated, newSource, newSource));
        tcp.Checksum = updated;
        Assert.True(tcp.IsChecksumValid(ip.Source, ip.Destination));
        Assert.True(new PacketDotNet.TcpPacket(new ByteArraySegment(ip.Payload.ToArray())) { ParentPacket = Decode(bytes) }.ValidTcpChecksum);
    }
}
