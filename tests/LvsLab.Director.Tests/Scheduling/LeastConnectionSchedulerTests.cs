using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Scheduling;

public class LeastConnectionSchedulerTests
{
    [Fact]
    public void LcChoosesTheSmallestActiveTimes256PlusInactive()
    {
        var lc = new LeastConnectionScheduler();
        RealServer[] servers = Servers(1, 1, 1);
        // Overheads 2*256+0=512, 1*256+300=556, 1*256+255=511: the third.
        Assert.Equal(2, Select(lc, servers, [2, 1, 1], [0, 300, 255]));
        // One active outweighs 255 inactive: 0*256+255 < 1*256+0.
        Assert.Equal(0, Select(lc, servers, [0, 1, 1], [255, 0, 0]));
        // A tie goes to the first in list order.
        Assert.Equal(1, Select(lc, servers, [3, 2, 2], [0, 5, 5]));
    }

    [Fact]
    public void LcIgnoresWeightsExceptZero()
    {
        var lc = new LeastConnectionScheduler();
        Assert.Equal(1, Select(lc, Servers(100, 1, 100), [5, 4, 5], [0, 0, 0]));
        Assert.Equal(2, Select(lc, Servers(1, 0, 1), [5, 0, 4], [0, 0, 0]));
        Assert.Equal(-1, Select(lc, Servers(0, 0), [0, 0], [0, 0]));
    }

    [Fact]
    public void WlcComparesOverheadPerWeightByCrossMultiplication()
    {
        var wlc = new WeightedLeastConnectionScheduler();
        // Overheads 512 (w 1), 1024 (w 3), 768 (w 2): 512/1 > 1024/3 = 341 < 768/2 = 384: the second.
        Assert.Equal(1, Select(wlc, Servers(1, 3, 2), [2, 4, 3], [0, 0, 0]));

        // Equal ratios (256/1 and 768/3): the first keeps it (strictly greater replaces).
        Assert.Equal(0, Select(wlc, Servers(1, 3), [1, 3], [0, 0]));

        // 257/1 * 3 = 771 > 768 * 1: now the second.
        Assert.Equal(1, Select(wlc, Servers(1, 3), [1, 3], [1, 0]));

        // Large counts and weights do not overflow: 2^20 active (overhead 2^28) times weight 65535.
        Assert.Equal(1, Select(wlc, Servers(65535, 65535), [1 << 20, (1 << 20) - 1], [0, 0]));
    }

    [Fact]
    public void WlcDiffersFromLcWhenWeightsDiffer()
    {
        RealServer[] servers = Servers(1, 4);
        int[] active = [1, 2];
        int[] inactive = [0, 0];
        Assert.Equal(0, Select(new LeastConnectionScheduler(), servers, active, inactive));
        Assert.Equal(1, Select(new WeightedLeastConnectionScheduler(), servers, active, inactive));
    }

    [Fact]
    public void SedUsesActivePlusOneOverWeightAndIgnoresInactive()
    {
        var sed = new ShortestExpectedDelayScheduler();
        // (0+1)/1 = 1 against (1+1)/3 = 0.67: the second, although the first is idle.
        Assert.Equal(1, Select(sed, Servers(1, 3), [0, 1], [0, 0]));
        // Inactive connections do not count for sed (they would for wlc).
        Assert.Equal(0, Select(sed, Servers(1, 1), [1, 1], [1000, 0]));
        Assert.Equal(1, Select(new WeightedLeastConnectionScheduler(), Servers(1, 1), [1, 1], [1000, 0]));
        // (2+1)*2 = 6 against (5+1)*1 = 6: a tie, the first stays.
        Assert.Equal(0, Select(sed, Servers(1, 2), [2, 5], [0, 0]));
    }

    [Fact]
    public void NqTakesTheFirstIdleServerElseFallsBackToSed()
    {
        var nq = new NeverQueueScheduler();
        // sed would choose the heavy second server ((1+1)/3 < (0+1)/1); nq takes the idle first.
        Assert.Equal(1, Select(new ShortestExpectedDelayScheduler(), Servers(1, 3), [0, 1], [0, 0]));
        Assert.Equal(0, Select(nq, Servers(1, 3), [0, 1], [0, 0]));
        // Idle means no active connection: inactive ones do not matter; first idle in list order.
        Assert.Equal(1, Select(nq, Servers(5, 1, 1), [3, 0, 0], [0, 50, 0]));
        // Nobody idle: sed's rule. (2+1)/1=3, (3+1)/4=1, (1+1)/1=2: the second.
        Assert.Equal(1, Select(nq, Servers(1, 4, 1), [2, 3, 1], [0, 0, 0]));
        // An idle server of weight 0 is not idle for nq: it is skipped.
        Assert.Equal(1, Select(nq, Servers(0, 1), [0, 4], [0, 0]));
    }

    [Theory]
    [InlineData("lc")]
    [InlineData("wlc")]
    [InlineData("sed")]
    [InlineData("nq")]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("sh")]
    [InlineData("dh")]
    [InlineData("mh")]
    public void WeightZeroServerIsNeverChosen(string name)
    {
        IScheduler scheduler = SchedulerFactory.Create(name);
        RealServer[] servers = Servers(2, 0, 1, 0);
        scheduler.Reset(servers);
        var random = new Random(7);
        int[] active = new int[4];
        int[] inactive = new int[4];
        int chosenOnce = 0;
        for (int i = 0; i < 5000; i++)
        {
            // The weight-0 servers look the most attractive to the least-connection schedulers.
            active[0] = random.Next(1, 50);
            active[2] = random.Next(1, 50);
            inactive[0] = random.Next(100);
            inactive[2] = random.Next(100);
            var client = new Ipv4Address((uint)random.Next());
            var context = new SchedulingContext(active, inactive, client, (ushort)random.Next(65536), client, 80);
            int chosen = scheduler.Select(servers, context);
            Assert.True(chosen is -1 or 0 or 2, $"{name} chose {chosen}");
            if (chosen >= 0)
            {
                chosenOnce++;
            }
        }

        Assert.True(chosenOnce > 0);
    }

    [Fact]
    public void LookupsDoNotAllocate()
    {
        RealServer[] servers = Servers(3, 1, 0, 2, 5);
        int[] active = [4, 1, 0, 7, 2];
        int[] inactive = [9, 0, 0, 3, 1];
        foreach (string name in SchedulerFactory.Supported)
        {
            IScheduler scheduler = SchedulerFactory.Create(name);
            scheduler.Reset(servers);
            var context = new SchedulingContext(active, inactive, new Ipv4Address(10, 0, 0, 50), 40000, new Ipv4Address(10, 0, 0, 100), 80);
            scheduler.Select(servers, context);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int sum = 0;
            for (int i = 0; i < 10_000; i++)
            {
                var perPacket = new SchedulingContext(active, inactive, new Ipv4Address((uint)i * 2654435761u), (ushort)i, new Ipv4Address((uint)i), 80);
                sum += scheduler.Select(servers, perPacket);
            }

            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before == 0, $"{name} allocated");
            Assert.NotEqual(int.MinValue, sum);
        }
    }

    internal static RealServer[] Servers(params int[] weights) =>
        weights.Select((w, i) => new RealServer(new Ipv4Address(10, 0, 0, (byte)(11 + i)), 80, ForwardingMethod.DirectRouting, w)).ToArray();

    private static int Select(IScheduler scheduler, RealServer[] servers, int[] active, int[] inactive)
    {
        scheduler.Reset(servers);
        return scheduler.Select(servers, new SchedulingContext(active, inactive));
    }
}
