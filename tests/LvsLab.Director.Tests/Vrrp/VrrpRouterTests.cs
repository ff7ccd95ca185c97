using LvsLab.Director.Vrrp;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Vrrp;

/// <summary>The state machine of RFC 5798 §6.4, driven by hand with times in milliseconds.</summary>
public class VrrpRouterTests
{
    private const byte Vrid = 51;
    private static readonly Ipv4Address Low = Ipv4Address.Parse("10.250.0.1");
    private static readonly Ipv4Address High = Ipv4Address.Parse("10.250.0.2");
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.250.0.100");

    private static VrrpRouter Router(byte priority, Ipv4Address primary, bool preempt = true, int interval = 100) =>
        new(new VrrpRouterOptions(Vrid, priority, primary, [Vip]) { Preempt = preempt, AdvertisementInterval = interval });

    private static VrrpAdvertisementFields Advert(byte priority, int interval = 100) => new(Vrid, priority, interval);

    [Fact]
    public void StartsAsBackupAndBecomesMasterAfterTheMasterDownInterval()
    {
        var router = Router(100, Low);
        Assert.Equal(VrrpState.Initialize, router.State);
        Assert.Equal(VrrpRouter.NoDeadline, router.NextDeadline);

        Assert.Equal(VrrpActions.BecameBackup, router.Start(1_000));
        Assert.Equal(VrrpState.Backup, router.State);

        // 3 × 1,000 ms + (256 − 100) × 1,000 / 256 = 3,609 ms (609.375 rounded down).
        Assert.Equal(3_609, router.MasterDownInterval);
        Assert.Equal(4_609, router.NextDeadline);
        Assert.Equal(VrrpActions.None, router.Tick(4_608));
        Assert.Equal(VrrpState.Backup, router.State);

        Assert.Equal(VrrpActions.SendAdvertisement | VrrpActions.SendGratuitousArp | VrrpActions.BecameMaster, router.Tick(4_609));
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(Low, router.MasterAddress);
        Assert.Equal(5_609, router.NextDeadline);
        Assert.Equal(VrrpActions.None, router.Tick(5_608));
        Assert.Equal(VrrpActions.SendAdvertisement, router.Tick(5_609));
        Assert.Equal(6_609, router.NextDeadline);
        Assert.Equal(1, router.Counters.MasterTransitions);
        Assert.Equal(1, router.Counters.BackupTransitions);
    }

    [Fact]
    public void ALateTickSendsOneAdvertisementAndCountsFromItself()
    {
        var router = Router(100, Low);
        router.Start(0);
        router.Tick(router.NextDeadline);

        Assert.Equal(VrrpActions.SendAdvertisement, router.Tick(10_000));
        Assert.Equal(11_000, router.NextDeadline);
        Assert.Equal(VrrpActions.None, router.Tick(10_500));
    }

    [Fact]
    public void TheOwnerBecomesMasterAtOnce()
    {
        var router = Router(255, Low, preempt: false);

        Assert.Equal(VrrpActions.SendAdvertisement | VrrpActions.SendGratuitousArp | VrrpActions.BecameMaster, router.Start(0));
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(1_000, router.NextDeadline);
        Assert.True(router.Options.IsOwner);
    }

    [Fact]
    public void AdvertisementsKeepABackupFromTakingOver()
    {
        var router = Router(100, Low);
        router.Start(0);
        for (long now = 0; now < 30_000; now += 10)
        {
            if (now % 1_000 == 500)
            {
                Assert.Equal(VrrpActions.None, router.Receive(Advert(200), High, now));
            }

            Assert.Equal(VrrpActions.None, router.Tick(now));
            Assert.Equal(VrrpState.Backup, router.State);
        }

        // The last advertisement came at 29,500: the master is down 3,609 ms later.
        Assert.Equal(High, router.MasterAddress);
        Assert.Equal(33_109, router.NextDeadline);
        Assert.Equal(VrrpActions.None, router.Tick(33_108));
        Assert.True((router.Tick(33_109) & VrrpActions.BecameMaster) != 0);
        Assert.Equal(30, router.Counters.Accepted);
    }

    [Fact]
    public void ABackupAdoptsTheMastersAdvertisedInterval()
    {
        var router = Router(100, Low, interval: 100);
        router.Start(0);

        router.Receive(Advert(200, interval: 50), High, 100);

        Assert.Equal(50, router.MasterAdvertisementInterval);
        // 3 × 500 ms + 156 × 500 / 256 = 1,500 + 304 (304.6875).
        Assert.Equal(304, router.SkewTime);
        Assert.Equal(1_804, router.MasterDownInterval);
        Assert.Equal(1_904, router.NextDeadline);

        // Once master, it advertises with its own interval again.
        router.Tick(1_904);
        Assert.Equal(100, router.MasterAdvertisementInterval);
        Assert.Equal(2_904, router.NextDeadline);
    }

