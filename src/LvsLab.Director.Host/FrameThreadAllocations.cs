namespace LvsLab.Director.Host;

/// <summary>
/// The bytes each frame thread has allocated, as the thread itself reads them
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact) after each pass over its frames:
/// what the forwarding allocates, apart from the rest of the process (the control socket, the
/// health checks, the runtime's compiler thread, whose allocations the process-wide count mixes
/// in, and rounds up to whole allocation contexts).
/// </summary>
internal sealed class FrameThreadAllocations(int threads)
{
    private readonly long[] bytes = new long[threads];

    /// <summary>Records the calling frame thread's allocations so far; called by that thread only.</summary>
    /// <param name="thread">The frame thread's index.</param>
    public void Record(int thread) => Volatile.Write(ref bytes[thread], GC.GetAllocatedBytesForCurrentThread());

    /// <summary>The bytes all frame threads had allocated at their last record.</summary>
    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                total += Volatile.Read(ref bytes[i]);
            }

            return total;
        }
    }
}
