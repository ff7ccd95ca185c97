using PacketDotNet.Utils;
using Xunit;

namespace LvsLab.Packets.Tests;

public class IcmpErrorMessageTests
{
    private static readonly Ipv4Address Client = Ipv4Address.Parse("192.0.2.1");
    private static readonly Ipv4Address Router = Ipv4Address.Parse("198.51.100.254");
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.1.0.100");
    private static readonly Ipv4Address Rip = Ipv4Address.Parse("10.2.0.11");

    [Fact]
    public void PortUnreachableQuotingAWholeUdpDatagramReadsTheQuotedFlow()
    {
        // The client's host says its port is closed for the reply VIP:53 -> CIP:5000.
        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, [1, 2, 3, 4, 5]);
        byte[] packet = ErrorPacket(Client, Vip, 3, 3, original);

        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out PacketError error), error.ToString());

        Assert.Equal(PacketError.None, error);
        Assert.Equal((3, 3), (message.Type, message.Code));
        Assert.True(message.IsChecksumValid);
        Assert.Equal(IpProtocol.Udp, message.QuotedProtocol);
        Assert.True(message.HasQuotedPorts);
        Assert.Equal(Vip, message.QuotedSource);
        Assert.Equal(Client, message.QuotedDestination);
        Assert.Equal(53, message.QuotedSourcePort);
        Assert.Equal(5000, message.QuotedDestinationPort);
        Assert.Equal(20, message.QuotedHeaderLength);
        Assert.Equal(13, message.QuotedTransport.Length);
        Assert.True(message.QuotesTransportChecksum);
        Assert.True(message.QuotedPacket.IsHeaderChecksumValid);
        Assert.Equal(original, message.Quote.ToArray());
    }

    [Fact]
    public void FragmentationNeededQuotingEightBytesOfTcpReadsThePortsButNoChecksum()
    {
        byte[] original = ReferencePackets.Tcp("10.1.0.100", "192.0.2.1", 80, 40000, new byte[1400], syn: false, ack: true);
        byte[] packet = new byte[IcmpError.MaxLength];
        Assert.True(IcmpError.TryWriteFragmentationNeeded(original, Router, 1280, packet, out int written, out _));

        Assert.True(Ipv4Packet.TryRead(packet.AsSpan(0, written), out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));

        Assert.Equal((IcmpMessage.TypeDestinationUnreachable, IcmpMessage.CodeFragmentationNeeded), (message.Type, message.Code));
        Assert.Equal(1280, message.Message.NextHopMtu);
        Assert.Equal(IpProtocol.Tcp, message.QuotedProtocol);
        Assert.Equal((Vip, Client), (message.QuotedSource, message.QuotedDestination));
        Assert.Equal((80, 40000), (message.QuotedSourcePort, message.QuotedDestinationPort));
        Assert.Equal(8, message.QuotedTransport.Length);
        Assert.False(message.QuotesTransportChecksum);
    }

    [Fact]
    public void TimeExceededQuotingAHeaderWithOptionsFindsThePortsAfterTheOptions()
    {
        byte[] original = Original(Vip, Client, IpProtocol.Tcp, 443, 51000, TcpTemplate(0), options: [1, 1, 1, 0]);
        byte[] packet = ErrorPacket(Router, Vip, IcmpMessage.TypeTimeExceeded, 0, original.AsSpan(0, 24 + 8));

        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));

        Assert.Equal(IcmpMessage.TypeTimeExceeded, message.Type);
        Assert.Equal(24, message.QuotedHeaderLength);
        Assert.Equal((443, 51000), (message.QuotedSourcePort, message.QuotedDestinationPort));
        Assert.Equal((Vip, Client), (message.QuotedSource, message.QuotedDestination));
    }

    [Fact]
    public void ErrorTypesAreExactlyThreeFourElevenAndTwelve()
    {
        for (int type = 0; type < 256; type++)
        {
            Assert.Equal(type is 3 or 4 or 11 or 12, IcmpErrorMessage.IsError((byte)type));
        }

        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, []);
        foreach (byte type in new byte[] { IcmpMessage.TypeSourceQuench, IcmpMessage.TypeParameterProblem })
        {
            byte[] packet = ErrorPacket(Client, Vip, type, 0, original);
            Assert.True(IcmpErrorMessage.TryRead(packet.AsSpan(20), out IcmpErrorMessage message, out _));
            Assert.Equal(type, message.Type);
        }
    }

    [Theory]
    [InlineData(IcmpMessage.TypeEchoRequest)]
    [InlineData(IcmpMessage.TypeEchoReply)]
    [InlineData(5)]
    public void OtherTypesAreNotErrorsRatherThanMalformed(byte type)
    {
        byte[] echo = [type, 0, 0, 0, 0, 1, 0, 1, 0x61, 0x62];
        new IcmpMessage(echo).UpdateChecksum();
        Assert.False(IcmpErrorMessage.TryRead(echo, out _, out PacketError error));
        Assert.Equal(PacketError.NotIcmpError, error);
    }

    [Fact]
    public void MalformedErrorsAreRefusedWithDistinctReasons()
    {
        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, [9, 9]);
        byte[] icmp = ErrorPacket(Client, Vip, 3, 3, original)[20..];

        Assert.Equal(PacketError.Truncated, Refusal(icmp.AsSpan(0, 7)));
        Assert.Equal(PacketError.QuoteTruncated, Refusal(icmp.AsSpan(0, 8)));
        Assert.Equal(PacketError.QuoteTruncated, Refusal(icmp.AsSpan(0, 8 + 19)));

        // A whole header but fewer than 8 bytes of the quoted payload.
        Assert.Equal(PacketError.QuoteTruncated, Refusal(icmp.AsSpan(0, 8 + 20 + 7)));
        Assert.Equal(PacketError.None, Refusal(icmp.AsSpan(0, 8 + 20 + 8)));

        byte[] badIhl = (byte[])icmp.Clone();
        badIhl[8] = 0x44;
        Assert.Equal(PacketError.BadHeaderLength, Refusal(badIhl));

        byte[] version6 = (byte[])icmp.Clone();
        version6[8] = 0x65;
        Assert.Equal(PacketError.BadVersion, Refusal(version6));

        // IHL 6 announces 24 bytes of header: 24 + 8 are needed, 20 + 10 are there.
        byte[] longIhl = (byte[])icmp.Clone();
        longIhl[8] = 0x46;
        Assert.Equal(PacketError.QuoteTruncated, Refusal(longIhl));

        // IHL 15 announces 60 bytes of header, beyond the whole message.
        longIhl[8] = 0x4F;
        Assert.Equal(PacketError.QuoteTruncated, Refusal(longIhl));
    }

    [Fact]
    public void AQuotedFirstFragmentHasPortsButALaterFragmentDoesNot()
    {
        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, new byte[40]);
        var view = new Ipv4Packet(original) { MoreFragments = true };
        view.UpdateHeaderChecksum();
        Assert.Equal(PacketError.None, Refusal(ErrorPacket(Client, Vip, 11, 1, original)[20..]));

        view.FragmentOffset = 3;
        view.UpdateHeaderChecksum();
        Assert.Equal(PacketError.Fragment, Refusal(ErrorPacket(Client, Vip, 11, 1, original)[20..]));
    }

    [Fact]
    public void TheIcmpChecksumIsNotRequiredToParseButIsReported()
    {
        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, []);
        byte[] icmp = ErrorPacket(Client, Vip, 3, 3, original)[20..];
        icmp[2] ^= 0x40;

        Assert.True(IcmpErrorMessage.TryRead(icmp, out IcmpErrorMessage message, out _));
        Assert.False(message.IsChecksumValid);
    }

    [Fact]
    public void InboundNatOfAPortUnreachableFixesEveryChecksum()
    {
        // The client's host refuses the reply VIP:53 -> CIP:5000; the director sends the error
        // on to the real server that sent the reply, as RIP:5353 -> CIP:5000.
        byte[] original = ReferencePackets.Udp("10.1.0.100", "192.0.2.1", 53, 5000, [1, 2, 3, 4, 5, 6, 7]);
        byte[] packet = ErrorPacket(Client, Vip, 3, 3, original, ttl: 63);
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));

        IcmpErrorMessage.RewriteInbound(ip, Rip, 5353);
        ip.DecrementTimeToLive();

        Assert.Equal((Client, Rip, (byte)62), (ip.Source, ip.Destination, ip.TimeToLive));
        Assert.True(ip.IsHeaderChecksumValid);
        Assert.Equal((Rip, (ushort)5353), (message.QuotedSource, message.QuotedSourcePort));
        Assert.Equal((Client, (ushort)5000), (message.QuotedDestination, message.QuotedDestinationPort));
        AssertChecksumsAreFullRecomputes(packet);

        // The quoted datagram is whole here, so its checksum can be recomputed from scratch.
        var udp = new UdpDatagram(message.QuotedTransport);
        ushort rewritten = udp.Checksum;
        Assert.NotEqual(0, rewritten);
        Assert.True(udp.IsChecksumValid(Rip, Client));
        udp.UpdateChecksum(Rip, Client);
        Assert.Equal(udp.Checksum, rewritten);

        // PacketDotNet, the independent decoder, agrees.
        var reference = new PacketDotNet.IPv4Packet(new ByteArraySegment(packet));
        Assert.True(reference.ValidIPChecksum);
        Assert.True(new PacketDotNet.IcmpV4Packet(new ByteArraySegment(packet[20..])).ValidIcmpChecksum);
        var quoted = new PacketDotNet.IPv4Packet(new ByteArraySegment(packet[28..]));
        Assert.True(quoted.ValidIPChecksum);
        Assert.Equal(System.Net.IPAddress.Parse("10.2.0.11"), quoted.SourceAddress);
        var quotedUdp = Assert.IsType<PacketDotNet.UdpPacket>(quoted.PayloadPacket);
        Assert.True(quotedUdp.ValidUdpChecksum);
        Assert.Equal(5353, quotedUdp.SourcePort);
    }

    [Fact]
    public void OutboundNatOfAnErrorFromARealServerFixesEveryChecksum()
    {
        // The real server answers CIP:40000 -> RIP:8080 with an error; the client must see it
        // about CIP:40000 -> VIP:80 and coming from the VIP.
        byte[] original = ReferencePackets.Tcp("192.0.2.1", "10.2.0.11", 40000, 8080, [0x47, 0x45, 0x54], syn: false, ack: true);
        byte[] packet = ErrorPacket(Rip, Client, 3, 3, original);
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));
        Assert.True(message.QuotesTransportChecksum);

        IcmpErrorMessage.RewriteOutbound(ip, Vip, 80);

        Assert.Equal((Vip, Client, (byte)64), (ip.Source, ip.Destination, ip.TimeToLive));
        Assert.Equal((Client, (ushort)40000), (message.QuotedSource, message.QuotedSourcePort));
        Assert.Equal((Vip, (ushort)80), (message.QuotedDestination, message.QuotedDestinationPort));
        AssertChecksumsAreFullRecomputes(packet);

        var tcp = new TcpSegment(message.QuotedTransport);
        ushort rewritten = tcp.Checksum;
        Assert.True(tcp.IsChecksumValid(Client, Vip));
        tcp.UpdateChecksum(Client, Vip);
        Assert.Equal(tcp.Checksum, rewritten);

        var quoted = new PacketDotNet.IPv4Packet(new ByteArraySegment(packet[28..]));
        Assert.True(Assert.IsType<PacketDotNet.TcpPacket>(quoted.PayloadPacket).ValidTcpChecksum);
    }

    [Fact]
    public void AnEightByteTcpQuoteChangesOnlyTheAddressesPortsAndChecksums()
    {
        byte[] original = ReferencePackets.Tcp("10.1.0.100", "192.0.2.1", 80, 40000, new byte[1400], syn: false, ack: true);
        byte[] packet = new byte[IcmpError.MaxLength];
        Assert.True(IcmpError.TryWriteFragmentationNeeded(original, Router, 1280, packet, out int written, out _));
        packet = packet[..written];
        byte[] before = (byte[])packet.Clone();
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));

        // The error goes back towards the client-facing side here (outer source rewritten) only to
        // exercise the destination rewrite on an 8-byte TCP quote.
        IcmpErrorMessage.RewriteOutbound(ip, Rip, 8080);

        AssertChecksumsAreFullRecomputes(packet);
        int[] changed = [.. Enumerable.Range(0, packet.Length).Where(i => packet[i] != before[i])];
        int[] allowed =
        [
            10, 11, 12, 13, 14, 15, // outer header checksum and source
            22, 23, // ICMP checksum
            38, 39, // quoted header checksum
            44, 45, 46, 47, // quoted destination
            50, 51, // quoted destination port
        ];
        Assert.All(changed, i => Assert.Contains(i, allowed));
    }

    [Fact]
    public void AHalfQuotedTcpChecksumIsLeftAloneAndTheIcmpChecksumStillVerifies()
    {
        // 17 bytes of TCP: the checksum's high byte is quoted, its low byte is not.
        byte[] original = ReferencePackets.Tcp("10.1.0.100", "192.0.2.1", 80, 40000, [], syn: false, ack: true);
        byte[] packet = ErrorPacket(Client, Vip, 3, 3, original.AsSpan(0, 20 + 17));
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));
        Assert.False(message.QuotesTransportChecksum);
        byte highByte = message.QuotedTransport[16];

        IcmpErrorMessage.RewriteInbound(ip, Rip, 8080);

        Assert.Equal(highByte, message.QuotedTransport[16]);
        Assert.Equal(8080, message.QuotedSourcePort);
        AssertChecksumsAreFullRecomputes(packet);
    }

    [Fact]
    public void AZeroUdpChecksumMeansNoneAndStaysZero()
    {
        byte[] original = Original(Vip, Client, IpProtocol.Udp, 53, 5000, UdpTemplate(12), udpWithoutChecksum: true);
        byte[] packet = ErrorPacket(Client, Vip, 3, 3, original);
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));
        Assert.Equal(0, new UdpDatagram(message.QuotedTransport).Checksum);

        IcmpErrorMessage.RewriteInbound(ip, Rip, 5353);

        Assert.Equal(0, new UdpDatagram(message.QuotedTransport).Checksum);
        Assert.Equal(5353, message.QuotedSourcePort);
        AssertChecksumsAreFullRecomputes(packet);
    }

    [Fact]
    public void AUdpChecksumThatComesOutZeroIsSentAsAllOnes()
    {
        // Choose two payload bytes so that the datagram as rewritten (RIP:5353 -> CIP:5000) sums
        // to 0xFFFF: its checksum computes to 0, which RFC 768 sends as 0xFFFF.
        byte[] template = UdpTemplate(2);
        byte[] rewritten = Original(Rip, Client, IpProtocol.Udp, 5353, 5000, template);
        var udp = new UdpDatagram(new Ipv4Packet(rewritten).Payload) { Checksum = 0 };
        ushort word = Checksum.ComputeTransport(Rip, Client, IpProtocol.Udp, udp.Buffer);
        template[8] = (byte)(word >> 8);
        template[9] = (byte)word;
        Assert.Equal(0xFFFF, new UdpDatagram(new Ipv4Packet(Original(Rip, Client, IpProtocol.Udp, 5353, 5000, template)).Payload).Checksum);

        byte[] original = Original(Vip, Client, IpProtocol.Udp, 53, 5000, template);
        Assert.NotEqual(0xFFFF, new UdpDatagram(new Ipv4Packet(original).Payload).Checksum);
        byte[] packet = ErrorPacket(Client, Vip, 3, 3, original);
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));

        IcmpErrorMessage.RewriteInbound(ip, Rip, 5353);

        Assert.Equal(0xFFFF, new UdpDatagram(message.QuotedTransport).Checksum);
        AssertChecksumsAreFullRecomputes(packet);
    }

    [Fact]
    public void OnlyTheAddressChangesInAQuoteWithoutPorts()
    {
        // An error about an ICMP echo reply from the VIP: no ports to translate.
        byte[] echo = [0, 0, 0, 0, 0x12, 0x34, 0, 7, 0xAB, 0xCD];
        byte[] original = Original(Vip, Client, IpProtocol.Icmp, 0, 0, echo);
        byte[] packet = ErrorPacket(Client, Vip, 3, 1, original);
        Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _));
        Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out _));
        Assert.False(message.HasQuotedPorts);
        Assert.False(message.QuotesTransportChecksum);
        byte[] transportBefore = message.QuotedTransport.ToArray();

        IcmpErrorMessage.RewriteInbound(ip, Rip, 9999);

        Assert.Equal(Rip, message.QuotedSource);
        Assert.Equal(transportBefore, message.QuotedTransport.ToArray());
        AssertChecksumsAreFullRecomputes(packet);
    }

    [Fact]
    public void IncrementalOuterRewritesEqualFullRecomputes()
    {
        var random = new Random(791);
        byte[] header = new byte[20];
        for (int round = 0; round < 5000; round++)
        {
            random.NextBytes(header);
            header[0] = 0x45;
            header[8] = (byte)random.Next(1, 256);
            var ip = new Ipv4Packet(header);
            ip.UpdateHeaderChecksum();
            byte ttl = ip.TimeToLive;

            switch (round % 3)
            {
                case 0:
                    ip.RewriteSource(new Ipv4Address((uint)random.NextInt64(0, 1L << 32)));
                    break;
                case 1:
                    ip.RewriteDestination(new Ipv4Address((uint)random.NextInt64(0, 1L << 32)));
                    break;
                default:
                    ip.DecrementTimeToLive();
                    Assert.Equal(ttl - 1, ip.TimeToLive);
                    break;
            }

            ushort incremental = ip.HeaderChecksum;
            ip.UpdateHeaderChecksum();
            Assert.Equal(ip.HeaderChecksum, incremental);
        }
    }

    [Fact]
    public void RandomRewritesEqualMessagesBuiltFromScratch()
    {
        // Each round builds an error about a random original (random quoted IHL and options,
        // TCP, UDP with or without a checksum, or ICMP; a random part of it quoted), rewrites it
        // in place, and compares every byte with the same error built from scratch around the
        // rewritten original, all checksums recomputed in full. The original is built whole, so
        // the transport checksum of a truncated quote is checked against a full recompute too.
        var random = new Random(1624_792);
        for (int round = 0; round < 10_000; round++)
        {
            var outerSource = RandomAddress(random);
            var outerDestination = RandomAddress(random);
            byte ttl = (byte)random.Next(2, 256);
            byte type = new byte[] { 3, 4, 11, 12 }[random.Next(4)];
            byte code = (byte)random.Next(0, 16);
            uint restOfHeader = (uint)random.NextInt64(0, 1L << 32);

            byte protocol = new byte[] { IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Udp, IpProtocol.Icmp }[random.Next(4)];
            byte[] options = new byte[4 * random.Next(0, 11)];
            random.NextBytes(options);
            byte[] segment = protocol switch
            {
                IpProtocol.Tcp => TcpTemplate(random.Next(0, 41), random.Next(0, 41), random),
                IpProtocol.Udp => UdpTemplate(random.Next(0, 60), random),
                _ => RandomBytes(random, random.Next(8, 40)),
            };
            bool udpWithoutChecksum = protocol == IpProtocol.Udp && random.Next(5) == 0;
            var quotedSource = RandomAddress(random);
            var quotedDestination = RandomAddress(random);
            ushort sourcePort = (ushort)random.Next(0, 65536);
            ushort destinationPort = (ushort)random.Next(0, 65536);
            int transportQuoted = random.Next(8, segment.Length + 1);
            if (protocol == IpProtocol.Tcp && transportQuoted == 17)
            {
                // Half a checksum cannot be updated; a separate test covers that case.
                transportQuoted = 16;
            }

            bool inbound = random.Next(2) == 0;
            bool decrement = random.Next(2) == 0;
            var newAddress = RandomAddress(random);
            ushort newPort = (ushort)random.Next(0, 65536);

            byte[] BuildError(Ipv4Address outerSrc, Ipv4Address outerDst, byte outerTtl, Ipv4Address src, Ipv4Address dst, ushort srcPort, ushort dstPort)
            {
                byte[] whole = Original(src, dst, protocol, srcPort, dstPort, segment, options, udpWithoutChecksum);
                return ErrorPacket(outerSrc, outerDst, type, code, whole.AsSpan(0, (20 + options.Length) + transportQuoted), outerTtl, restOfHeader);
            }

            byte[] packet = BuildError(outerSource, outerDestination, ttl, quotedSource, quotedDestination, sourcePort, destinationPort);
            Assert.True(Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out PacketError error), error.ToString());
            Assert.True(IcmpErrorMessage.TryRead(ip.Payload, out IcmpErrorMessage message, out error), error.ToString());
            Assert.Equal((quotedSource, quotedDestination, protocol), (message.QuotedSource, message.QuotedDestination, message.QuotedProtocol));
            if (message.HasQuotedPorts)
            {
                Assert.Equal((sourcePort, destinationPort), (message.QuotedSourcePort, message.QuotedDestinationPort));
            }

            byte[] expected;
            bool ports = protocol != IpProtocol.Icmp;
            byte expectedTtl = decrement ? (byte)(ttl - 1) : ttl;
            if (inbound)
            {
                IcmpErrorMessage.RewriteInbound(ip, newAddress, newPort);
                expected = BuildError(outerSource, newAddress, expectedTtl, newAddress, quotedDestination, ports ? newPort : sourcePort, destinationPort);
            }
            else
            {
                IcmpErrorMessage.RewriteOutbound(ip, newAddress, newPort);
                expected = BuildError(newAddress, outerDestination, expectedTtl, quotedSource, newAddress, sourcePort, ports ? newPort : destinationPort);
            }

            if (decrement)
            {
                ip.DecrementTimeToLive();
            }

            Assert.Equal(expected, packet);
        }
    }

    private static PacketError Refusal(Span<byte> icmp)
    {
        IcmpErrorMessage.TryRead(icmp, out _, out PacketError error);
        return error;
    }

    /// <summary>Checks the outer header, ICMP and quoted header checksums against recomputes from scratch.</summary>
    private static void AssertChecksumsAreFullRecomputes(byte[] packet)
    {
        byte[] copy = (byte[])packet.Clone();
        var ip = new Ipv4Packet(copy);
        ip.UpdateHeaderChecksum();
        var icmp = new IcmpMessage(ip.Payload);
        var quoted = new Ipv4Packet(icmp.Payload);
        quoted.UpdateHeaderChecksum();
        icmp.UpdateChecksum();
        Assert.Equal(copy, packet);
    }

    /// <summary>
    /// A whole IPv4 packet with valid checksums: <paramref name="segment"/> (copied) gets the ports
    /// (TCP, UDP), the UDP length and the transport checksum over the given addresses.
    /// </summary>
    private static byte[] Original(
        Ipv4Address source,
        Ipv4Address destination,
        byte protocol,
        ushort sourcePort,
        ushort destinationPort,
        byte[] segment,
        byte[]? options = null,
        bool udpWithoutChecksum = false)
    {
        options ??= [];
        int headerLength = 20 + options.Length;
        byte[] packet = new byte[headerLength + segment.Length];
        var ip = new Ipv4Packet(packet)
        {
            Version = 4,
            Ihl = headerLength / 4,
            TypeOfService = 0x10,
            TotalLength = (ushort)packet.Length,
            Identification = 0x5A5A,
            DontFragment = true,
            TimeToLive = 61,
            Protocol = protocol,
            Source = source,
            Destination = destination,
        };
        options.CopyTo(ip.Options);
        segment.CopyTo(ip.Payload);
        if (protocol == IpProtocol.Tcp)
        {
            var tcp = new TcpSegment(ip.Payload) { SourcePort = sourcePort, DestinationPort = destinationPort };
            tcp.UpdateChecksum(source, destination);
        }
        else if (protocol == IpProtocol.Udp)
        {
            var udp = new UdpDatagram(ip.Payload) { SourcePort = sourcePort, DestinationPort = destinationPort, Length = (ushort)segment.Length };
            if (udpWithoutChecksum)
            {
                udp.Checksum = 0;
            }
            else
            {
                udp.UpdateChecksum(source, destination);
            }
        }

        ip.UpdateHeaderChecksum();
        return packet;
    }

    /// <summary>An IPv4 packet carrying an ICMP error that quotes <paramref name="quote"/>, all checksums computed.</summary>
    private static byte[] ErrorPacket(
        Ipv4Address source,
        Ipv4Address destination,
        byte type,
        byte code,
        ReadOnlySpan<byte> quote,
        byte ttl = 64,
        uint restOfHeader = 0)
    {
        byte[] packet = new byte[20 + 8 + quote.Length];
        quote.CopyTo(packet.AsSpan(28));
        var icmp = new IcmpMessage(packet.AsSpan(20)) { Type = type, Code = code, RestOfHeader = restOfHeader };
        icmp.UpdateChecksum();
        var ip = new Ipv4Packet(packet)
        {
            Version = 4,
            Ihl = 5,
            TypeOfService = 0xC0,
            TotalLength = (ushort)packet.Length,
            TimeToLive = ttl,
            Protocol = IpProtocol.Icmp,
            Source = source,
            Destination = destination,
        };
        ip.UpdateHeaderChecksum();
        return packet;
    }

    private static byte[] TcpTemplate(int payloadLength, int optionsLength = 0, Random? random = null)
    {
        int headerLength = 20 + (optionsLength / 4 * 4);
        byte[] segment = random is null ? new byte[headerLength + payloadLength] : RandomBytes(random, headerLength + payloadLength);
        _ = new TcpSegment(segment) { DataOffset = headerLength / 4 };
        return segment;
    }

    private static byte[] UdpTemplate(int payloadLength, Random? random = null) =>
        random is null ? new byte[8 + payloadLength] : RandomBytes(random, 8 + payloadLength);

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static Ipv4Address RandomAddress(Random random) => new((uint)random.NextInt64(0, 1L << 32));
}