    [Fact]
    public void AHigherPriorityBackupPreemptsALowerPriorityMaster()
    {
        var router = Router(200, High);
        router.Start(0);
        VrrpActions seen = VrrpActions.None;
        long becameMasterAt = -1;
        for (long now = 0; now < 10_000; now += 10)
        {
            if (now % 1_000 == 0)
            {
                seen |= router.Receive(Advert(100), Low, now);
            }

            VrrpActions actions = router.Tick(now);
            if ((actions & VrrpActions.BecameMaster) != 0)
            {
                becameMasterAt = now;
            }
        }

        // The lower-priority master's advertisements are discarded, so the master down timer
        // (3 × 1,000 + 56 × 1,000 / 256 = 3,218 ms) runs out from the start.
        Assert.Equal(3_220, becameMasterAt);
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(VrrpActions.None, seen);
        Assert.Equal(10, router.Counters.Ignored(VrrpIgnoreReason.LowerPriority));
        Assert.Equal(0, router.Counters.Accepted);
    }

    [Fact]
    public void WithoutPreemptionAHigherPriorityBackupLeavesTheMasterBe()
    {
        var router = Router(200, High, preempt: false);
        router.Start(0);
        for (long now = 0; now < 10_000; now += 10)
        {
            if (now % 1_000 == 0)
            {
                router.Receive(Advert(100), Low, now);
            }

            router.Tick(now);
            Assert.Equal(VrrpState.Backup, router.State);
        }

        Assert.Equal(Low, router.MasterAddress);
        Assert.Equal(10, router.Counters.Accepted);
    }

    [Fact]
    public void AMasterStepsDownForAHigherPriority()
    {
        var router = Router(100, Low);
        router.Start(0);
        router.Tick(router.NextDeadline);

        Assert.Equal(VrrpActions.BecameBackup, router.Receive(Advert(150, interval: 200), High, 5_000));

        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(High, router.MasterAddress);
        Assert.Equal(200, router.MasterAdvertisementInterval);
        // 3 × 2,000 + 156 × 2,000 / 256 = 6,000 + 1,218 (1,218.75).
        Assert.Equal(5_000 + 7_218, router.NextDeadline);
    }

    [Fact]
    public void AMasterIgnoresALowerPriority()
    {
        var router = Router(200, Low);
        router.Start(0);
        router.Tick(router.NextDeadline);
        long deadline = router.NextDeadline;

        Assert.Equal(VrrpActions.None, router.Receive(Advert(100), High, 4_000));

        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(deadline, router.NextDeadline);
        Assert.Equal(1, router.Counters.Ignored(VrrpIgnoreReason.LowerPriority));
    }

    [Fact]
    public void EqualPrioritiesAreSettledByTheHigherPrimaryAddress()
    {
        var low = Router(100, Low);
        low.Start(0);
        low.Tick(low.NextDeadline);
        var high = Router(100, High);
        high.Start(0);
        high.Tick(high.NextDeadline);

        Assert.Equal(VrrpActions.BecameBackup, low.Receive(Advert(100), High, 5_000));
        Assert.Equal(VrrpActions.None, high.Receive(Advert(100), Low, 5_000));

        Assert.Equal(VrrpState.Backup, low.State);
        Assert.Equal(VrrpState.Master, high.State);
    }

    [Fact]
    public void APriorityZeroAdvertisementHandsOverInTheSkewTime()
    {
        var router = Router(100, Low);
        router.Start(0);
        router.Receive(Advert(200), High, 1_000);
        Assert.Equal(4_609, router.NextDeadline);

        Assert.Equal(VrrpActions.None, router.Receive(Advert(0), High, 2_000));

        Assert.Equal(609, router.SkewTime);
        Assert.Equal(2_609, router.NextDeadline);
        Assert.Equal(VrrpActions.None, router.Tick(2_608));
        Assert.True((router.Tick(2_609) & VrrpActions.BecameMaster) != 0);
        Assert.Equal(1, router.Counters.PriorityZeroReceived);
    }

    [Fact]
    public void AMasterAnswersAPriorityZeroAdvertisementAtOnce()
    {
        var router = Router(100, Low);
        router.Start(0);
        router.Tick(router.NextDeadline);

        Assert.Equal(VrrpActions.SendAdvertisement, router.Receive(Advert(0), High, 4_000));

        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(5_000, router.NextDeadline);
    }

