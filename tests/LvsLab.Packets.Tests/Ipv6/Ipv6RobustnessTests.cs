using Xunit;
using static LvsLab.Packets.Tests.Ipv6.Ipv6Reference;

namespace LvsLab.Packets.Tests.Ipv6;

/// <summary>
/// Mutated packets never make a reader throw, and whatever a reader accepts stays within its
/// buffer; reading, walking, checksumming and writing allocate nothing.
/// </summary>
public class Ipv6RobustnessTests
{
    [Fact]
    public void RandomMutationsNeverThrowAndAcceptedViewsStayInTheirBuffer()
    {
        // 100,000 mutations of valid packets: a few bytes changed (mostly in the headers), cut
        // short or padded, and half of the time the ICMPv6 checksum made right again so the
        // checks after it are reached.
        var random = new Random(2460);
        byte[][] seeds = Seeds();
        byte[] buffer = new byte[1600];
        var seen = new HashSet<PacketError>();
        for (int round = 0; round < 100_000; round++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            Array.Clear(buffer);
            seed.CopyTo(buffer, 0);
            int length = seed.Length;
            int changes = random.Next(1, 5);
            for (int i = 0; i < changes; i++)
            {
                int at = random.Next(3) == 0 ? random.Next(length) : random.Next(Math.Min(length, 40 + 40 + 16));
                buffer[at] = random.Next(4) == 0 ? (byte)(buffer[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
            }

            switch (random.Next(6))
            {
                case 0:
                    length = random.Next(0, length + 1);
                    break;
                case 1:
                    length = random.Next(length, Math.Min(buffer.Length, length + 64) + 1);
                    break;
                case 2:
                case 3:
                    FixIcmpChecksum(buffer.AsSpan(0, length));
                    break;
            }

            Exception? thrown = Record.Exception(() => Exercise(buffer.AsSpan(0, length), seen));
            Assert.Null(thrown);
        }

        // The mutations reach the checks deep in the readers, not only the first ones.
        foreach (PacketError error in new[]
        {
            PacketError.Truncated, PacketError.BadVersion, PacketError.PayloadLengthBeyondBuffer, PacketError.Jumbogram,
            PacketError.ExtensionHeaderTruncated, PacketError.UnsupportedNextHeader, PacketError.HopByHopNotFirst,
            PacketError.BadHopLimit, PacketError.BadChecksum, PacketError.BadCode, PacketError.MulticastTarget,
            PacketError.BadNeighbourDiscoveryOption, PacketError.NotIcmpError, PacketError.QuoteTruncated,
        })
        {
            Assert.Contains(error, seen);
        }
    }

    [Fact]
    public void ReadingWalkingChecksummingAndWritingAllocateNothing()
    {
        byte[][] seeds = Seeds();
        byte[] output = new byte[Icmpv6Error.MaxLength + 100];
        byte[] tunnel = new byte[2000];
        Ipv6Address director = Ipv6Address.Parse("fd00:1::2");
        Ipv6Address server = Ipv6Address.Parse(RealServer);
        MacAddress mac = MacAddress.Parse("02:42:0a:00:00:02");
        var seen = new HashSet<PacketError>();
        Run(1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = Run(2_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);

        long Run(int rounds)
        {
            long total = 0;
            for (int i = 0; i < rounds; i++)
            {
                foreach (byte[] seed in seeds)
                {
                    total += Exercise(seed, null);
                }

                byte[] tcp = seeds[0];
                if (Icmpv6Error.TryWritePacketTooBig(tcp, director, 1280, output, out int written, out _))
                {
                    total += written;
                }

                if (Ipv6Tunnel.TryWrapIpv6(tcp, director, server, tunnel, out written, out _)
                    && Ipv6Tunnel.TryUnwrap(tunnel.AsSpan(0, written), out Span<byte> inner, out byte protocol, out _))
                {
                    total += inner.Length + protocol;
                }

                total += NeighbourAdvertisement.WriteUnsolicitedFrame(output, mac, director);
                total += NeighbourAdvertisement.WriteSolicitedFrame(output, mac, director, mac, server);
                total += NeighbourSolicitation.WriteFrame(output, mac, director, server);
                total += Checksum.Update128(0x1234, director, server);
            }

            return total;
        }
    }

    /// <summary>Runs every reader over <paramref name="packet"/>, checking what each accepts; returns a number made from the fields read.</summary>
    private static long Exercise(Span<byte> packet, HashSet<PacketError>? seen)
    {
        long total = 0;
        if (!Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out PacketError error))
        {
            seen?.Add(error);
            return total;
        }

        Check(ip.Buffer.Length <= packet.Length && ip.Buffer.Length == 40 + ip.PayloadLength);
        total += ip.FlowLabel + ip.TrafficClass + ip.HopLimit + ip.Source.GetHashCode();
        if (!Ipv6ExtensionHeaders.TryWalk(ip, out Ipv6ExtensionHeaders headers, out error))
        {
            seen?.Add(error);
        }
        else
        {
            Check(headers.UpperLayerOffset >= 40 && headers.UpperLayerOffset <= ip.Buffer.Length && headers.Count <= Ipv6ExtensionHeaders.MaxHeaders);
            total += headers.UpperLayerProtocol + headers.UpperLayerOffset;
            Span<byte> upper = ip.Buffer[headers.UpperLayerOffset..];
            if (headers.UpperLayerProtocol == IpProtocol.Tcp && !headers.IsLaterFragment && TcpSegment.TryRead(upper, out TcpSegment tcp, out _))
            {
                total += tcp.IsChecksumValid(ip.Source, ip.Destination) ? 1 : 2;
            }

            if (headers.UpperLayerProtocol == IpProtocol.Udp && !headers.IsLaterFragment && UdpDatagram.TryRead(upper, out UdpDatagram udp, out _))
            {
                total += udp.IsChecksumValid(ip.Source, ip.Destination) ? 1 : 2;
            }

            if (headers.UpperLayerProtocol == IpProtocol.Icmpv6 && !headers.IsLaterFragment && Icmpv6Message.TryRead(upper, out Icmpv6Message icmp, out _))
            {
                total += icmp.Type + (icmp.IsChecksumValid(ip.Source, ip.Destination) ? 1 : 2);
                if (Icmpv6ErrorMessage.TryRead(upper, out Icmpv6ErrorMessage message, out error))
                {
                    Check(message.QuotedTransportOffset >= 40 && message.QuotedTransportOffset <= message.Quote.Length);
                    total += message.QuotedProtocol + message.QuotedSource.GetHashCode();
                    if (message.HasQuotedPorts)
                    {
                        total += message.QuotedSourcePort + message.QuotedDestinationPort;
                    }
                }
                else
                {
                    seen?.Add(error);
                }
            }
        }

        if (NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation ns, out error))
        {
            Check(ns.Buffer.Length >= 24 && !ns.Target.IsMulticast);
            total += ns.TryGetSourceLinkLayerAddress(out MacAddress mac) ? (long)mac.Value : 1;
        }
        else
        {
            seen?.Add(error);
        }

        if (NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement na, out error))
        {
            Check(na.Buffer.Length >= 24 && !na.Target.IsMulticast);
            total += na.TryGetTargetLinkLayerAddress(out MacAddress mac) ? (long)mac.Value : 1;
        }
        else
        {
            seen?.Add(error);
        }

        return total;
    }

