using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace LvsLab.Director.Host;

/// <summary>
/// Runs the engine on one interface: libpcap hands each frame to the capture callback as a span
/// (no copy, no allocation), the engine decides, and the frame it wrote is injected. The engine
/// is single-threaded: only the capture thread calls <see cref="DirectorEngine.Process"/>; other
/// threads read its counters.
/// </summary>
internal sealed class PcapDirector : IDisposable
{
    private readonly LibPcapLiveDevice device;
    private readonly TextWriter log;
    private readonly byte[] output = new byte[65536 + 128];
    private readonly Lock sendGate = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long sendErrors;

    private PcapDirector(LibPcapLiveDevice device, DirectorEngine engine, TextWriter log)
    {
        this.device = device;
        Engine = engine;
        this.log = log;
    }

    /// <summary>The engine (read its counters and tables from any thread).</summary>
    public DirectorEngine Engine { get; }

    /// <summary>Frames libpcap refused to send.</summary>
    public long SendErrors => Interlocked.Read(ref sendErrors);

    /// <summary>Opens <paramref name="interfaceName"/> and builds the engine for <paramref name="rules"/>.</summary>
    public static PcapDirector Open(string interfaceName, RuleSet rules, TextWriter log)
    {
        var (mac, address) = InterfaceAddresses(interfaceName);
        LibPcapLiveDevice device;
        try
        {
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
                ?? throw new DirectorStartException($"interface '{interfaceName}' not found by libpcap");
        }
        catch (DllNotFoundException e)
        {
            throw new DirectorStartException("libpcap is not installed (Debian: apt-get install libpcap0.8)", e);
        }

        var engine = new DirectorEngine(new DirectorOptions(mac, address), rules);
        var director = new PcapDirector(device, engine, log);
        try
        {
            device.OnPacketArrival += director.OnPacketArrival;
            // Immediate mode: each frame is handed over at once, not when a buffer block fills.
            device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 10, Immediate = true, Snaplen = 65535 });
        }
        catch (PcapException e)
        {
            throw new DirectorStartException($"cannot open '{interfaceName}': {e.Message} (needs CAP_NET_RAW)", e);
        }

        log.WriteLine($"lvs-director: {interfaceName} mac {mac} dip {address}; {rules.Services.Count} service(s)");
        foreach (var service in rules.Services)
        {
            log.WriteLine($"lvs-director:   {IpvsRulePrinter.Print(new RuleSet([service])).TrimEnd().Replace("\n", "\nlvs-director:   ", StringComparison.Ordinal)}");
        }

        return director;
    }

    /// <summary>Captures until <paramref name="stop"/>; resolves the real servers first, then says it is ready.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        device.StartCapture();
        await ResolveRealServersAsync(stop);
        log.WriteLine("lvs-director: ready");
        log.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        log.WriteLine($"lvs-director: stopping; {StatsText.Summary(Engine)}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            device.StopCapture();
        }
        catch (PcapException)
        {
        }

        device.Close();
    }

    /// <summary>ARP for every real server until all answer (bounded), so the first request is not lost.</summary>
    private async Task ResolveRealServersAsync(CancellationToken stop)
    {
        var pending = Engine.RealServerAddresses.ToList();
        var buffer = new byte[64];
        for (var attempt = 0; attempt < 50 && pending.Count > 0 && !stop.IsCancellationRequested; attempt++)
        {
            foreach (var rip in pending)
            {
                var length = Engine.WriteArpRequest(rip, buffer);
                Send(buffer.AsSpan(0, length));
            }

            // Wait for answers, then ask the ones still silent again.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * (attempt + 1), 500)), stop).ConfigureAwait(false);
            pending.RemoveAll(rip => Engine.Neighbours.TryGet(rip, out _));
        }

        foreach (var rip in pending)
        {
            log.WriteLine($"lvs-director: warning: real server {rip} does not answer ARP yet; it is resolved on first use");
        }
    }

    private void OnPacketArrival(object sender, PacketCapture capture)
    {
        var decision = Engine.Process(capture.Data, output, clock.ElapsedMilliseconds);
        if (decision.Kind is DecisionKind.Forward or DecisionKind.Reply)
        {
            Send(output.AsSpan(0, decision.Length));
        }
    }

    private void Send(ReadOnlySpan<byte> frame)
    {
        lock (sendGate)
        {
            try
            {
                device.SendPacket(frame);
            }
            catch (PcapException)
            {
                Interlocked.Increment(ref sendErrors);
            }
        }
    }

    private static (MacAddress Mac, Ipv4Address Address) InterfaceAddresses(string name)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
            ?? throw new DirectorStartException($"no interface '{name}' (have: {string.Join(", ", NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name))})");
        var mac = MacAddress.ReadFrom(nic.GetPhysicalAddress().GetAddressBytes());
        var ip = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new DirectorStartException($"interface '{name}' has no IPv4 address (the director's DIP)");
        return (mac, Ipv4Address.ReadFrom(ip.Address.GetAddressBytes()));
    }
}
