using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;
using Xunit;
using Xunit.Abstractions;
using static LvsLab.Director.Tests.Scheduling.LeastConnectionSchedulerTests;

namespace LvsLab.Director.Tests.Scheduling;

public class MaglevHashingSchedulerTests(ITestOutputHelper output)
{
    [Fact]
    public void DefaultTableHas65537Entries()
    {
        var mh = new MaglevHashingScheduler();
        Assert.Equal(65537, mh.TableSize);
        Assert.Equal(65537, mh.Table.Length);
        Assert.False(mh.HashPort);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaglevHashingScheduler(65536));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void EqualWeightsShareTheTableWithin1Percent(int count)
    {
        var mh = new MaglevHashingScheduler();
        mh.Reset(Servers(Enumerable.Repeat(1, count).ToArray()));
        int[] shares = Shares(mh, count);
        double ideal = (double)mh.TableSize / count;
        double imbalance = shares.Max() / ideal - 1;
        output.WriteLine($"n={count}: shares {string.Join(", ", shares)}; max/ideal-1 = {imbalance:P4}");
        Assert.True(imbalance <= 0.01, $"imbalance {imbalance:P3}");
        Assert.All(shares, share => Assert.InRange(share / ideal, 0.99, 1.01));
    }

    [Fact]
    public void Weights311ShareTheTableAsTheWeightsWithin1Percent()
    {
        var mh = new MaglevHashingScheduler();
        mh.Reset(Servers(3, 1, 1));
        int[] shares = Shares(mh, 3);
        double[] expected = [0.6, 0.2, 0.2];
        for (int i = 0; i < 3; i++)
        {
            double share = (double)shares[i] / mh.TableSize;
            output.WriteLine($"server {i}: {shares[i]} entries, {share:P4} (expected {expected[i]:P0})");
            Assert.InRange(share, expected[i] - 0.01, expected[i] + 0.01);
        }
    }

    [Fact]
    public void WeightZeroServersHaveNoEntryAndWeightsAreRelativeToTheirGcd()
    {
        var mh = new MaglevHashingScheduler();
        mh.Reset(Servers(6, 0, 2, 2));
        int[] shares = Shares(mh, 4);
        Assert.Equal(0, shares[1]);
        Assert.InRange((double)shares[0] / mh.TableSize, 0.59, 0.61);

        mh.Reset(Servers(0, 0));
        Assert.All(mh.Table.ToArray(), entry => Assert.Equal(-1, entry));
        Assert.Equal(-1, mh.Select(Servers(0, 0), HashingSchedulerTests.Context(new Ipv4Address(1, 2, 3, 4), 0, default)));
    }

    [Fact]
    public void SameClientSameServerWhateverThePort()
    {
        var mh = new MaglevHashingScheduler();
        RealServer[] servers = Servers(1, 1, 1, 1, 1);
        mh.Reset(servers);
        var client = new Ipv4Address(172, 16, 3, 9);
        int first = mh.Select(servers, HashingSchedulerTests.Context(client, 1, default));
        for (int port = 0; port < 1000; port++)
        {
            Assert.Equal(first, mh.Select(servers, HashingSchedulerTests.Context(client, (ushort)(port * 61), default)));
        }

        var withPort = new MaglevHashingScheduler(hashPort: true);
        withPort.Reset(servers);
        var seen = new HashSet<int>();
        for (int port = 0; port < 200; port++)
        {
            seen.Add(withPort.Select(servers, HashingSchedulerTests.Context(client, (ushort)port, default)));
        }

        Assert.Equal(5, seen.Count);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(8, 0)]
    [InlineData(10, 7)]
    public void RemovingAServerMovesOnlyItsOwnClients(int count, int removed)
    {
        RealServer[] before = Servers(Enumerable.Repeat(1, count).ToArray());
        RealServer[] after = before.Where((_, i) => i != removed).ToArray();
        var mhBefore = new MaglevHashingScheduler();
        var mhAfter = new MaglevHashingScheduler();
        mhBefore.Reset(before);
        mhAfter.Reset(after);

        const int Clients = 100_000;
        var random = new Random(1000 + count);
        int onRemoved = 0;
        int kept = 0;
        int others = 0;
        for (int i = 0; i < Clients; i++)
        {
            var client = new Ipv4Address((uint)random.Next() ^ ((uint)random.Next() << 1));
            SchedulingContext context = HashingSchedulerTests.Context(client, 0, default);
            RealServer was = before[mhBefore.Select(before, context)];
            RealServer now = after[mhAfter.Select(after, context)];
            if (ReferenceEquals(was, before[removed]))
            {
                onRemoved++;
                continue;
            }

            others++;
            if (ReferenceEquals(was, now))
            {
                kept++;
            }
        }

        double movedShare = (double)onRemoved / Clients;
        double keptShare = (double)kept / others;
        output.WriteLine(
            $"n={count}, removed #{removed}: moved {onRemoved} ({movedShare:P3}, ideal {1.0 / count:P3}); "
            + $"of the other {others}, kept {kept} ({keptShare:P4})");
        Assert.InRange(movedShare, (1.0 / count) - 0.01, (1.0 / count) + 0.01);
        Assert.True(keptShare >= 0.97, $"only {keptShare:P3} of the other clients kept their server");
    }

    private static int[] Shares(MaglevHashingScheduler mh, int count)
    {
        int[] shares = new int[count];
        foreach (int entry in mh.Table)
        {
            Assert.InRange(entry, 0, count - 1);
            shares[entry]++;
        }

        return shares;
    }
}
