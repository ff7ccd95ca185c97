using System.Diagnostics;
using SharpPcap;
using SharpPcap.LibPcap;

namespace LvsLab.Testing.Capture;

/// <summary>
/// Captures one link from the host side of a node's veth, independently of whatever runs in
/// the node (the forwarder under test cannot hide or fake what crosses its link). Keeps every
/// frame in memory for assertions and writes a pcap when stopped.
/// </summary>
public sealed class Tap : IDisposable
{
    private const int RingBytes = 64 * 1024 * 1024;
    private static readonly Lock DeviceListGate = new();
    private readonly List<CapturedFrame> frames = [];
    private readonly LibPcapLiveDevice device;
    private readonly byte[] markerBytes = Guid.NewGuid().ToByteArray();
    private bool stopped;
    private bool markerSeen;

    private Tap(string label, string hostInterface, LibPcapLiveDevice device)
    {
        Label = label;
        HostInterface = hostInterface;
        this.device = device;
    }

    /// <summary>What the tap watches, e.g. <c>director-eth0</c> (names its pcap).</summary>
    public string Label { get; }

    /// <summary>The host interface captured.</summary>
    public string HostInterface { get; }

    /// <summary>The frames seen so far.</summary>
    public IReadOnlyList<CapturedFrame> Frames
    {
        get
        {
            lock (frames)
            {
                return [.. frames];
            }
        }
    }

    /// <summary>Starts capturing <paramref name="hostInterface"/>.</summary>
    /// <param name="label">What it watches (for the pcap's name).</param>
    /// <param name="hostInterface">The host interface (the host side of a node's veth).</param>
    /// <param name="filter">
    /// A capture filter (tcpdump syntax) for links too busy to keep whole, such as a flood's;
    /// null keeps every frame. The stop marker passes whatever the filter says.
    /// </param>
    /// <returns>The running tap.</returns>
    public static Tap Start(string label, string hostInterface, string? filter = null)
    {
        LibPcapLiveDevice device;
        lock (DeviceListGate)
        {
            // The device list is a snapshot: take a fresh one to see the lab's new veths.
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == hostInterface)
                ?? throw new InvalidOperationException($"tap '{label}': host interface '{hostInterface}' not found (is the test running as root on the Docker host?)");
        }

        var tap = new Tap(label, hostInterface, device);
        device.OnPacketArrival += tap.OnPacketArrival;
        // The kernel's ring holds BufferSize / (snaplen + header) frames: with libpcap's default
        // 2 MB and a 64 KB snaplen that is 32 frames, and a capture thread that does not run for a
        // few tens of milliseconds on a loaded machine lost the rest of a scenario's frames
        // (seen in CI: a tap kept the first 32 frames of six requests). 64 MB holds about 1,000.
        device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 20, Immediate = true, Snaplen = 65535, BufferSize = RingBytes });
        if (filter is not null)
        {
            device.Filter = $"({filter}) or ether proto 0x88b5";
        }

        device.StartCapture();
        return tap;
    }

    /// <summary>
    /// Stops once the link has been quiet for <paramref name="quiet"/> and a marker frame sent
    /// onto the link has come back through this tap (so every frame before it has been read, even
    /// on a busy machine), or after <paramref name="limit"/>; then writes the pcap into
    /// <paramref name="folder"/>. The marker (EtherType 0x88B5, local experimental; the node's
    /// kernel drops it) is left out of the frames and the pcap.
    /// </summary>
    /// <param name="folder">Where the pcap goes.</param>
    /// <param name="quiet">How long without a new frame counts as settled.</param>
    /// <param name="limit">The longest wait.</param>
    /// <returns>The pcap's path.</returns>
    public async Task<string> StopAsync(string folder, TimeSpan? quiet = null, TimeSpan? limit = null)
    {
        var settle = quiet ?? TimeSpan.FromMilliseconds(150);
        var deadline = Stopwatch.StartNew();
        var last = -1;
        while (deadline.Elapsed < (limit ?? TimeSpan.FromSeconds(3)))
        {
            int count;
            lock (frames)
            {
                count = frames.Count;
            }

            if (count == last)
            {
                break;
            }

            last = count;
            await Task.Delay(settle);
        }

        if (!Directory.Exists($"/sys/class/net/{HostInterface}"))
        {
            // The node went away (stopped): nothing more can arrive.
            StopCapture();
            return Save(folder);
        }

        var marker = new byte[60];
        marker.AsSpan(0, 6).Fill(0xff);
        marker.AsSpan(6, 6).Fill(0x02);
        marker[12] = 0x88;
        marker[13] = 0xb5;
        markerBytes.CopyTo(marker.AsSpan(14));
        FrameInjector.Send(HostInterface, [marker]);
        await Lab.Runtime.Eventually.TrueAsync(_ => Task.FromResult(Volatile.Read(ref markerSeen)), limit ?? TimeSpan.FromSeconds(5), $"tap {Label} to read its marker frame");

        // Evidence with holes is no evidence: frames the kernel dropped make the capture fail loudly.
        var dropped = device.Statistics?.DroppedPackets ?? 0;
        StopCapture();
        var path = Save(folder);
        return dropped == 0
            ? path
            : throw new InvalidOperationException($"tap {Label}: the kernel dropped {dropped} frame(s) its ring could not hold; the capture ({path}) is incomplete");
    }

    private string Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Label}.pcap");
        using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
        writer.Open(new DeviceConfiguration { LinkLayerType = PacketDotNet.LinkLayers.Ethernet });
        foreach (var frame in Frames)
        {
            var time = new PosixTimeval(frame.Time);
            writer.Write(new RawCapture(PacketDotNet.LinkLayers.Ethernet, time, frame.Data, frame.Data.Length));
        }

        writer.Close();
        return path;
    }

    /// <inheritdoc/>
    public void Dispose() => StopCapture();

    private void StopCapture()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        try
        {
            device.StopCapture();
        }
        catch (PcapException)
        {
            // The interface went away with its container: what was captured stays.
        }

        device.OnPacketArrival -= OnPacketArrival;
        device.Close();
    }

    private void OnPacketArrival(object sender, PacketCapture e)
    {
        var data = e.Data;
        if (data.Length >= 30 && data[12] == 0x88 && data[13] == 0xb5 && data.Slice(14, 16).SequenceEqual(markerBytes))
        {
            Volatile.Write(ref markerSeen, true);
            return;
        }

        var frame = new CapturedFrame(e.Header.Timeval.Date, e.Data.ToArray());
        lock (frames)
        {
            frames.Add(frame);
        }
    }
}
