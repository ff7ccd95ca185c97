using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.TunLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

public class TunFuzzTests
{
    [Fact]
    public void RandomMutatedAndBigFramesWithTunnelServicesNeverThrowAndAreCountedOnce()
    {
        const int FrameCount = 200_000;
        const int IntMtu = 1400;
        var random = new Random(20261127);
        DirectorEngine engine = Engine(learn: false, intMtu: IntMtu);
        engine.Neighbours.Set(Rs1, Rs1Mac);
        engine.Neighbours.Set(RouterIp, RouterMac);
        var stranger = Ipv4Address.Parse("10.1.0.77");
        (int Port, byte[] Frame)[] seeds =
        [
            (Ext, FromClient(40000, 80, TcpFlags.Syn)),
            (Ext, FromClient(40000, 80, TcpFlags.Ack, payload: [1, 2, 3, 4, 5])),
            (Ext, FromClient(40000, 80, TcpFlags.Fin | TcpFlags.Ack)),
            (Ext, FromClient(40000, 81, TcpFlags.Syn)),
            (Ext, FromClient(40000, 80, TcpFlags.Syn, client: RemoteClientIp, clientMac: RouterMac)),
            (Ext, Frames.Udp(ClientIp, 40000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac)),
            (Ext, Frames.WithUdpChecksum(Frames.Udp(ClientIp, 40000, Vip, 53, sourceMac: ClientMac, destinationMac: ExtMac), 0)),
            (Ext, FromClient(40000, 8080, TcpFlags.Syn)),
            (Ext, FromClient(40000, 443, TcpFlags.Syn)),
            (Int, Frames.Tcp(Rs2, 8080, ClientIp, 40000, TcpFlags.Ack, 64, Rs2Mac, IntMac)),
            (Ext, SynOfLength(1380)),
            (Ext, SynOfLength(1381)),
            (Ext, SynOfLength(1500)),
            (Ext, SynOfLength(1500, dontFragment: false)),
            (Ext, SynOfLength(1500, vipPort: 81)),
            (Ext, SynOfLength(1481, vipPort: 81)),
            (Ext, SynOfLength(3000)),
            (Ext, SynOfLength(9000, dontFragment: false)),
            (Ext, SynOfLength(1500, client: stranger, clientMac: MacAddress.Parse("02:00:00:00:00:77"))),
            (Ext, SynOfLength(1500, client: RemoteClientIp, clientMac: RouterMac)),
            (Ext, Frames.ArpRequest(ClientMac, ClientIp, Vip)),
            (Ext, Frames.ArpRequest(RouterMac, RouterIp, Vip)),
            (Int, Frames.ArpReply(Rs2Mac, Rs2, IntMac, IntIp)),
            (Ext, Frames.IcmpEcho(ClientIp, Vip)),
        ];
        byte[] frame = new byte[9200];
        byte[] output = new byte[frame.Length + 64];
        var kinds = new long[Enum.GetValues<DecisionKind>().Length];
        long tunnelled = 0;
        long icmp = 0;

        for (int i = 0; i < FrameCount; i++)
        {
            int length;
            int port = random.Next(2);
            if (random.Next(10) < 2)
            {
                length = random.Next(0, random.Next(4) == 0 ? 2000 : 120);
                random.NextBytes(frame.AsSpan(0, length));
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
                if (frame[12] == 0x08 && frame[13] == 0x00 && length >= 38)
                {
                    // Vary the client port so that connections are opened and missed.
                    frame[(seedPort == Ext ? 34 : 36) + 1] = (byte)random.Next(8);
                }

                int mutations = random.Next(0, 4) == 0 ? random.Next(1, 5) : 0;
                for (int m = 0; m < mutations && length > 0; m++)
                {
                    switch (random.Next(5))
                    {
                        case 0:
                            frame[random.Next(length)] ^= (byte)(1 << random.Next(8));
                            break;
                        case 1:
                            frame[random.Next(Math.Min(length, 60))] = (byte)random.Next(256);
                            break;
                        case 2:
                            length = random.Next(0, length + 1);
                            break;
                        case 3:
                            // Flip DF.
                            if (length > 20)
                            {
                                frame[20] ^= 0x40;
                            }

                            break;
                        default:
                            int extra = random.Next(0, 64);
                            random.NextBytes(frame.AsSpan(length, extra));
                            length += extra;
                            break;
                    }
                }

                if (random.Next(3) != 0 && length >= 34 && frame[12] == 0x08 && frame[13] == 0x00 && (frame[14] & 0x0F) >= 5)
                {
                    int headerLength = (frame[14] & 0x0F) * 4;
                    if (14 + headerLength <= length)
                    {
                        new Ipv4Packet(frame.AsSpan(14, headerLength)).UpdateHeaderChecksum();
                    }
                }
            }

            Span<byte> input = frame.AsSpan(0, length);
            Array.Clear(output);
            Decision decision = engine.Process(port, input, output, i * 3L);
            kinds[(int)decision.Kind]++;
            Assert.InRange(decision.Length, 0, output.Length);
            Assert.InRange(decision.Interface, 0, 1);
            if (decision.Sends)
            {
                Assert.Equal(decision.Interface == Ext ? ExtMac : IntMac, MacAddress.ReadFrom(output.AsSpan(6)));
            }
            else
            {
                Assert.Equal(0, decision.Length);
            }

            Span<byte> sent = output.AsSpan(0, decision.Length);
            if (decision.Kind == DecisionKind.Forward && sent[23] == IpProtocol.IpInIp)
            {
                tunnelled++;
                Assert.True(IpInIp.TryUnwrap(sent[14..], out Ipv4Packet inner, out PacketError error), error.ToString());
                Assert.True(Ipv4Packet.TryRead(input[14..], out Ipv4Packet original, out _));
                Assert.True(inner.Buffer.SequenceEqual(original.Buffer), "inner packet unchanged");
                var outer = new Ipv4Packet(sent[14..]);
                Assert.Equal(original.DontFragment, outer.DontFragment);
                Assert.Equal(outer.Destination == RemoteRs ? ExtIp : IntIp, outer.Source);
                Assert.InRange(outer.TotalLength, 0, outer.Destination == RemoteRs ? DirectorInterface.DefaultMtu : IntMtu);
                Assert.Equal(14 + outer.TotalLength, sent.Length);
            }
            else if (decision.Kind == DecisionKind.IcmpError)
            {
                icmp++;
                Assert.Equal(DropReason.FragmentationNeeded, decision.Reason);
                Assert.True(Ipv4Packet.TryRead(sent[14..], out Ipv4Packet ip, out _));
                Assert.True(ip.IsHeaderChecksumValid);
                Assert.Equal(IpProtocol.Icmp, ip.Protocol);
                var message = new IcmpMessage(ip.Payload);
                Assert.True(message.IsChecksumValid);
                Assert.Equal(IcmpMessage.TypeDestinationUnreachable, message.Type);
                Assert.Equal(IcmpMessage.CodeFragmentationNeeded, message.Code);
                Assert.True(message.NextHopMtu is IntMtu - 20 or DirectorInterface.DefaultMtu - 20, $"MTU {message.NextHopMtu}");
                Assert.True(Ipv4Packet.TryRead(input[14..], out Ipv4Packet original, out _));
                Assert.True(original.DontFragment);
                Assert.Equal(original.Source, ip.Destination);
                int quoted = original.HeaderLength + Math.Min(8, original.TotalLength - original.HeaderLength);
                Assert.True(message.Payload.SequenceEqual(original.Buffer[..quoted]), "quoted header + 8 bytes");
            }
        }

        DirectorCounters counters = engine.Counters;
        Assert.Equal(FrameCount, counters.FramesIn);
        DrLab.AssertCountedOnce(counters);
        Assert.Equal(kinds[(int)DecisionKind.Forward], counters.ForwardedPackets);
        Assert.Equal(kinds[(int)DecisionKind.Ignore], counters.Ignored);
        Assert.Equal(kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError], counters.ArpReplies + counters.ArpRequests + counters.IcmpSent);
        Assert.Equal(icmp, counters.IcmpSent);

        // The mix reaches every outcome, TUN's in particular.
        // Every kind of outcome seen (the frames the engine generates taken together).
        Assert.All([kinds[(int)DecisionKind.Ignore], kinds[(int)DecisionKind.Forward], kinds[(int)DecisionKind.Drop], kinds[(int)DecisionKind.ArpReply] + kinds[(int)DecisionKind.ArpRequest] + kinds[(int)DecisionKind.IcmpError]], count => Assert.True(count > 0));
        Assert.True(tunnelled > 1000, $"tunnelled {tunnelled}");
        Assert.True(icmp > 100, $"icmp {icmp}");
        Assert.True(counters.GetDrops(DropReason.TooBig) > 100);
        Assert.True(counters.GetDrops(DropReason.FragmentationNeeded) > icmp);
        Assert.True(counters.GetDrops(DropReason.NeighbourUnresolved) > 0);
        Assert.True(counters.GetDrops(DropReason.NoConnection) > 0);
        Assert.True(counters.GetRealServerTraffic(1, 0).Packets > 0);
        Assert.True(counters.ReplyPackets > 0);
        Assert.Equal(0, counters.GetDrops(DropReason.UnsupportedForwardingMethod));
    }
}
