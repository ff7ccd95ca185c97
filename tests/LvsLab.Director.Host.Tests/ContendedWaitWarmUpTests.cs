using Xunit;

namespace LvsLab.Director.Host.Tests;

public class ContendedWaitWarmUpTests
{
    [Fact]
    public void AThreadsFirstContendedWaitAllocatesUnlessItWaitedOnceAtItsStart()
    {
        var gate = new Lock();

        // The negative control: a fresh thread's first contended wait allocates.
        Assert.True(AllocatedByAContendedEnter(gate, warmUp: false) > 0, "a thread's first contended wait allocated nothing: the warm-up is no longer needed");

        // With the warm-up at its start, the same wait allocates nothing.
        Assert.Equal(0, AllocatedByAContendedEnter(new Lock(), warmUp: true));
    }

    // Runs a thread that (after the warm-up, if asked) enters the gate while another thread
    // holds it until the first is blocked, and returns what the enter allocated on that thread.
    private static long AllocatedByAContendedEnter(Lock gate, bool warmUp)
    {
        long allocated = -1;
        var entering = 0;
        var holding = new ManualResetEventSlim();
        Thread? waiter = null;
        var holder = new Thread(() =>
        {
            lock (gate)
            {
                holding.Set();
                while (Volatile.Read(ref entering) == 0 || (waiter!.ThreadState & ThreadState.WaitSleepJoin) == 0)
                {
                    Thread.Yield();
                }
            }
        });
        waiter = new Thread(() =>
        {
            if (warmUp)
            {
                ContendedWaitWarmUp.WaitOnce(gate);
            }

            holder.Start();
            while (!holding.IsSet)
            {
                Thread.SpinWait(20);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            Volatile.Write(ref entering, 1);
            lock (gate)
            {
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        waiter.Start();
        waiter.Join();
        holder.Join();
        holding.Dispose();
        return allocated;
    }
}
