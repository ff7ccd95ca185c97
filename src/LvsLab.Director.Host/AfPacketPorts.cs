using LvsLab.Packets;
using LvsLab.PacketIo;

namespace LvsLab.Director.Host;

/// <summary>
/// Frame I/O over AF_PACKET: each worker has, on each port, a packet socket with a
/// memory-mapped receive ring; it drains its rings, runs the engine over up to
/// <see cref="Budget"/> frames per port under one take of the engine's lock, gathers the frames
/// to send in a batch per port and sends each batch with one <c>sendmmsg</c>, past the qdisc.
/// With several workers, each port's sockets form a fanout group that spreads frames by flow
/// hash (a flow always to the same worker, so its order holds); the engine stays one, behind its
/// lock, and what runs in parallel is the system calls. Frames this machine sends are not
/// received back (<c>PACKET_IGNORE_OUTGOING</c>). Nothing allocates per frame.
/// </summary>
internal sealed class AfPacketPorts : IFramePorts
{
    /// <summary>Frames taken from one ring before the others get a turn (and the batches go out).</summary>
    private const int Budget = 64;

    /// <summary>The batch a coalescing wait aims to gather.</summary>
    private const int CoalesceTarget = 32;

    /// <summary>The fewest frames worth a coalescing wait.</summary>
    private const int CoalesceMinBatch = 4;

    private readonly Worker[] workers;
    private readonly CancellationTokenSource stop = new();
    private readonly long spinTicks;
    private readonly int coalesceMicroseconds;
    private readonly FrameThreadAllocations allocations;
    private Thread[] threads = [];

    private AfPacketPorts(Worker[] workers, int spinMicroseconds, int coalesceMicroseconds)
    {
        this.workers = workers;
        spinTicks = spinMicroseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
        this.coalesceMicroseconds = coalesceMicroseconds;
        allocations = new FrameThreadAllocations(workers.Length);
    }

    /// <inheritdoc/>
    public string Description
    {
        get
        {
            var s = workers[0].Sockets[0];
            return $"af_packet: rx ring of {s.MaxFrameLength}-byte slots per port, sendmmsg batches of up to {Budget}, "
                + $"busy-poll {spinTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency} µs, "
                + (coalesceMicroseconds > 0 ? $"coalescing up to {coalesceMicroseconds} µs when {CoalesceMinBatch}+ frames are due, " : "no coalescing, ")
                + $"qdisc bypass {(s.BypassesQdisc ? "on" : "refused")}, "
                + $"ignore outgoing {(s.IgnoresOutgoing ? "on" : "refused (own frames are seen and ignored)")}, {workers.Length} worker{(workers.Length == 1 ? string.Empty : "s (fanout by flow hash)")}";
        }
    }

    /// <inheritdoc/>
    public FrameIoCounters Counters => new(
        workers.Sum(w => Interlocked.Read(ref w.SendErrors)),
        workers.Sum(w => w.Sockets.Sum(s => s.KernelStatistics.Dropped)),
        workers.Sum(w => Interlocked.Read(ref w.BatchCount)),
        workers.Sum(w => Interlocked.Read(ref w.BatchedFrames)),
        workers.Sum(w => Interlocked.Read(ref w.ChecksumsCompleted)),
        workers.Sum(w => Interlocked.Read(ref w.Truncated)),
        workers.Sum(w => Interlocked.Read(ref w.VlanDropped)),
        workers.Sum(w => Interlocked.Read(ref w.Holds)),
        allocations.Total);

    /// <summary>Opens, for each worker, a packet socket with a receive ring on each port.</summary>
    /// <param name="names">The interfaces, in port order.</param>
    /// <param name="mtu">The largest MTU of the ports (sizes the ring slots).</param>
    /// <param name="spinMicroseconds">How long a worker busy-polls for more frames before sleeping (0: never).</param>
    /// <param name="coalesceMicroseconds">The longest wait for more frames after a pass that emptied the rings, when the arrival rate says a batch will gather (0: never).</param>
    /// <param name="workerCount">Worker threads (1 to 8); more than one spreads each port's frames by flow hash.</param>
    public static AfPacketPorts Open(IReadOnlyList<string> names, int mtu, int spinMicroseconds, int coalesceMicroseconds, int workerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workerCount, 8);

        // A slot holds a whole frame of the MTU (+ Ethernet, VLAN and the ring's header); the
        // output may be 20 bytes longer (IP-in-IP).
        var frameSize = 2048;
        while (frameSize - 128 < mtu + 18)
        {
            frameSize *= 2;
        }

        // A fanout group id per port, unique to this process in its network namespace.
        var groupBase = (ushort)(((Environment.ProcessId * 8) & 0xFFF8) | 8);
        var workers = new List<Worker>();
        var opened = new List<PacketSocket>();
        try
        {
            for (var w = 0; w < workerCount; w++)
            {
                opened.Clear();
                for (var port = 0; port < names.Count; port++)
                {
                    opened.Add(PacketSocket.Open(names[port], new PacketSocketOptions
                    {
                        FrameSize = frameSize,
                        FrameCount = Math.Max(1024, (8 << 20) / frameSize),
                        FanoutGroup = workerCount > 1 ? (ushort)(groupBase + port) : (ushort)0,
                    }));
                }

                workers.Add(new Worker([.. opened], frameSize));
            }
        }
        catch (PacketSocketException e)
        {
            foreach (var socket in opened)
            {
                socket.Dispose();
            }

            foreach (var worker in workers)
            {
                worker.Dispose();
            }

            throw new DirectorStartException($"cannot open an AF_PACKET socket: {e.Message} (needs CAP_NET_RAW; --io pcap uses libpcap instead)", e);
        }

