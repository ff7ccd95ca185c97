namespace LvsLab.Director.Host;

/// <summary>
/// Makes a frame thread wait once on the engine's lock at its start. The runtime allocates a
/// thread's wait state at its first contended wait on a <see cref="Lock"/> (136 bytes, and the
/// lock's own wait event at the first wait of any thread: measured), which would otherwise fall
/// in the middle of a stream, whenever a listing or a health change first holds the lock while
/// frames come: after this, a frame thread allocates nothing in its loop.
/// </summary>
internal static class ContendedWaitWarmUp
{
    /// <summary>Waits once on <paramref name="gate"/>, held meanwhile by a helper thread until this thread is seen waiting.</summary>
    /// <param name="gate">The lock the calling thread will take in its loop.</param>
    public static void WaitOnce(Lock gate)
    {
        var caller = Thread.CurrentThread;
        var held = 0;
        var entering = 0;
        var helper = new Thread(() =>
        {
            lock (gate)
            {
                Volatile.Write(ref held, 1);

                // Until the caller has said it is entering and is blocked: then its wait is the lock's.
                while (Volatile.Read(ref entering) == 0 || (caller.ThreadState & ThreadState.WaitSleepJoin) == 0)
                {
                    Thread.Yield();
                }
            }
        })
        { IsBackground = true, Name = "lvs-director lock warm-up" };
        helper.Start();

        // Spinning, not blocking: a blocked caller here would look like one waiting on the lock.
        while (Volatile.Read(ref held) == 0)
        {
            Thread.SpinWait(20);
        }

        Volatile.Write(ref entering, 1);
        lock (gate)
        {
        }

        helper.Join();
    }
}
