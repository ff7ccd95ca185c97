using Xunit;

namespace LvsLab.Director.Host.Tests;

public class FrameThreadAllocationsTests
{
    [Fact]
    public void EachThreadsOwnAllocationsAreCountedExactlyAndOthersAreNot()
    {
        var allocations = new FrameThreadAllocations(2);
        long quiet = 0;
        long busy = 0;
        object?[] kept = new object?[100];

        // Thread 0 computes without allocating; thread 1 makes 100 arrays of 1,000 bytes.
        var threads = new[]
        {
            new Thread(() =>
            {
                allocations.Record(0);
                long before = GC.GetAllocatedBytesForCurrentThread();
                long sum = 0;
                for (int i = 0; i < 1_000_000; i++)
                {
                    sum += i ^ (i >> 3);
                }

                allocations.Record(0);
                quiet = GC.GetAllocatedBytesForCurrentThread() - before + (sum & 0);
            }),
            new Thread(() =>
            {
                allocations.Record(1);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < kept.Length; i++)
                {
                    kept[i] = new byte[1_000];
                }

                allocations.Record(1);
                busy = GC.GetAllocatedBytesForCurrentThread() - before;
            }),
        };

        long start = allocations.Total;
        foreach (var thread in threads)
        {
            thread.Start();
            thread.Join();
        }

        Assert.Equal(0, quiet);
        Assert.InRange(busy, 100 * 1_000, 100 * 1_100);

        // Total is each thread's own count at its last record: what they had allocated before
        // their first (their start), plus the arrays; nothing of this test thread's.
        Assert.True(allocations.Total - start >= busy, $"total moved {allocations.Total - start}, the busy thread allocated {busy}");
        var again = allocations.Total;
        _ = new byte[10_000];
        Assert.Equal(again, allocations.Total);
    }
}
