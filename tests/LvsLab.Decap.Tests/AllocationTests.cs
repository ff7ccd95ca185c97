using Xunit;

namespace LvsLab.Decap.Tests;

public class AllocationTests
{
    [Fact]
    public void ProcessingPacketsOfEveryKindAndOutcomeAllocatesNothing()
    {
        var badChecksum = TestPackets.IcmpEcho();
        badChecksum[8]--;
        (TunnelKind Kind, byte[] Packet)[] cases =
        [
            (TunnelKind.Ipv4InIpv4, TestPackets.Wrap(TestPackets.IcmpEcho())),
            (TunnelKind.Ipv4InIpv4, TestPackets.WrapRaw(TestPackets.IcmpEcho(), protocol: 17)),
            (TunnelKind.Ipv4InIpv4, TestPackets.WrapRaw(badChecksum)),
            (TunnelKind.Ipv6InIpv6, TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv6InIpv6(TestPackets.Icmpv6Echo()))),
            (TunnelKind.Ipv6InIpv6, TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(58), .. TestPackets.Icmpv6EchoMessage()])),
            (TunnelKind.Ipv6InIpv6, TestPackets.Ipv6(50, new byte[24])),
            (TunnelKind.Ipv6InIpv6, TestPackets.Icmpv6Echo()[..39]),
            (TunnelKind.Ipv6InIpv6, TestPackets.IcmpEcho(dataLength: 40)),
            (TunnelKind.Ipv6InIpv6, []),
            (TunnelKind.Ipv4InIpv6, TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv4InIpv6(TestPackets.IcmpEcho()))),
            (TunnelKind.Ipv4InIpv6, badChecksum),
            (TunnelKind.Ipv4InIpv6, TestPackets.Icmpv6Echo()),
            (TunnelKind.Ipv4InIpv6, TestPackets.IcmpEcho()[..19]),
        ];
        var decap = new Decapsulator();
        var seen = new HashSet<DecapResult>();
        foreach (var (kind, packet) in cases)
        {
            seen.Add(decap.Process(kind, packet, out _, out _)); // warm up (tiered JIT, statics)
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (var round = 0; round < 2_000; round++)
        {
            foreach (var (kind, packet) in cases)
            {
                var result = decap.Process(kind, packet, out var offset, out var length);
                if (result == DecapResult.Deliver)
                {
                    decap.RecordWrite(succeeded: (round & 1) == 0);
                }

                sum += (int)result + offset + length;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);

        // The cases cover delivery and several drop reasons on every kind, not one cheap path.
        Assert.Superset(
            new HashSet<DecapResult>
            {
                DecapResult.Deliver, DecapResult.OuterNotIpInIp, DecapResult.InnerBadChecksum, DecapResult.InnerInvalid,
                DecapResult.InnerTruncated, DecapResult.InnerIpv6Truncated, DecapResult.InnerIpv6Invalid, DecapResult.InnerIpv6BadExtensionHeaders,
            },
            seen);
    }
}