        return new AfPacketPorts([.. workers], spinMicroseconds, coalesceMicroseconds);
    }

    /// <inheritdoc/>
    public void Start(LiveDirector director)
    {
        threads = [.. workers.Select((worker, i) => new Thread(() => Run(director, worker, i)) { IsBackground = true, Name = $"lvs-director frames {i}" })];
        foreach (var thread in threads)
        {
            thread.Start();
        }
    }

    /// <inheritdoc/>
    public void Send(int port, ReadOnlySpan<byte> frame)
    {
        var worker = workers[0];
        if (worker.Sockets[port].Send(frame) != 0)
        {
            Interlocked.Increment(ref worker.SendErrors);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stop.Cancel();
        foreach (var thread in threads)
        {
            thread.Join(TimeSpan.FromSeconds(2));
        }

        foreach (var worker in workers)
        {
            worker.Dispose();
        }

        stop.Dispose();
    }

    private void Run(LiveDirector director, Worker worker, int index)
    {
        var engine = director.Engine;
        var token = stop.Token;
        var sockets = worker.Sockets;
        var coalescing = new PacketIo.ReceiveCoalescing(coalesceMicroseconds * 1000L, CoalesceTarget, CoalesceMinBatch);
        if (coalesceMicroseconds > 0)
        {
            _ = PacketIo.ShortSleep.UseFineTimerSlack();
        }

        ContendedWaitWarmUp.WaitOnce(director.Gate);

        while (!token.IsCancellationRequested)
        {
            var any = false;
            var taken = 0;
            var drained = true;
            lock (director.Gate)
            {
                // Until a send batch is full: the batches go out after the lock is let go, so no
                // system call is ever made while the engine's lock is held.
                var now = director.NowMilliseconds;
                var full = false;
                for (var port = 0; port < sockets.Length && !full; port++)
                {
                    var socket = sockets[port];
                    for (var n = 0; n < Budget && !full && socket.TryPeek(out var frame); n++)
                    {
                        any = true;
                        taken++;
                        full = !director.TakeControlFrame(frame.Data) && worker.Process(engine, port, frame, now);
                        socket.Release();
                    }

                    drained &= !socket.HasFrame;
                }

                drained &= !full;
            }

            for (var port = 0; port < sockets.Length; port++)
            {
                worker.Flush(port);
            }

            director.AfterFramePass();
            allocations.Record(index);

            var hold = coalescing.AfterPass(taken, drained, (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency)));
            if (hold > 0)
            {
                // A busy stream: let a batch gather in the rings, then take it with one wake-up.
                Interlocked.Increment(ref worker.Holds);
                PacketIo.ShortSleep.Sleep(hold);
            }
            else if (!any && !SpinForFrames(sockets))
            {
                // Nothing queued: sleep in poll until a ring has a frame (or to look at the stop flag).
                PacketSocket.WaitAny(sockets, 100);
            }
        }
    }

    // Busy-polls the rings for up to spinTicks before the worker goes to sleep in poll: a
    // frame that comes within that time is taken without a wakeup (a system call and a
    // context switch, the largest cost per frame at moderate rates), at the price of CPU.
    private bool SpinForFrames(PacketSocket[] sockets)
    {
        if (spinTicks == 0)
        {
            return false;
        }

        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        do
        {
            foreach (var socket in sockets)
            {
                if (socket.HasFrame)
                {
                    return true;
                }
            }

            Thread.SpinWait(20);
        }
        while (System.Diagnostics.Stopwatch.GetTimestamp() - start < spinTicks);
        return false;
    }

    /// <summary>One worker's sockets (one per port), send batches and counters.</summary>
    private sealed class Worker(PacketSocket[] sockets, int slotSize) : IDisposable
    {
        public long SendErrors;
        public long BatchCount;
        public long BatchedFrames;
        public long ChecksumsCompleted;
        public long Truncated;
        public long VlanDropped;
        public long Holds;
        private readonly FrameBatch[] batches = [.. sockets.Select(_ => new FrameBatch(Budget, slotSize))];
        private readonly byte[] output = new byte[slotSize];

        public PacketSocket[] Sockets => sockets;

        /// <summary>Runs the engine over one frame; true when the batch it went to is now full (flush before the next).</summary>
        public bool Process(DirectorEngine engine, int port, RingFrame frame, long now)
        {
            if (frame.Truncated)
            {
                Truncated++;
                return false;
            }

            if (frame.VlanTagged)
            {
                // The kernel took the 802.1Q tag off; forwarding the rest would move the frame
                // to the untagged LAN. The director does not serve VLANs: count and drop.
                VlanDropped++;
                return false;
            }

            var data = frame.Data;
            if (frame.ChecksumNotReady && data.Length > 14 && ((data[12] == 0x08 && data[13] == 0x00) || (data[12] == 0x86 && data[13] == 0xDD)) && Checksum.CompleteTransport(data[14..]))
            {
                ChecksumsCompleted++;
            }

            var decision = engine.Process(port, data, output, now);
            if (decision.Sends)
            {
                var batch = batches[decision.Interface];
                batch.Add(output.AsSpan(0, decision.Length));
                return batch.IsFull;
            }

            return false;
        }

        public void Flush(int port)
        {
            var batch = batches[port];
            if (batch.Count == 0)
            {
                return;
            }

            var accepted = batch.Send(sockets[port].Descriptor, out _);
            Interlocked.Add(ref SendErrors, batch.Count - accepted);
            Interlocked.Increment(ref BatchCount);
            Interlocked.Add(ref BatchedFrames, accepted);
            batch.Clear();
        }

        public void Dispose()
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var batch in batches)
            {
                batch.Dispose();
            }
        }
    }
}
