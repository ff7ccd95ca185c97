using LvsLab.Director.Vrrp;
using LvsLab.Packets;
using LvsLab.Packets.Vrrp;
using Xunit;

namespace LvsLab.Director.Tests.Vrrp;

/// <summary>The router fed whole packets: validation, counting and the frames it writes.</summary>
public class VrrpRouterFrameTests
{
    private const int Ip = EthernetFrame.HeaderLength;
    private static readonly Ipv4Address Ours = Ipv4Address.Parse("10.250.0.1");
    private static readonly Ipv4Address Theirs = Ipv4Address.Parse("10.250.0.2");
    private static readonly Ipv4Address[] Vips = [Ipv4Address.Parse("10.250.0.107"), Ipv4Address.Parse("10.250.0.108")];

    private static VrrpRouter Router(byte priority = 100) => new(new VrrpRouterOptions(7, priority, Ours, Vips));

    private static byte[] Frame(byte vrid, byte priority, Ipv4Address source, int interval = 100, Ipv4Address[]? addresses = null)
    {
        addresses ??= Vips;
        byte[] frame = new byte[VrrpAdvertisementFrame.Length(addresses.Length)];
        VrrpAdvertisementFrame.Write(frame, vrid, priority, interval, addresses, source, 1);
        return frame;
    }

    [Fact]
    public void AValidAdvertisementForOurVridIsActedOn()
    {
        var router = Router();
        router.Start(0);

        Assert.Equal(VrrpActions.None, router.Receive(Frame(7, 200, Theirs, interval: 50).AsSpan(Ip), 1_000));

        Assert.Equal(Theirs, router.MasterAddress);
        Assert.Equal(50, router.MasterAdvertisementInterval);
        Assert.Equal(1, router.Counters.Accepted);
        Assert.Equal(0, router.Counters.AddressListMismatches);
    }

    [Fact]
    public void AMasterStepsDownForAFrameFromAHigherPriority()
    {
        var router = Router();
        router.Start(0);
        router.Tick(router.NextDeadline);

        Assert.Equal(VrrpActions.BecameBackup, router.Receive(Frame(7, 101, Theirs).AsSpan(Ip), 5_000));
    }

    [Fact]
    public void MalformedAndForeignAdvertisementsAreCountedAndIgnored()
    {
        var router = Router();
        router.Start(0);
        long deadline = router.NextDeadline;

        byte[] badChecksum = Frame(7, 200, Theirs);
        badChecksum[^1] ^= 1;
        byte[] badTtl = Frame(7, 200, Theirs);
        var ip = new Ipv4Packet(badTtl.AsSpan(Ip)) { TimeToLive = 64 };
        ip.UpdateHeaderChecksum();
        byte[] foreign = Frame(8, 200, Theirs);

        Assert.Equal(VrrpActions.None, router.Receive(badChecksum.AsSpan(Ip), 100));
        Assert.Equal(VrrpActions.None, router.Receive(badTtl.AsSpan(Ip), 200));
        Assert.Equal(VrrpActions.None, router.Receive(badTtl.AsSpan(Ip, 10), 300));
        Assert.Equal(VrrpActions.None, router.Receive(foreign.AsSpan(Ip), 400));
        Assert.Equal(VrrpActions.None, router.Receive(foreign.AsSpan(Ip), 500));

        Assert.Equal(deadline, router.NextDeadline);
        Assert.Equal(Ipv4Address.Any, router.MasterAddress);
        VrrpCounters counters = router.Counters;
        Assert.Equal(5, counters.Received);
        Assert.Equal(0, counters.Accepted);
        Assert.Equal(1, counters.Malformed(VrrpError.BadChecksum));
        Assert.Equal(1, counters.Malformed(VrrpError.BadTimeToLive));
        Assert.Equal(1, counters.Malformed(VrrpError.Truncated));
        Assert.Equal(0, counters.Malformed(VrrpError.None));
        Assert.Equal(3, counters.Ignored(VrrpIgnoreReason.Malformed));
        Assert.Equal(2, counters.Ignored(VrrpIgnoreReason.Foreign));
    }

