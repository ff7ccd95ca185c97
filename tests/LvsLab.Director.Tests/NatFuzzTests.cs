using System.Buffers.Binary;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.NatLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

public class NatFuzzTests
{
    [Fact]
    public void RandomAndMutatedNatFramesOnTwoPortsNeverThrowAndAreCountedOnce()
    {
        const int FrameCount = 200_000;
        var random = new Random(20261126);
        DirectorEngine engine = Engine(learnServers: false);
        engine.Neighbours.Set(Rs1, Rs1Mac);
        var stranger = Ipv4Address.Parse("10.1.0.77");
        (int Port, byte[] Frame)[] seeds =
        [
            (Ext, FromClient(40000, 80, TcpFlags.Syn)),
            (Ext, FromClient(40000, 80, TcpFlags.Ack, payload: [1, 2, 3, 4, 5])),
            (Ext, FromClient(40000, 80, TcpFlags.Fin | TcpFlags.Ack)),
            (Ext, FromClient(40000, 80, TcpFlags.Syn, client: RemoteClientIp, clientMac: RouterMac)),
            (Ext, FromClient(40000, 443, TcpFlags.Syn)),
            (Ext, Frames.Udp(ClientIp, 40000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac)),
            (Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Syn | TcpFlags.Ack)),
            (Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack | TcpFlags.Psh, payload: [9, 8, 7])),
            (Int, FromServer(Rs2, Rs2Mac, 8080, 40000, TcpFlags.Fin | TcpFlags.Ack)),
            (Int, FromServer(Rs1, Rs1Mac, 8080, 40000, TcpFlags.Ack, client: RemoteClientIp)),
            (Int, FromServer(Rs2, Rs2Mac, 8080, 40000, TcpFlags.Ack, client: stranger)),
            (Int, Frames.Udp(Rs1, 53, ClientIp, 40000, sourceMac: Rs1Mac, destinationMac: IntMac)),
            (Int, Frames.WithUdpChecksum(Frames.Udp(Rs2, 5353, ClientIp, 40000, sourceMac: Rs2Mac, destinationMac: IntMac), 0)),
            (Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip)),
            (Ext, Frames.ArpRequest(RouterMac, RouterIp, Vip)),
            (Int, Frames.ArpReply(Rs2Mac, Rs2, IntMac, IntIp)),
            (Ext, Frames.ArpReply(MacAddress.Parse("02:00:00:00:00:77"), stranger, ExtMac, ExtIp)),
            (Int, Frames.ArpRequest(Rs1Mac, Rs1, Vip)),
            (Ext, Frames.IcmpEcho(ClientIp, Vip)),
        ];
        byte[] frame = new byte[1600];
        byte[] output = new byte[frame.Length + 64];
        var kinds = new long[Enum.GetValues<DecisionKind>().Length];
        long forwardedReplies = 0;

        for (int i = 0; i < FrameCount; i++)
        {
            int length;
            int port = random.Next(2);
            bool mutated = false;
            if (random.Next(10) < 2)
            {
                length = random.Next(0, 120);
                random.NextBytes(frame.AsSpan(0, length));
                mutated = true;
                if (random.Next(2) == 0 && length >= 14)
                {
                    (port == Ext ? ExtMac : IntMac).WriteTo(frame);
                    frame[12] = 0x08;
                    frame[13] = random.Next(2) == 0 ? (byte)0x00 : (byte)0x06;
                }
            }
            else
            {
                (int seedPort, byte[] seed) = seeds[random.Next(seeds.Length)];
                if (random.Next(5) != 0)
                {
                    port = seedPort;
                }

                length = seed.Length;
                seed.CopyTo(frame, 0);

                // Vary the client port over a few values, in both directions, so that
                // connections are opened, matched by replies and missed by orphans.
                if (frame[12] == 0x08 && frame[13] == 0x00 && length >= 38)
                {
                    int clientPortOffset = seedPort == Ext ? 34 : 36;
                    frame[clientPortOffset + 1] = (byte)random.Next(8);
                    FixTransportChecksum(frame.AsSpan(0, length));
                }

                int mutations = random.Next(0, 4) == 0 ? random.Next(1, 5) : 0;
                mutated = mutations > 0;
                for (int m = 0; m < mutations && length > 0; m++)
                {
                    switch (random.Next(4))
                    {
                        case 0:
                            frame[random.Next(length)] ^= (byte)(1 << random.Next(8));
                            break;
                        case 1:
                            frame[random.Next(length)] = (byte)random.Next(256);
                            break;
                        case 2:
                            length = random.Next(0, length + 1);
                            break;
                        default:
                            int extra = random.Next(0, 64);
                            random.NextBytes(frame.AsSpan(length, extra));
                            length += extra;
                            break;
                    }
                }

                if (random.Next(2) == 0 && length >= 34 && frame[12] == 0x08 && frame[13] == 0x00 && (frame[14] & 0x0F) >= 5)
                {
                    int headerLength = (frame[14] & 0x0F) * 4;
                    if (14 + headerLength <= length)
                    {
                        new Ipv4Packet(frame.AsSpan(14, headerLength)).UpdateHeaderChecksum();
                    }
                }
            }

            bool? transportValidIn = TransportChecksumValid(frame.AsSpan(0, length));
            Array.Clear(output);
            Decision decision = engine.Process(port, frame.AsSpan(0, length), output, i * 3L);
            kinds[(int)decision.Kind]++;
            Assert.InRange(decision.Length, 0, output.Length);
            Assert.InRange(decision.Interface, 0, 1);
            if (decision.Sends)
            {
                // Whatever leaves a port carries that port's MAC as its source.
                Assert.Equal(decision.Interface == Ext ? ExtMac : IntMac, MacAddress.ReadFrom(output.AsSpan(6)));
            }
            else
            {
                Assert.Equal(0, decision.Length);
            }

            if (decision.Kind == DecisionKind.Forward)
            {
                Span<byte> sent = output.AsSpan(0, decision.Length);
                var ip = new Ipv4Packet(sent[14..]);
                Assert.Equal(0, Checksum.Compute(ip.Header));
                Assert.Equal(transportValidIn, TransportChecksumValid(sent));
                if (ip.Source == Vip)
                {
                    forwardedReplies++;
                }

                if (!mutated && transportValidIn == true)
                {
                    AssertChecksumsValid(sent);
                }
            }
        }

        DirectorCounters counters = engine.Counters;
        Assert.Equal(FrameCount, counters.FramesIn);
        DrLab.AssertCountedOnce(counters);
        Assert.Equal(kinds[(int)DecisionKind.Forward], counters.ForwardedPackets);
        Assert.Equal(kinds[(int)DecisionKind.Ignore], counters.Ignored);
        Assert.Equal(kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError], counters.ArpReplies + counters.ArpRequests);
        Assert.Equal(forwardedReplies, counters.ReplyPackets);

        // The mix reaches every outcome, NAT's in particular.
        // Every kind of outcome seen (the frames the engine generates taken together).
        Assert.All([kinds[(int)DecisionKind.Ignore], kinds[(int)DecisionKind.Forward], kinds[(int)DecisionKind.Drop], kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError]], count => Assert.True(count > 0));
        Assert.True(counters.ReplyPackets > 1000, $"replies {counters.ReplyPackets}");
        Assert.True(counters.ForwardedPackets - counters.ReplyPackets > 1000);
        Assert.True(counters.GetDrops(DropReason.OrphanReply) > 0);
        Assert.True(counters.GetDrops(DropReason.NeighbourUnresolved) > 0);
        Assert.True(counters.GetDrops(DropReason.NoConnection) > 0);
        Assert.True(counters.GetDrops(DropReason.BadIpChecksum) > 0);
        Assert.True(counters.GetRealServerReplyTraffic(0, 0).Packets > 0);
        Assert.InRange(engine.Neighbours.Count, 1, engine.Neighbours.Capacity);
    }

    [Fact]
    public void RandomNatRewritesMatchAFullRecompute()
    {
        // Random addresses, ports, TTLs and payloads through both directions; each output
        // must equal the same packet built and checksummed from scratch by PacketDotNet.
        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            DirectorEngine engine = Engine();
            engine.Neighbours.Set(RouterIp, RouterMac);
            var client = new Ipv4Address((uint)random.NextInt64(0x0100_0000, 0xDFFF_FFFF));
            ushort clientPort = (ushort)random.Next(1, 65536);
            byte ttl = (byte)random.Next(2, 256);
            byte[] payload = new byte[random.Next(0, 40)];
            random.NextBytes(payload);
            bool udp = random.Next(2) == 0;
            byte[] output = new byte[1600];
            MacAddress clientMac = client.IsInSubnet(ExtIp, 24) ? ClientMac : RouterMac;
            engine.Neighbours.Set(client, ClientMac);

            byte[] inbound = udp
                ? Frames.Udp(client, clientPort, Vip, 53, ttl, clientMac, ExtMac, payload)
                : FromClient(clientPort, 80, TcpFlags.Syn, payload, client, clientMac, ttl);
            Decision decision = engine.Process(Ext, inbound, output, 0);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            byte[] expectedIn = udp
                ? Frames.Udp(client, clientPort, Rs1, 53, (byte)(ttl - 1), IntMac, Rs1Mac, payload)
                : ToServer(Rs1, Rs1Mac, 8080, clientPort, TcpFlags.Syn, payload, client, (byte)(ttl - 1));
            Assert.Equal(expectedIn, output[..decision.Length]);

            byte[] outbound = udp
                ? Frames.Udp(Rs1, 53, client, clientPort, ttl, Rs1Mac, IntMac, payload)
                : FromServer(Rs1, Rs1Mac, 8080, clientPort, TcpFlags.Syn | TcpFlags.Ack, payload, client, ttl);
            decision = engine.Process(Int, outbound, output, 1);
            Assert.Equal(DecisionKind.Forward, decision.Kind);
            MacAddress nextHopMac = client.IsInSubnet(ExtIp, 24) ? ClientMac : RouterMac;
            byte[] expectedOut = udp
                ? Frames.Udp(Vip, 53, client, clientPort, (byte)(ttl - 1), ExtMac, nextHopMac, payload)
                : ToClient(80, clientPort, TcpFlags.Syn | TcpFlags.Ack, payload, client, nextHopMac, (byte)(ttl - 1));
            Assert.Equal(expectedOut, output[..decision.Length]);
        }
    }

    private static bool? TransportChecksumValid(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 34 || frame[12] != 0x08 || frame[13] != 0x00 || (frame[14] >> 4) != 4)
        {
            return null;
        }

        int headerLength = (frame[14] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
        if (headerLength < 20 || totalLength < headerLength || 14 + totalLength > frame.Length)
        {
            return null;
        }

        ReadOnlySpan<byte> transport = frame.Slice(14 + headerLength, totalLength - headerLength);
        var source = Ipv4Address.ReadFrom(frame[26..]);
        var destination = Ipv4Address.ReadFrom(frame[30..]);
        byte protocol = frame[23];
        if (protocol == IpProtocol.Udp)
        {
            if (transport.Length < 8)
            {
                return null;
            }

            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(transport[4..]);
            if (udpLength < 8 || udpLength > transport.Length || BinaryPrimitives.ReadUInt16BigEndian(transport[6..]) == 0)
            {
                return null;
            }

            return Checksum.ComputeTransport(source, destination, protocol, transport[..udpLength]) == 0;
        }

        return protocol == IpProtocol.Tcp && transport.Length >= 20
            ? Checksum.ComputeTransport(source, destination, protocol, transport) == 0
            : null;
    }

    private static void FixTransportChecksum(Span<byte> frame)
    {
        var ip = new Ipv4Packet(frame[14..]);
        if (ip.Protocol == IpProtocol.Tcp)
        {
            new TcpSegment(ip.Payload).UpdateChecksum(ip.Source, ip.Destination);
        }
        else if (ip.Protocol == IpProtocol.Udp && new UdpDatagram(ip.Payload).Checksum != 0)
        {
            new UdpDatagram(ip.Payload).UpdateChecksum(ip.Source, ip.Destination);
        }
    }
}
