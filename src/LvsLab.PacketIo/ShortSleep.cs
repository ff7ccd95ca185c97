namespace LvsLab.PacketIo;

/// <summary>
/// Sleeps of tens of microseconds for a frame loop's coalescing wait: <c>nanosleep</c>, with the
/// calling thread's timer slack cut to 1 µs (Linux lets a normal thread's timer fire up to 50 µs
/// late by default, as long as the wait itself).
/// </summary>
public static class ShortSleep
{
    /// <summary>Cuts the calling thread's timer slack to 1 µs (once per thread, before its first sleep).</summary>
    /// <returns>Whether the kernel took it.</returns>
    public static bool UseFineTimerSlack() => LibC.Prctl(LibC.PrSetTimerSlack, 1000, 0, 0, 0) == 0;

    /// <summary>Sleeps about <paramref name="nanoseconds"/> (a system call and a wake-up; not for waits under a few µs).</summary>
    /// <param name="nanoseconds">How long; nothing happens for 0 or less.</param>
    public static unsafe void Sleep(long nanoseconds)
    {
        if (nanoseconds <= 0)
        {
            return;
        }

        var time = new LibC.Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = LibC.NanoSleep(&time, null);
    }
}