    [Fact]
    public void ADifferentAddressListIsCountedButActedOn()
    {
        var router = Router();
        router.Start(0);

        router.Receive(Frame(7, 200, Theirs, addresses: [Vips[1], Vips[0]]).AsSpan(Ip), 10);
        Assert.Equal(0, router.Counters.AddressListMismatches);

        router.Receive(Frame(7, 200, Theirs, addresses: [Vips[0]]).AsSpan(Ip), 20);
        router.Receive(Frame(7, 200, Theirs, addresses: [Vips[0], Ipv4Address.Parse("10.250.0.9")]).AsSpan(Ip), 30);

        Assert.Equal(2, router.Counters.AddressListMismatches);
        Assert.Equal(3, router.Counters.Accepted);
        Assert.Equal(30 + router.MasterDownInterval, router.NextDeadline);
    }

    [Fact]
    public void EveryAdvertisementIsCountedOnce()
    {
        var router = Router(150);
        var random = new Random(5798_64);
        byte[] buffer = new byte[64];
        router.Start(0);
        for (int round = 0; round < 20_000; round++)
        {
            byte vrid = (byte)(random.Next(4) == 0 ? 8 : 7);
            byte priority = (byte)random.Next(0, 256);
            Ipv4Address source = random.Next(10) == 0 ? Ours : new Ipv4Address(10, 250, 0, (byte)random.Next(1, 255));
            int length = VrrpAdvertisementFrame.Write(buffer, vrid, priority, random.Next(1, 300), Vips, source, (ushort)round);
            if (random.Next(3) == 0)
            {
                buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
            }

            long now = round * 100L;
            router.Receive(buffer.AsSpan(Ip, length - Ip), now);
            if (random.Next(500) == 0)
            {
                router.Shutdown(now);
                router.Start(now);
            }

            router.Tick(now);
        }

        VrrpCounters counters = router.Counters;
        long ignored = 0;
        foreach (VrrpIgnoreReason reason in Enum.GetValues<VrrpIgnoreReason>())
        {
            ignored += counters.Ignored(reason);
        }

        long malformed = 0;
        foreach (VrrpError error in Enum.GetValues<VrrpError>())
        {
            malformed += counters.Malformed(error);
        }

        Assert.Equal(20_000, counters.Received);
        Assert.Equal(counters.Received, counters.Accepted + ignored);
        Assert.Equal(counters.Ignored(VrrpIgnoreReason.Malformed), malformed);
        Assert.True(counters.Ignored(VrrpIgnoreReason.Foreign) > 0);
        Assert.True(counters.Ignored(VrrpIgnoreReason.OwnAdvertisement) > 0);
        Assert.True(counters.Ignored(VrrpIgnoreReason.LowerPriority) > 0);
        Assert.True(counters.Malformed(VrrpError.BadChecksum) > 0);
        Assert.True(counters.PriorityZeroReceived > 0);
    }

    [Fact]
    public void TheRouterWritesItsAdvertisementAndGratuitousArps()
    {
        var router = Router(100);
        byte[] frame = new byte[64];

        int length = router.WriteAdvertisement(frame, 9);
        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(Ip, length - Ip), out Ipv4Packet ip, out VrrpAdvertisement advert, out _));
        Assert.Equal((7, 100, 100, 2), (advert.VirtualRouterId, advert.Priority, advert.MaxAdvertisementInterval, advert.AddressCount));
        Assert.Equal(Vips[1], advert.GetAddress(1));
        Assert.Equal(Ours, ip.Source);
        Assert.Equal(9, ip.Identification);

        length = router.WriteAdvertisement(frame, 10, stopping: true);
        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(Ip, length - Ip), out _, out advert, out _));
        Assert.Equal(0, advert.Priority);

        Assert.Equal(GratuitousArp.FrameLength, router.WriteGratuitousArp(frame, 1));
        var arp = new ArpPacket(frame.AsSpan(Ip));
        Assert.True(arp.IsGratuitous);
        Assert.Equal(Vips[1], arp.SenderProtocolAddress);
        Assert.Equal(VrrpAdvertisement.VirtualRouterMac(7), arp.SenderHardwareAddress);
    }

    [Fact]
    public void ReceiveAndTickAllocateNothing()
    {
        var router = Router(100);
        byte[] advert = Frame(7, 200, Theirs);
        byte[] foreign = Frame(8, 200, Theirs);
        byte[] output = new byte[64];
        router.Start(0);
        router.Receive(advert.AsSpan(Ip), 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sum += (int)router.Receive(advert.AsSpan(Ip), i);
            sum += (int)router.Receive(foreign.AsSpan(Ip), i);
            sum += (int)router.Tick(i);
            sum += router.WriteAdvertisement(output, (ushort)i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
    }
}