    private static void Check(bool condition)
    {
        // Not Assert.True: the same code runs in the allocation test, and must not box.
        if (!condition)
        {
            throw new InvalidOperationException("an accepted view is inconsistent");
        }
    }

    private static byte[][] Seeds()
    {
        byte[] advertisement = new byte[NeighbourAdvertisement.FrameLength];
        NeighbourAdvertisement.WriteSolicitedFrame(advertisement, MacAddress.Parse("02:42:0a:00:00:02"), Ipv6Address.Parse(Vip), MacAddress.Parse("02:42:0a:00:00:63"), Ipv6Address.Parse(Client));
        byte[] solicitation = new byte[NeighbourSolicitation.FrameLength];
        NeighbourSolicitation.WriteFrame(solicitation, MacAddress.Parse("02:42:0a:00:00:63"), Ipv6Address.Parse(Client), Ipv6Address.Parse(Vip));
        byte[] tooBig = new byte[Icmpv6Error.MaxLength];
        Icmpv6Error.TryWritePacketTooBig(Tcp(Client, Vip, 40000, 80, new byte[100]), Ipv6Address.Parse("fd00:1::2"), 1280, tooBig, out int written, out _);
        byte[] chained = Build(
            Client,
            Vip,
            IpProtocol.HopByHop,
            [0x13, 0x88, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00],
            extensionHeaders: [Extension(IpProtocol.Ipv6Routing), Extension(IpProtocol.Ipv6Fragment, 16), Fragment(IpProtocol.Udp, 0, true, 5)]);
        return
        [
            Tcp(Client, Vip, 40000, 80, [1, 2, 3]),
            Udp(Client, Vip, 5000, 53, [4, 5]),
            EchoRequest(Client, Vip, 1, 2, [6, 7, 8]),
            advertisement[EthernetFrame.HeaderLength..],
            solicitation[EthernetFrame.HeaderLength..],
            tooBig[..written],
            chained,
        ];
    }

    private static void FixIcmpChecksum(Span<byte> packet)
    {
        if (Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out _)
            && Ipv6ExtensionHeaders.TryWalk(ip, out Ipv6ExtensionHeaders headers, out _)
            && headers.UpperLayerProtocol == IpProtocol.Icmpv6
            && Icmpv6Message.TryRead(ip.Buffer[headers.UpperLayerOffset..], out Icmpv6Message icmp, out _))
        {
            icmp.UpdateChecksum(ip.Source, ip.Destination);
        }
    }
}
