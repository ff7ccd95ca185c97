using SharpPcap;
using SharpPcap.LibPcap;

namespace LvsLab.Director.Host;

/// <summary>
/// Frame I/O through libpcap (SharpPcap): each port's receive thread hands every frame to the
/// engine as a span (no copy, no allocation: <see cref="PcapFrameDevice"/>), the engine decides
/// under its lock, and the result is injected with one <c>send</c>. Simple and portable; the
/// AF_PACKET ports are faster.
/// </summary>
internal sealed class PcapPorts : IFramePorts
{
    private readonly PcapFrameDevice[] devices;
    private readonly byte[] output = new byte[65536 + 128];
    private readonly CancellationTokenSource stop = new();
    private readonly List<Thread> threads = [];
    private readonly FrameThreadAllocations allocations;
    private long sendErrors;
    private long sent;

    private PcapPorts(PcapFrameDevice[] devices)
    {
        this.devices = devices;
        allocations = new FrameThreadAllocations(devices.Length);
    }

    /// <inheritdoc/>
    public string Description => "libpcap (a receive thread per port, one send per frame, immediate mode)";

    /// <inheritdoc/>
    public FrameIoCounters Counters => new(Interlocked.Read(ref sendErrors), 0, Interlocked.Read(ref sent), Interlocked.Read(ref sent), 0, 0, FrameThreadAllocatedBytes: allocations.Total);

    /// <summary>Opens the ports (promiscuous, immediate mode).</summary>
    public static PcapPorts Open(IReadOnlyList<string> names)
    {
        var devices = new PcapFrameDevice[names.Count];
        try
        {
            var all = LibPcapLiveDeviceList.New();
            for (var i = 0; i < names.Count; i++)
            {
                var found = all.FirstOrDefault(d => d.Name == names[i])
                    ?? throw new DirectorStartException($"interface '{names[i]}' not found by libpcap");
                devices[i] = new PcapFrameDevice(found.Interface ?? throw new DirectorStartException($"interface '{names[i]}' has no libpcap description"));
            }
        }
        catch (DllNotFoundException e)
        {
            throw new DirectorStartException("libpcap is not installed (Debian: apt-get install libpcap0.8)", e);
        }

        var ports = new PcapPorts(devices);
        for (var i = 0; i < devices.Length; i++)
        {
            try
            {
                // Immediate mode: each frame is handed over at once, not when a buffer block fills.
                devices[i].Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 1, Immediate = true, Snaplen = 65535 });
            }
            catch (PcapException e)
            {
                ports.Dispose();
                throw new DirectorStartException($"cannot open '{names[i]}': {e.Message} (needs CAP_NET_RAW)", e);
            }
        }

        return ports;
    }

    /// <inheritdoc/>
    public void Start(LiveDirector director)
    {
        for (var i = 0; i < devices.Length; i++)
        {
            var port = i;
            var device = devices[i];
            FrameReceiver receiver = frame => OnFrame(director, port, frame);
            var thread = new Thread(() =>
            {
                ContendedWaitWarmUp.WaitOnce(director.Gate);
                device.Receive(receiver, stop.Token);
            }) { IsBackground = true, Name = $"pcap {device.Name}" };
            threads.Add(thread);
            thread.Start();
        }
    }

    /// <inheritdoc/>
    public void Send(int port, ReadOnlySpan<byte> frame)
    {
        try
        {
            devices[port].SendPacket(frame);
            Interlocked.Increment(ref sent);
        }
        catch (PcapException)
        {
            Interlocked.Increment(ref sendErrors);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stop.Cancel();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var device in devices.Where(d => d is not null))
        {
            device.Close();
        }

        stop.Dispose();
    }

    private void OnFrame(LiveDirector director, int port, ReadOnlySpan<byte> frame)
    {
        lock (director.Gate)
        {
            // A VRRP advertisement goes to the director's own control plane, not the engine.
            if (!director.TakeControlFrame(frame))
            {
                var decision = director.Engine.Process(port, frame, output, director.NowMilliseconds);
                if (decision.Sends)
                {
                    Send(decision.Interface, output.AsSpan(0, decision.Length));
                }
            }
        }

        director.AfterFramePass();
        allocations.Record(port);
    }
}
