using System.Buffers.Binary;
using Xunit;

namespace LvsLab.Decap.Tests;

public class FuzzTests
{
    private const int Packets = 100_000;

    [Fact]
    public void HundredThousandRandomAndMutatedPacketsNeverThrowAndAreEachCountedOnce()
    {
        var random = new Random(20260601);
        var decap = new Decapsulator();
        var results = new long[Enum.GetValues<DecapResult>().Length];
        byte[][] seeds =
        [
            TestPackets.Wrap(TestPackets.IcmpEcho()),
            TestPackets.Wrap(TestPackets.IcmpEcho(dataLength: 0)),
            TestPackets.Wrap(TestPackets.IcmpEcho(dataLength: 200, optionWords: 1)),
            TestPackets.WrapRaw(TestPackets.IcmpEcho(dataLength: 3), optionWords: 2),
        ];

        for (var n = 0; n < Packets; n++)
        {
            var packet = (n % 4) switch
            {
                0 => RandomBytes(random),
                1 => RandomWithPlausibleOuterHeader(random),
                _ => Mutate(random, seeds[random.Next(seeds.Length)]),
            };

            var result = decap.Process(packet, out var offset, out var length);
            results[(int)result]++;
            if (result == DecapResult.Deliver)
            {
                // What would be written to the TUN device is a well-formed IPv4 packet within the buffer.
                Assert.InRange(offset, 20, 60);
                Assert.InRange(offset + length, offset + 20, packet.Length);
                Assert.Equal(4, packet[offset] >> 4);
                Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(offset + 2)));
                Assert.Equal(0, TestPackets.InternetChecksum(packet.AsSpan(offset, (packet[offset] & 0x0F) * 4)));

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

        // The mix reaches every outcome of the IPv4 socket, so the fuzz exercises every path; the
        // inner-IPv6 reasons belong to the IPv6 sockets (Ipv6FuzzTests) and never occur here.
        DecapResult[] ipv6Only = [DecapResult.InnerIpv6Truncated, DecapResult.InnerIpv6Invalid, DecapResult.InnerIpv6BadExtensionHeaders];
        foreach (var outcome in Enum.GetValues<DecapResult>())
        {
            if (ipv6Only.Contains(outcome))
            {
                Assert.Equal(0, results[(int)outcome]);
                continue;
            }

            Assert.True(outcome == DecapResult.WriteFailed ? decap.GetDropped(outcome) > 0 : results[(int)outcome] > 0, $"never saw {outcome}");
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var packet = new byte[random.Next(0, 120)];
        random.NextBytes(packet);
        return packet;
    }

    /// <summary>A valid outer header (protocol 4 mostly) in front of random bytes: exercises the inner checks.</summary>
    private static byte[] RandomWithPlausibleOuterHeader(Random random)
    {
        var payload = new byte[random.Next(0, 80)];
        random.NextBytes(payload);
        if (payload.Length > 0 && random.Next(2) == 0)
        {
            payload[0] = (byte)(0x40 | random.Next(16));
        }

        if (payload.Length >= 4 && random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), (ushort)random.Next(0, payload.Length + 8));
        }

        if (payload.Length >= 20 && (payload[0] & 0x0F) >= 5 && (payload[0] & 0x0F) * 4 <= payload.Length && random.Next(2) == 0)
        {
            TestPackets.FixChecksum(payload);
        }

        byte protocol = random.Next(10) == 0 ? (byte)random.Next(256) : (byte)4;
        ushort flags = random.Next(10) == 0 ? (ushort)random.Next(65536) : (ushort)0;
        return TestPackets.WrapRaw(payload, protocol, flags);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var packet = seed.ToArray();
        var mutations = random.Next(0, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(5))
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
                    packet[random.Next(Math.Min(packet.Length, 48))] ^= (byte)(1 << random.Next(8));
                    break;
                case 3:
                    packet = [.. packet, .. new byte[random.Next(1, 16)]];
                    break;
                default:
                    break;
            }
        }

        // Often fix the checksums so the mutation reaches the deeper checks.
        if (packet.Length >= 20 && (packet[0] & 0x0F) >= 5 && (packet[0] & 0x0F) * 4 <= packet.Length && random.Next(3) != 0)
        {
            var outerHeader = (packet[0] & 0x0F) * 4;
            if (packet.Length >= outerHeader + 20)
            {
                var inner = packet.AsSpan(outerHeader);
                if ((inner[0] & 0x0F) >= 5 && (inner[0] & 0x0F) * 4 <= inner.Length && random.Next(2) == 0)
                {
                    TestPackets.FixChecksum(inner);
                }
            }

            TestPackets.FixChecksum(packet);
        }

        return packet;
    }
}