    [Fact]
    public void WhenTheMasterStopsTheHigherOfTwoBackupsTakesOver()
    {
        // Three routers on one simulated link: a master (priority 250) and two backups (200 and
        // 100). Each advertisement one sends reaches the others at the same instant.
        var master = Router(250, Ipv4Address.Parse("10.250.0.3"));
        var first = Router(200, Ipv4Address.Parse("10.250.0.1"));
        var second = Router(100, Ipv4Address.Parse("10.250.0.2"));
        VrrpRouter[] routers = [master, first, second];
        foreach (VrrpRouter router in routers)
        {
            router.Start(0);
        }

        var link = new Link(routers);
        link.Run(0, 10_000);
        Assert.Equal([VrrpState.Master, VrrpState.Backup, VrrpState.Backup], Array.ConvertAll(routers, r => r.State));

        link.Send(master, master.Shutdown(10_000), 10_000);
        Assert.Equal(VrrpState.Initialize, master.State);
        Assert.Equal(10_000 + first.SkewTime, first.NextDeadline);
        Assert.Equal(10_000 + second.SkewTime, second.NextDeadline);
        link.Run(10_000, 20_000);

        // 56 × 1,000 / 256 = 218 ms after the priority 0 advertisement, not 3,218.
        Assert.Equal(VrrpState.Master, first.State);
        Assert.Equal(10_218, link.BecameMasterAt[first]);
        Assert.Equal(VrrpState.Backup, second.State);
        Assert.Equal(first.Options.PrimaryAddress, second.MasterAddress);
        Assert.Equal(0, second.Counters.MasterTransitions);
    }

    [Fact]
    public void ShutdownSendsPriorityZeroOnlyFromMaster()
    {
        var router = Router(100, Low);
        Assert.Equal(VrrpActions.None, router.Shutdown(0));

        router.Start(0);
        Assert.Equal(VrrpActions.Stopped, router.Shutdown(10));
        Assert.Equal(VrrpState.Initialize, router.State);
        Assert.Equal(VrrpRouter.NoDeadline, router.NextDeadline);

        router.Start(100);
        router.Tick(router.NextDeadline);
        Assert.Equal(VrrpActions.SendPriorityZeroAdvertisement | VrrpActions.Stopped, router.Shutdown(5_000));
        Assert.Equal(VrrpState.Initialize, router.State);
        Assert.Equal(VrrpActions.None, router.Tick(100_000));
    }

    [Fact]
    public void StartWhileRunningChangesNothing()
    {
        var router = Router(100, Low);
        router.Start(0);
        Assert.Equal(VrrpActions.None, router.Start(50));
        Assert.Equal(3_609, router.NextDeadline);
    }

    [Fact]
    public void AdvertisementsWhileStoppedOrFromOurselvesAreIgnored()
    {
        var router = Router(100, Low);
        Assert.Equal(VrrpActions.None, router.Receive(Advert(200), High, 0));
        Assert.Equal(1, router.Counters.Ignored(VrrpIgnoreReason.NotRunning));

        router.Start(0);
        Assert.Equal(VrrpActions.None, router.Receive(Advert(200), Low, 10));
        Assert.Equal(1, router.Counters.Ignored(VrrpIgnoreReason.OwnAdvertisement));
        Assert.Equal(3_609, router.NextDeadline);
    }

    [Fact]
    public void FieldsForAnotherVridOrWithIntervalZeroAreCountedAndIgnored()
    {
        var router = Router(100, Low);
        router.Start(0);

        Assert.Equal(VrrpActions.None, router.Receive(new VrrpAdvertisementFields(52, 200, 100), High, 10));
        Assert.Equal(VrrpActions.None, router.Receive(new VrrpAdvertisementFields(Vrid, 200, 0), High, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => router.Receive(new VrrpAdvertisementFields(Vrid, 200, 4096), High, 10));

        Assert.Equal(1, router.Counters.Ignored(VrrpIgnoreReason.Foreign));
        Assert.Equal(1, router.Counters.Malformed(Packets.Vrrp.VrrpError.ZeroInterval));
        Assert.Equal(2, router.Counters.Received);
        Assert.Equal(3_609, router.NextDeadline);
        Assert.Equal(100, router.MasterAdvertisementInterval);
    }

    /// <summary>Routers on one link, advertisements delivered at once, time stepped by 1 ms.</summary>
    private sealed class Link(VrrpRouter[] routers)
    {
        public Dictionary<VrrpRouter, long> BecameMasterAt { get; } = [];

        public void Run(long from, long to)
        {
            for (long now = from; now < to; now++)
            {
                foreach (VrrpRouter router in routers)
                {
                    if (now >= router.NextDeadline)
                    {
                        Send(router, router.Tick(now), now);
                    }
                }
            }
        }

        public void Send(VrrpRouter sender, VrrpActions actions, long now)
        {
            if ((actions & VrrpActions.BecameMaster) != 0)
            {
                BecameMasterAt[sender] = now;
            }

            byte priority = (actions & VrrpActions.SendPriorityZeroAdvertisement) != 0 ? (byte)0 : sender.Options.Priority;
            if ((actions & (VrrpActions.SendAdvertisement | VrrpActions.SendPriorityZeroAdvertisement)) == 0)
            {
                return;
            }

            foreach (VrrpRouter router in routers)
            {
                if (router != sender)
                {
                    var advert = new VrrpAdvertisementFields(sender.Options.VirtualRouterId, priority, sender.Options.AdvertisementInterval);
                    Send(router, router.Receive(advert, sender.Options.PrimaryAddress, now), now);
                }
            }
        }
    }
}
