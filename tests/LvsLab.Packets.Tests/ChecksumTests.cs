using Xunit;

namespace LvsLab.Packets.Tests;

public class ChecksumTests
{
    // The IPv4 header example used throughout the literature (Wikipedia "IPv4 header checksum").
    private static readonly byte[] KnownHeader =
    [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];

    [Fact]
    public void KnownIpv4HeaderHasKnownChecksum()
    {
        byte[] header = (byte[])KnownHeader.Clone();
        header[10] = 0;
        header[11] = 0;
        Assert.Equal(0xb861, Checksum.Compute(header));
        Assert.Equal(0, Checksum.Compute(KnownHeader));
    }

    [Fact]
    public void Rfc1071ExampleSumsToDdf2()
    {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to dd f2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, Checksum.Fold(Checksum.Add(data)));
        Assert.Equal(0x220d, Checksum.Compute(data));
    }

    [Fact]
    public void OddLengthIsPaddedWithZeroOnTheRight()
    {
        Assert.Equal(0xfeff, Checksum.Compute([0x01]));
        Assert.Equal(Checksum.Compute([0xab, 0xcd, 0xef, 0x00]), Checksum.Compute([0xab, 0xcd, 0xef]));
        Assert.Equal(0xffff, Checksum.Compute([]));
    }

    [Fact]
    public void IcmpEchoRequestGoldenVector()
    {
        // Type 8, code 0, checksum 0, identifier 1, sequence 1: sum 0x0802, checksum 0xf7fd.
        byte[] echo = [0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01];
        Assert.Equal(0xf7fd, Checksum.Compute(echo));
        var message = new IcmpMessage(echo);
        message.UpdateChecksum();
        Assert.Equal(0xf7fd, message.Checksum);
        Assert.True(message.IsChecksumValid);
    }

    [Fact]
    public void WideSumEqualsWordByWordSum()
    {
        var random = new Random(1071);
        for (int round = 0; round < 2000; round++)
        {
            byte[] data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            Assert.Equal(NaiveChecksum(data), Checksum.Compute(data));
        }
    }

    [Fact]
    public void Rfc1624ExampleGivesZeroNotFfff()
    {
        // RFC 1624 section 4: HC = 0xdd2f, m = 0x5555, m' = 0x3285; eqn. 3 gives 0x0000.
        Assert.Equal(0x0000, Checksum.Update16(0xdd2f, 0x5555, 0x3285));
    }

    [Fact]
    public void IncrementalUpdateOf16BitFieldEqualsFullRecompute()
    {
        var random = new Random(1624);
        byte[] header = new byte[20];
        for (int round = 0; round < 20000; round++)
        {
            random.NextBytes(header);
            header[0] = 0x45;
            var packet = new Ipv4Packet(header);
            packet.UpdateHeaderChecksum();
            ushort before = packet.HeaderChecksum;

            // Any 16-bit word but the checksum itself (offset 10).
            int offset = 2 * random.Next(0, 9);
            offset = offset >= 10 ? offset + 2 : offset;
            ushort oldValue = (ushort)((header[offset] << 8) | header[offset + 1]);
            ushort newValue = (ushort)random.Next(0, 65536);
            header[offset] = (byte)(newValue >> 8);
            header[offset + 1] = (byte)newValue;

            // Full recompute over the fixed 20 bytes (the changed word may be version/IHL).
            ushort incremental = Checksum.Update16(before, oldValue, newValue);
            header[10] = 0;
            header[11] = 0;
            Assert.Equal(Checksum.Compute(header), incremental);
        }
    }

    [Fact]
    public void IncrementalUpdateOf32BitFieldEqualsFullRecompute()
    {
        var random = new Random(16240);
        byte[] header = new byte[20];
        for (int round = 0; round < 20000; round++)
        {
            random.NextBytes(header);
            header[0] = 0x45;
            var packet = new Ipv4Packet(header);
            packet.UpdateHeaderChecksum();
            ushort before = packet.HeaderChecksum;
            bool source = random.Next(2) == 0;
            Ipv4Address oldAddress = source ? packet.Source : packet.Destination;
            var newAddress = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
            if (source)
            {
                packet.Source = newAddress;
            }
            else
            {
                packet.Destination = newAddress;
            }

            ushort incremental = Checksum.Update32(before, oldAddress.Value, newAddress.Value);
            packet.UpdateHeaderChecksum();
            Assert.Equal(packet.HeaderChecksum, incremental);
        }
    }

    [Fact]
    public void TransportChecksumsMatchPacketDotNet()
    {
        var random = new Random(793);
        for (int round = 0; round < 200; round++)
        {
            byte[] payload = new byte[random.Next(0, 100)];
            random.NextBytes(payload);
            byte[] tcpBytes = ReferencePackets.Tcp("192.0.2.1", "198.51.100.7", (ushort)random.Next(1, 65536), 80, payload);
            Assert.True(Ipv4Packet.TryRead(tcpBytes, out Ipv4Packet ip, out _));
            Assert.True(TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out _));
            ushort expected = tcp.Checksum;
            Assert.True(tcp.IsChecksumValid(ip.Source, ip.Destination));
            tcp.UpdateChecksum(ip.Source, ip.Destination);
            Assert.Equal(expected, tcp.Checksum);

            byte[] udpBytes = ReferencePackets.Udp("192.0.2.1", "198.51.100.7", (ushort)random.Next(1, 65536), 53, payload);
            Assert.True(Ipv4Packet.TryRead(udpBytes, out ip, out _));
            Assert.True(UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out _));
            expected = udp.Checksum;
            Assert.True(udp.IsChecksumValid(ip.Source, ip.Destination));
            udp.UpdateChecksum(ip.Source, ip.Destination);
            Assert.Equal(expected, udp.Checksum);
        }
    }

    [Fact]
    public void ChainedUpdatesForANatRewriteEqualAFullRecompute()
    {
        // What a NAT rewrite does: one pseudo-header address (32 bits) and one port (16 bits)
        // change in the TCP/UDP checksum; TTL (16-bit word with the protocol) and the address
        // in the IPv4 header checksum.
        var random = new Random(1624);
        for (int round = 0; round < 2000; round++)
        {
            byte[] payload = new byte[random.Next(0, 60)];
            random.NextBytes(payload);
            bool udp = round % 2 == 0;
            byte[] bytes = udp
                ? ReferencePackets.Udp("192.0.2.1", "198.51.100.7", (ushort)random.Next(1, 65536), 53, payload)
                : ReferencePackets.Tcp("192.0.2.1", "198.51.100.7", (ushort)random.Next(1, 65536), 80, payload);
            Assert.True(Ipv4Packet.TryRead(bytes, out Ipv4Packet ip, out _));
            var newAddress = new Ipv4Address((uint)random.NextInt64(0, 1L << 32));
            ushort newPort = (ushort)random.Next(0, 65536);
            Ipv4Address oldAddress = ip.Destination;
            Span<byte> transport = ip.Payload;
            ushort oldPort = (ushort)((transport[2] << 8) | transport[3]);
            int checksumOffset = udp ? 6 : 16;
            ushort transportChecksum = (ushort)((transport[checksumOffset] << 8) | transport[checksumOffset + 1]);

            ushort oldTtlWord = (ushort)((ip.TimeToLive << 8) | ip.Protocol);
            ip.TimeToLive--;
            ushort newTtlWord = (ushort)((ip.TimeToLive << 8) | ip.Protocol);
            ushort headerChecksum = Checksum.Update32(Checksum.Update16(ip.HeaderChecksum, oldTtlWord, newTtlWord), oldAddress.Value, newAddress.Value);
            ip.Destination = newAddress;
            transportChecksum = Checksum.Update16(Checksum.Update32(transportChecksum, oldAddress.Value, newAddress.Value), oldPort, newPort);
            transport[2] = (byte)(newPort >> 8);
            transport[3] = (byte)newPort;

            ip.UpdateHeaderChecksum();
            Assert.Equal(ip.HeaderChecksum, headerChecksum);
            if (udp)
            {
                var datagram = new UdpDatagram(transport);
                datagram.UpdateChecksum(ip.Source, ip.Destination);
                Assert.Equal(datagram.Checksum, transportChecksum == 0 ? (ushort)0xFFFF : transportChecksum);
            }
            else
            {
                var segment = new TcpSegment(transport);
                segment.UpdateChecksum(ip.Source, ip.Destination);
                Assert.Equal(segment.Checksum, transportChecksum);
            }
        }
    }

    private static ushort NaiveChecksum(byte[] data)
    {
        uint sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            uint word = (uint)(data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
            sum += word;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
