using LvsLab.Packets;
using LvsLab.PacketIo;

namespace LvsLab.Director.Host;

/// <summary>
/// Frame I/O over AF_PACKET: each port has a memory-mapped receive ring, and one worker thread
/// drains the rings, runs the engine over up to <see cref="Budget"/> frames per port under one
/// take of the engine's lock, gathers the frames to send in a batch per port and sends each batch
/// with one <c>sendmmsg</c>, past the qdisc. Frames this machine sends are not received back
/// (<c>PACKET_IGNORE_OUTGOING</c>). Nothing allocates per frame.
/// </summary>
internal sealed class AfPacketPorts : IFramePorts
{
    /// <summary>Frames taken from one ring before the others get a turn (and the batches go out).</summary>
    private const int Budget = 64;

    private readonly PacketSocket[] sockets;
    private readonly FrameBatch[] batches;
    private readonly byte[] output;
    private readonly CancellationTokenSource stop = new();
    private readonly long spinTicks;
    private Thread? worker;
    private long sendErrors;
    private long batchCount;
    private long batchedFrames;
    private long checksumsCompleted;
    private long truncated;

    private AfPacketPorts(PacketSocket[] sockets, int slotSize, int spinMicroseconds)
    {
        spinTicks = spinMicroseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
        this.sockets = sockets;
        batches = [.. sockets.Select(_ => new FrameBatch(Budget, slotSize))];
        output = new byte[slotSize];
    }

    /// <inheritdoc/>
    public string Description
    {
        get
        {
            var s = sockets[0];
            return $"af_packet: rx ring of {s.MaxFrameLength}-byte slots per port, sendmmsg batches of up to {Budget}, "
                + $"busy-poll {spinTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency} µs, qdisc bypass {(s.BypassesQdisc ? "on" : "refused")}, ignore outgoing {(s.IgnoresOutgoing ? "on" : "refused (own frames are seen and ignored)")}, 1 worker";
        }
    }

    /// <inheritdoc/>
    public FrameIoCounters Counters => new(
        Interlocked.Read(ref sendErrors),
        sockets.Sum(s => s.KernelStatistics.Dropped),
        Interlocked.Read(ref batchCount),
        Interlocked.Read(ref batchedFrames),
        Interlocked.Read(ref checksumsCompleted),
        Interlocked.Read(ref truncated));

    /// <summary>Opens a packet socket with a receive ring on each port.</summary>
    /// <param name="names">The interfaces, in port order.</param>
    /// <param name="mtu">The largest MTU of the ports (sizes the ring slots).</param>
    /// <param name="spinMicroseconds">How long the worker busy-polls for more frames before sleeping (0: never).</param>
    public static AfPacketPorts Open(IReadOnlyList<string> names, int mtu, int spinMicroseconds)
    {
        // A slot holds a whole frame of the MTU (+ Ethernet, VLAN and the ring's header); the
        // output may be 20 bytes longer (IP-in-IP).
        var frameSize = 2048;
        while (frameSize - 128 < mtu + 18)
        {
            frameSize *= 2;
        }

        var sockets = new List<PacketSocket>();
        try
        {
            foreach (var name in names)
            {
                sockets.Add(PacketSocket.Open(name, new PacketSocketOptions { FrameSize = frameSize, FrameCount = Math.Max(1024, (8 << 20) / frameSize) }));
            }
        }
        catch (PacketSocketException e)
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw new DirectorStartException($"cannot open an AF_PACKET socket: {e.Message} (needs CAP_NET_RAW; --io pcap uses libpcap instead)", e);
        }

        return new AfPacketPorts([.. sockets], frameSize, spinMicroseconds);
    }

    /// <inheritdoc/>
    public void Start(LiveDirector director)
    {
        worker = new Thread(() => Run(director)) { IsBackground = true, Name = "lvs-director frames" };
        worker.Start();
    }

    /// <inheritdoc/>
    public void Send(int port, ReadOnlySpan<byte> frame)
    {
        if (sockets[port].Send(frame) != 0)
        {
            Interlocked.Increment(ref sendErrors);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stop.Cancel();
        worker?.Join(TimeSpan.FromSeconds(2));
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        foreach (var batch in batches)
        {
            batch.Dispose();
        }

        stop.Dispose();
    }

    private void Run(LiveDirector director)
    {
        var engine = director.Engine;
        var token = stop.Token;
        while (!token.IsCancellationRequested)
        {
            var any = false;
            lock (director.Gate)
            {
                var now = director.NowMilliseconds;
                for (var port = 0; port < sockets.Length; port++)
                {
                    var socket = sockets[port];
                    for (var n = 0; n < Budget && socket.TryPeek(out var frame); n++)
                    {
                        any = true;
                        Process(engine, port, frame, now);
                        socket.Release();
                    }
                }
            }

            for (var port = 0; port < batches.Length; port++)
            {
                Flush(port);
            }

            if (!any && !SpinForFrames())
            {
                // Nothing queued: sleep in poll until a ring has a frame (or to look at the stop flag).
                PacketSocket.WaitAny(sockets, 100);
            }
        }
    }

    // Busy-polls the rings for up to spinTicks before the worker goes to sleep in poll: a
    // frame that comes within that time is taken without a wakeup (a system call and a
    // context switch, the largest cost per frame at moderate rates), at the price of CPU.
    private bool SpinForFrames()
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

    private void Process(DirectorEngine engine, int port, RingFrame frame, long now)
    {
        if (frame.Truncated)
        {
            truncated++;
            return;
        }

        var data = frame.Data;
        if (frame.ChecksumNotReady && data.Length > 14 && data[12] == 0x08 && data[13] == 0x00 && Checksum.CompleteTransport(data[14..]))
        {
            checksumsCompleted++;
        }

        var decision = engine.Process(port, data, output, now);
        if (decision.Kind is DecisionKind.Forward or DecisionKind.Reply)
        {
            var batch = batches[decision.Port];
            if (batch.IsFull)
            {
                Flush(decision.Port);
            }

            batch.Add(output.AsSpan(0, decision.Length));
        }
    }

    private void Flush(int port)
    {
        var batch = batches[port];
        if (batch.Count == 0)
        {
            return;
        }

        var accepted = batch.Send(sockets[port].Descriptor, out _);
        Interlocked.Add(ref sendErrors, batch.Count - accepted);
        Interlocked.Increment(ref batchCount);
        Interlocked.Add(ref batchedFrames, accepted);
        batch.Clear();
    }
}
