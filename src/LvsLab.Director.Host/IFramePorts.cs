namespace LvsLab.Director.Host;

/// <summary>Which frame I/O the director uses.</summary>
internal enum FrameIoKind
{
    /// <summary>AF_PACKET: a memory-mapped receive ring per port, batched sends (<c>sendmmsg</c>) past the qdisc.</summary>
    AfPacket,

    /// <summary>libpcap through SharpPcap: a capture callback per frame and one <c>send</c> per frame.</summary>
    Pcap,
}

/// <summary>What the frame I/O counted (all since start).</summary>
/// <param name="SendErrors">Frames the kernel refused to send.</param>
/// <param name="RingDrops">Frames the kernel dropped because the receive queue was full (not known for libpcap: 0).</param>
/// <param name="Batches">Send calls made for forwarded frames.</param>
/// <param name="BatchedFrames">Frames those calls carried.</param>
/// <param name="ChecksumsCompleted">Frames whose TCP/UDP checksum the kernel had left to offload and the director filled in.</param>
/// <param name="Truncated">Frames too long for a receive slot, dropped.</param>
/// <param name="VlanDropped">802.1Q-tagged frames, dropped (the director does not serve VLANs).</param>
/// <param name="CoalescingWaits">Waits for a batch to gather after a pass, when the arrival rate called for one (AF_PACKET only).</param>
/// <param name="FrameThreadAllocatedBytes">Bytes the frame threads have allocated since they started (see <see cref="FrameThreadAllocations"/>).</param>
internal readonly record struct FrameIoCounters(long SendErrors, long RingDrops, long Batches, long BatchedFrames, long ChecksumsCompleted, long Truncated, long VlanDropped = 0, long CoalescingWaits = 0, long FrameThreadAllocatedBytes = 0);

/// <summary>The director's frame I/O on its ports: delivers received frames to the engine and sends what it decides.</summary>
internal interface IFramePorts : IDisposable
{
    /// <summary>One line saying how frames move (for the log).</summary>
    string Description { get; }

    /// <summary>The counters so far.</summary>
    FrameIoCounters Counters { get; }

    /// <summary>Starts receiving: each frame is processed by <paramref name="director"/>'s engine under its lock.</summary>
    void Start(LiveDirector director);

    /// <summary>Sends one frame on <paramref name="port"/> now (frames the director makes itself, e.g. ARP requests); any thread.</summary>
    void Send(int port, ReadOnlySpan<byte> frame);
}
