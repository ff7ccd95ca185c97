using System.Buffers.Binary;
using Xunit;

namespace LvsLab.Decap.Tests;

public class Ipv6FuzzTests
{
    private const int Packets = 100_000;

    /// <summary>The outcomes a packet from an IPv6 socket can have (the outer-IPv4 reasons cannot occur).</summary>
    private static readonly DecapResult[] Ipv6SocketOutcomes =
    [
        DecapResult.Deliver, DecapResult.InnerTruncated, DecapResult.InnerInvalid, DecapResult.InnerBadChecksum,
        DecapResult.InnerIpv6Truncated, DecapResult.InnerIpv6Invalid, DecapResult.InnerIpv6BadExtensionHeaders,
    ];

    [Fact]
    public void HundredThousandRandomAndMutatedIpv6PayloadsNeverThrowAndAreEachCountedOnce()
    {
        var random = new Random(20260602);
        var decap = new Decapsulator();
        var results = new long[Enum.GetValues<DecapResult>().Length];
        var echo = TestPackets.Icmpv6EchoMessage();
        byte[][] ipv6Seeds =
        [
            TestPackets.Icmpv6Echo(),
            TestPackets.Icmpv6Echo(dataLength: 0),
            TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(58, units: 2), .. echo]),
            TestPackets.Ipv6(0, [.. TestPackets.OptionsHeader(44), .. TestPackets.FragmentHeader(58, offset: 0, more: true), .. echo]),
            TestPackets.Ipv6(44, [.. TestPackets.FragmentHeader(58, offset: 3, more: false), .. echo]),
        ];
        byte[][] ipv4Seeds =
        [
            TestPackets.IcmpEcho(),
            TestPackets.IcmpEcho(dataLength: 0),
            TestPackets.IcmpEcho(dataLength: 200, optionWords: 1),
        ];

        for (var n = 0; n < Packets; n++)
        {
            var kind = random.Next(2) == 0 ? TunnelKind.Ipv6InIpv6 : TunnelKind.Ipv4InIpv6;

            // Mostly the family the socket promises; sometimes the other one (a wrong version).
            var seeds = (kind == TunnelKind.Ipv6InIpv6) == (random.Next(8) != 0) ? ipv6Seeds : ipv4Seeds;
            var packet = (n % 4) switch
            {
                0 => RandomBytes(random),
                _ => Mutate(random, seeds[random.Next(seeds.Length)]),
            };

            var result = decap.Process(kind, packet, out var offset, out var length);
            results[(int)result]++;
            Assert.Contains(result, Ipv6SocketOutcomes);
            if (result == DecapResult.Deliver)
            {
                // What would be written to the TUN device: a packet of the promised family, from
                // the first byte, within the buffer, as long as its own header says.
                Assert.Equal(0, offset);
                Assert.InRange(length, 20, packet.Length);
                if (kind == TunnelKind.Ipv6InIpv6)
                {
                    Assert.Equal(6, packet[0] >> 4);
                    Assert.Equal(length, 40 + BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)));
                }
                else
                {
                    Assert.Equal(4, packet[0] >> 4);
                    Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
                    Assert.Equal(0, TestPackets.InternetChecksum(packet.AsSpan(0, (packet[0] & 0x0F) * 4)));
                }

                // Alternate write outcomes so WriteFailed is exercised too.
                decap.RecordWrite(succeeded: n % 7 != 0);
            }
            else
            {
                Assert.Equal(0, offset);
                Assert.Equal(0, length);
            }
        }

        Assert.Equal(Packets, decap.Received);
        Assert.Equal(Packets, decap.Delivered + decap.TotalDropped);
        Assert.Equal(results[(int)DecapResult.Deliver], decap.Delivered + decap.GetDropped(DecapResult.WriteFailed));
        foreach (var reason in Decapsulator.DropReasons.Where(r => r != DecapResult.WriteFailed))
        {
            Assert.Equal(results[(int)reason], decap.GetDropped(reason));
        }

        // The mix reaches every outcome an IPv6 socket can give, so the fuzz exercises every path.
        foreach (var outcome in Ipv6SocketOutcomes)
        {
            Assert.True(results[(int)outcome] > 0, $"never saw {outcome}");
        }

        Assert.True(decap.GetDropped(DecapResult.WriteFailed) > 0, "never saw WriteFailed");
    }

    private static byte[] RandomBytes(Random random)
    {
        var packet = new byte[random.Next(0, 120)];
        random.NextBytes(packet);
        if (packet.Length > 0 && random.Next(2) == 0)
        {
            packet[0] = (byte)((random.Next(2) == 0 ? 0x60 : 0x40) | (packet[0] & 0x0F));
        }

        return packet;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var packet = seed.ToArray();
        var mutations = random.Next(0, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0:
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    packet = packet[..random.Next(packet.Length + 1)];
                    if (packet.Length == 0)
                    {
                        return packet;
                    }

                    break;
                case 2:
                    // The headers: fixed header and the first extension headers.
                    packet[random.Next(Math.Min(packet.Length, 64))] ^= (byte)(1 << random.Next(8));
                    break;
                case 3:
                    packet = [.. packet, .. new byte[random.Next(1, 16)]];
                    break;
                case 4:
                    // A next header anywhere in the chain's reach: an extension, an upper layer, or not walkable.
                    packet[random.Next(Math.Min(packet.Length, 64))] = (byte)(random.Next(3) switch
                    {
                        0 => random.Next(256),
                        1 => new byte[] { 0, 43, 44, 60 }[random.Next(4)],
                        _ => new byte[] { 6, 17, 58, 59, 50, 51 }[random.Next(6)],
                    });
                    break;
                default:
                    break;
            }
        }

        // Often fix an IPv4 header checksum so the mutation reaches the deeper checks.
        if (packet.Length >= 20 && packet[0] >> 4 == 4 && (packet[0] & 0x0F) >= 5 && (packet[0] & 0x0F) * 4 <= packet.Length && random.Next(3) != 0)
        {
            TestPackets.FixChecksum(packet);
        }

        return packet;
    }
}
