using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Scheduling;

public class SchedulerTests
{
    [Fact]
    public void RoundRobinRotatesInListOrder()
    {
        RealServer[] servers = Servers(1, 1, 1);
        Assert.Equal("ABCABCABC", Run(new RoundRobinScheduler(), servers, 9));
    }

    [Fact]
    public void RoundRobinIgnoresWeightsButSkipsZero()
    {
        Assert.Equal("ACDACDACD", Run(new RoundRobinScheduler(), Servers(5, 0, 1, 2), 9));
        Assert.Equal("BBBB", Run(new RoundRobinScheduler(), Servers(0, 7, 0), 4));
    }

    [Fact]
    public void RoundRobinWithNoUsableServerReturnsMinusOne()
    {
        Assert.Equal(-1, Select(new RoundRobinScheduler(), Servers(0, 0)));
        Assert.Equal(-1, Select(new RoundRobinScheduler(), Servers()));
    }

    [Fact]
    public void WeightedRoundRobin311FollowsIpvs()
    {
        // ip_vs_wrr: gcd 1, mw 3. cw=3: A; cw=2: A; cw=1: A, B, C; then cw wraps to 3.
        var scheduler = new WeightedRoundRobinScheduler();
        string sequence = Run(scheduler, Servers(3, 1, 1), 15);
        Assert.Equal("AAABCAAABCAAABC", sequence);
        Assert.Equal(9, sequence.Count(c => c == 'A'));
        Assert.Equal(3, sequence.Count(c => c == 'B'));
        Assert.Equal(3, sequence.Count(c => c == 'C'));
    }

    [Theory]
    [InlineData(new[] { 4, 3, 2 }, "AABABCABC")]
    [InlineData(new[] { 4, 2 }, "AAB")]
    [InlineData(new[] { 2, 4 }, "BAB")]
    [InlineData(new[] { 3, 0, 1 }, "AAAC")]
    [InlineData(new[] { 0, 5, 0 }, "B")]
    [InlineData(new[] { 1, 1, 1 }, "ABC")]
    [InlineData(new[] { 6, 3, 3 }, "AABC")]
    [InlineData(new[] { 1, 2, 3 }, "CBCABC")]
    public void WeightedRoundRobinCyclesFollowIpvs(int[] weights, string cycle)
    {
        var scheduler = new WeightedRoundRobinScheduler();
        Assert.Equal(cycle + cycle + cycle, Run(scheduler, Servers(weights), cycle.Length * 3));
    }

    [Fact]
    public void WeightedRoundRobinWithAllZeroWeightsReturnsMinusOne()
    {
        Assert.Equal(-1, Select(new WeightedRoundRobinScheduler(), Servers(0, 0, 0)));
        Assert.Equal(-1, Select(new WeightedRoundRobinScheduler(), Servers()));
    }

    [Fact]
    public void WeightedRoundRobinGivesExactSharesPerCycle()
    {
        var random = new Random(4242);
        for (int round = 0; round < 500; round++)
        {
            int[] weights = new int[random.Next(1, 7)];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = random.Next(3) == 0 ? 0 : random.Next(1, 4) * (random.Next(2) == 0 ? 1 : 4);
            }

            if (weights.All(w => w == 0))
            {
                continue;
            }

            int gcd = weights.Where(w => w > 0).Aggregate(Gcd);
            int cycle = weights.Sum() / gcd;
            var scheduler = new WeightedRoundRobinScheduler();
            RealServer[] servers = Servers(weights);
            scheduler.Reset(servers);
            int[] counts = new int[weights.Length];
            for (int i = 0; i < cycle * 2; i++)
            {
                counts[scheduler.Select(servers)]++;
            }

            Assert.Equal(weights.Select(w => 2 * w / gcd).ToArray(), counts);
        }
    }

    [Fact]
    public void FactoryKnowsEveryImplementedScheduler()
    {
        Assert.IsType<RoundRobinScheduler>(SchedulerFactory.Create("rr"));
        Assert.IsType<WeightedRoundRobinScheduler>(SchedulerFactory.Create("wrr"));
        Assert.IsType<LeastConnectionScheduler>(SchedulerFactory.Create("lc"));
        Assert.IsType<WeightedLeastConnectionScheduler>(SchedulerFactory.Create("wlc"));
        Assert.IsType<ShortestExpectedDelayScheduler>(SchedulerFactory.Create("sed"));
        Assert.IsType<NeverQueueScheduler>(SchedulerFactory.Create("nq"));
        Assert.IsType<SourceHashingScheduler>(SchedulerFactory.Create("sh"));
        Assert.IsType<DestinationHashingScheduler>(SchedulerFactory.Create("dh"));
        Assert.IsType<MaglevHashingScheduler>(SchedulerFactory.Create("mh"));
        Assert.Equal(["rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh"], SchedulerFactory.Supported);
        Assert.All(SchedulerFactory.Supported, name => Assert.Equal(name, SchedulerFactory.Create(name).Name));
        Assert.All(SchedulerFactory.Supported, name => Assert.True(SchedulerFactory.IsSupported(name)));
        Assert.Equal("wlc", SchedulerFactory.DefaultName);
        Assert.True(SchedulerFactory.IsSupported(SchedulerFactory.DefaultName));
        Assert.False(SchedulerFactory.IsSupported("lblc"));
        Assert.True(SchedulerFactory.IsKnownButUnsupported("lblc"));
        Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("lblc"));
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static RealServer[] Servers(params int[] weights) =>
        weights.Select((w, i) => new RealServer(new Ipv4Address(10, 0, 0, (byte)(11 + i)), 80, ForwardingMethod.DirectRouting, w)).ToArray();

    private static int Select(IScheduler scheduler, RealServer[] servers)
    {
        scheduler.Reset(servers);
        return scheduler.Select(servers);
    }

    private static string Run(IScheduler scheduler, RealServer[] servers, int count)
    {
        scheduler.Reset(servers);
        char[] result = new char[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (char)('A' + scheduler.Select(servers));
        }

        return new string(result);
    }
}
