using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Director.Control;
using LvsLab.Director.Host.Sync;
using LvsLab.Director.Host.Vrrp;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Host;

/// <summary>
/// Runs the engine on one or more interfaces (ports) through a frame I/O (<see cref="IFramePorts"/>:
/// AF_PACKET rings with batched sends, or libpcap): each frame goes to the engine, and the frame
/// it wrote goes out of the port the engine chose. The engine is single-threaded: frame I/O and
/// the control, health and rate threads take turns through one lock.
/// </summary>
internal sealed class LiveDirector : IDisposable
{
    private static readonly TimeSpan InterfaceWait = TimeSpan.FromSeconds(30);

    // How long an interface with its IPv4 address is waited for to get its IPv6 one, when the
    // rules have IPv6 addresses (Docker assigns the IPv6 address of an attachment after the IPv4 one).
    private static readonly TimeSpan Ipv6Wait = TimeSpan.FromSeconds(10);

    /// <summary>Connection table slots the timer's expiry sweep looks at per tick (a bounded time under the lock).</summary>
    private const int MaintenanceSlots = 32_768;
    private readonly IFramePorts io;
    private readonly TextWriter log;
    private readonly Lock engineGate = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly LiveConfiguration live;
    private volatile RealServerEndpoint[] healthDown = [];
    private readonly RateTracker rates = new();
    private CancellationToken stopping;

    private LiveDirector(IFramePorts io, DirectorEngine engine, LiveConfiguration live, TextWriter log)
    {
        this.io = io;
        Engine = engine;
        this.live = live;
        this.log = log;
    }

    /// <summary>The lock every use of the engine takes.</summary>
    public Lock Gate => engineGate;

    /// <summary>The frame I/O's counters.</summary>
    public FrameIoCounters IoCounters => io.Counters;

    /// <summary>The engine (read its counters and tables from any thread).</summary>
    public DirectorEngine Engine { get; }

    /// <summary>The engine's clock (milliseconds since start).</summary>
    public long NowMilliseconds => clock.ElapsedMilliseconds;

    /// <summary>Reads the engine's tables under its lock (they are not safe to enumerate while a frame is processed).</summary>
    /// <param name="read">What to compute from the engine.</param>
    /// <returns>Its result.</returns>
    public string Read(Func<DirectorEngine, string> read)
    {
        lock (engineGate)
        {
            return read(Engine);
        }
    }

    /// <summary>The kind of health checks that run (<c>tcp</c>, <c>http</c>), or <c>none</c>.</summary>
    public string HealthKind { get; set; } = "none";

    /// <summary>A real server's health as the checks see it: <c>up</c>, <c>down</c> or <c>unchecked</c> (from any thread).</summary>
    /// <param name="service">A service of the effective rules.</param>
    /// <param name="real">One of its real servers.</param>
    /// <returns>Its state.</returns>
    public string HealthOf(VirtualService service, RealServer real)
    {
        ArgumentNullException.ThrowIfNull(real);
        return HealthKind == "none" || !LiveConfiguration.IsChecked(service, real) ? "unchecked" : healthDown.Contains(new RealServerEndpoint(real.Address, real.Port)) ? "down" : "up";
    }

    /// <summary>The endpoints health checks hold down (a snapshot, from any thread).</summary>
    public IReadOnlyCollection<RealServerEndpoint> HealthDown => healthDown;

    /// <summary>The VRRP speaker, when the director runs one (<see cref="UseVrrp"/>).</summary>
    public VrrpSpeaker? Vrrp { get; private set; }

    /// <summary>The connection synchronisation, when the director runs one (<see cref="UseVrrp"/> with sync).</summary>
    public SyncDaemon? Sync { get; private set; }

    /// <summary>
    /// Makes the director one of a VRRP pair (<c>--vrrp</c>): it stands by from now on, and
    /// the speaker starts with <see cref="RunAsync"/>; its virtual addresses are the VIPs of the
    /// rules and the floating addresses (<c>--vrrp-address</c>), advertised on the first interface. With <paramref name="sync"/> the master sends
    /// its connections to the backup (IPVS sync messages, sync id = the VRID) every <paramref name="syncPeriod"/>.
    /// </summary>
    /// <exception cref="DirectorStartException">The rules have no VIP (only mark services), or the sync sockets cannot be opened.</exception>
    public void UseVrrp(VrrpSetting setting, bool sync, TimeSpan syncPeriod)
    {
        ArgumentNullException.ThrowIfNull(setting);
        Ipv4Address[] vips;
        Ipv6Address[] vips6;
        IReadOnlyList<DirectorInterface> interfaces;
        IReadOnlyList<Ipv4Address> floating;
        lock (engineGate)
        {
            // VRRP (version 2) holds IPv4 addresses; an IPv6 VIP is not handed over.
            vips = [.. Engine.Rules.Services.Where(s => !s.IsFirewallMark && !s.IsIpv6).Select(s => s.Address.Ipv4).Distinct()];
            vips6 = [.. Engine.Rules.Services.Where(s => s.IsIpv6).Select(s => s.Address.Ipv6).Distinct()];
            interfaces = Engine.Options.Interfaces;
            floating = Engine.Options.FloatingAddresses;
        }

        if (vips.Length == 0)
        {
            throw new DirectorStartException("--vrrp: the rules have no virtual address to hold (only firewall-mark services)");
        }

        // Every virtual address is announced on the interface whose subnet holds it (the first when none does).
        var first = interfaces[0];
        var announced = vips.Concat(floating).Distinct().Select(address =>
        {
            int port = Math.Max(0, interfaces.ToList().FindIndex(i => i.IsOnLink(address)));
            return ((IpAddress)address, port, interfaces[port].Mac);
        }).ToList();

        // The IPv6 VIPs are not VRRP's (version 2 carries IPv4 addresses) but move with it: the new
        // master advertises each, unsolicited, as it sends gratuitous ARP for the IPv4 ones.
        foreach (var vip6 in vips6)
        {
            int port = Math.Max(0, interfaces.ToList().FindIndex(i => i.Address6 is { } a6 && vip6.IsInSubnet(a6, i.PrefixLength6)));
            announced.Add((vip6, port, interfaces[port].Mac));
        }

        Vrrp = new VrrpSpeaker(setting.Options(first.Address, announced.Where(a => a.Item1.IsIpv4).Select(a => a.Item1.Ipv4)), this, 0, announced, log);
        if (sync)
        {
            try
            {
                Sync = new SyncDaemon(this, first.Address, setting.VirtualRouterId, syncPeriod, log);
            }
            catch (SocketException e)
            {
                throw new DirectorStartException($"sync: cannot open the multicast sockets on {first.Name} ({first.Address}): {e.Message}");
            }
        }
    }

    /// <summary>
    /// From the frame loop, under the engine's lock, before the engine: true when the frame is
    /// the director's own business (a VRRP advertisement, handed to the speaker) and not the engine's.
    /// </summary>
    public bool TakeControlFrame(ReadOnlySpan<byte> frame) => Vrrp is { } vrrp && vrrp.Offer(frame);

    /// <summary>From the frame loop after it let the engine's lock go: wakes whoever a frame was handed to.</summary>
    public void AfterFramePass() => Vrrp?.AfterPass();

    /// <summary>Sends a frame the director made itself (an ARP request, a VRRP advertisement) on <paramref name="port"/>; any thread, never under the engine's lock.</summary>
    public void SendFrame(int port, ReadOnlySpan<byte> frame) => io.Send(port, frame);

    /// <summary>The rules as configured (the file, then ipvsadm commands), without health checks' changes.</summary>
    public string ConfiguredRules => Read(_ => IpvsRulePrinter.Print(live.Configured));

    /// <summary>The real server endpoints health checks should probe now.</summary>
    public IReadOnlyList<RealServerEndpoint> HealthTargets
    {
        get
        {
            lock (engineGate)
            {
                return live.HealthTargets;
            }
        }
    }

    /// <summary>The services' and real servers' rates (ipvsadm <c>--rate</c>), sampled every 2 s.</summary>
    public RateTracker Rates => rates;

    /// <summary>
    /// Runs ipvsadm service and real server commands (<c>-A -E -D -a -e -d -C</c>) against the
    /// running director. Nothing changes on an error.
    /// </summary>
    /// <returns>"ok: …" or "error: …" naming the problem.</returns>
    public string Execute(string commands)
    {
        bool changed;
        lock (engineGate)
        {
            try
            {
                changed = live.Execute(commands, "command");
                if (changed)
                {
                    Engine.Apply(live.Effective);
                }
            }
            catch (RuleParseException e)
            {
                return $"error: {e.Message}\n";
            }
        }

        // Logging and starting the resolver are system calls: after the lock is let go.
        if (changed)
        {
            ResolveInBackground();
        }

        log.WriteLine($"lvs-director: ipvsadm {commands.Replace('\n', ';')}: {(changed ? "applied" : "no change")}");
        return $"ok: {(changed ? "applied" : "no change")}\n";
    }

    /// <summary>
    /// Sets one real server's weight as configured (<c>lvs-director edit</c>), keeping its
    /// forwarding method: an <c>ipvsadm -e</c> with the same method and the new weight.
    /// </summary>
    public string SetConfiguredWeight(string protocol, string service, string realServer, int weight)
    {
        string command;
        lock (engineGate)
        {
            var flag = protocol == "tcp" ? "-t" : "-u";
            var match = live.Configured.Services
                .Where(s => s.FirewallMark is null && s.ToString() == $"{flag} {service}")
                .SelectMany(s => s.RealServers)
                .FirstOrDefault(r => realServer == r.Address.ToString(r.Port) || realServer == r.Address.ToString() || realServer == $"[{r.Address}]");
            if (match is null)
            {
                return $"error: no real server {realServer} in service {protocol} {service}\n";
            }

            var method = match.ForwardingMethod switch
            {
                ForwardingMethod.Masquerading => "-m",
                ForwardingMethod.Tunnel => "-i",
                _ => "-g",
            };
            command = string.Create(CultureInfo.InvariantCulture, $"-e {flag} {service} -r {match.Address.ToString(match.Port)} {method} -w {weight}");
        }

        return Execute(command);
    }

    /// <summary>Health checks found an endpoint down.</summary>
    public void MarkDown(RealServerEndpoint endpoint)
    {
        bool changed;
        lock (engineGate)
        {
            changed = live.MarkDown(endpoint);
            if (changed)
            {
                Engine.Apply(live.Effective);
            }

            healthDown = [.. live.Down];
        }

        if (changed)
        {
            ResolveInBackground();
        }
    }

    /// <summary>Health checks found an endpoint up again.</summary>
    public void MarkUp(RealServerEndpoint endpoint)
    {
        bool changed;
        lock (engineGate)
        {
            changed = live.MarkUp(endpoint);
            if (changed)
            {
                Engine.Apply(live.Effective);
            }

            healthDown = [.. live.Down];
        }

        if (changed)
        {
            ResolveInBackground();
        }
    }

    /// <summary>
    /// <c>ipvsadm --set TCP TCPFIN UDP</c>: new timeouts in seconds (0 keeps the current one),
    /// from each connection's next packet on.
    /// </summary>
    public string SetTimeouts(long tcp, long tcpFin, long udp)
    {
        string now;
        lock (engineGate)
        {
            var current = Engine.Connections.Timeouts;
            Engine.Connections.Timeouts = current with
            {
                TcpEstablishedMilliseconds = tcp > 0 ? tcp * 1000 : current.TcpEstablishedMilliseconds,
                TcpFinWaitMilliseconds = tcpFin > 0 ? tcpFin * 1000 : current.TcpFinWaitMilliseconds,
                UdpMilliseconds = udp > 0 ? udp * 1000 : current.UdpMilliseconds,
            };
            now = StatsText.Timeouts(Engine);
        }

        log.WriteLine($"lvs-director: timeouts (tcp tcpfin udp) now {now}");
        return "ok: timeouts set\n";
    }

    /// <summary>Opens <paramref name="interfaceNames"/> (port 0, 1, …) with the frame I/O <paramref name="ioKind"/> and builds the engine for the effective rules of <paramref name="live"/>.</summary>
    public static async Task<LiveDirector> OpenAsync(
        IReadOnlyList<string> interfaceNames, FrameIoKind ioKind, int spinMicroseconds, int coalesceMicroseconds, int workers, LiveConfiguration live, FirewallMarkRules marks, bool expireQuiescentTemplate, bool sloppyTcp, int connectionCapacity, Connections.ConnectionEviction connectionEviction, DirectorFaults faults, IReadOnlyList<Ipv4Address> floatingAddresses, TextWriter log, CancellationToken stop)
    {
        var ports = new List<DirectorInterface>();
        var wantIpv6 = live.Configured.Services.Any(s => s.IsIpv6 || s.RealServers.Any(r => r.Address.IsIpv6));
        foreach (var name in interfaceNames)
        {
            ports.Add(await WaitForPortAsync(name, wantIpv6, log, stop));
        }

        foreach (var stray in floatingAddresses.Where(a => !ports.Any(p => p.IsOnLink(a))))
        {
            throw new DirectorStartException($"--vrrp-address {stray}: on no interface's subnet ({string.Join(", ", ports.Select(p => $"{p.Name} {p.Address}/{p.PrefixLength}"))})");
        }

        var rules = live.Effective;
        var engine = new DirectorEngine(new DirectorOptions(ports) { ExpireQuiescentTemplate = expireQuiescentTemplate, SloppyTcp = sloppyTcp, ConnectionCapacity = connectionCapacity, ConnectionEviction = connectionEviction, Faults = faults, FloatingAddresses = floatingAddresses }, rules, marks);
        var names = ports.Select(p => p.Name).ToList();
        IFramePorts io = ioKind == FrameIoKind.Pcap ? PcapPorts.Open(names) : AfPacketPorts.Open(names, ports.Max(p => p.Mtu), spinMicroseconds, coalesceMicroseconds, workers);
        var director = new LiveDirector(io, engine, live, log);
        for (var i = 0; i < ports.Count; i++)
        {
            var gateway = ports[i].Gateway is { } g ? $" gateway {g}" : string.Empty;
            var ipv6 = ports[i].Address6 is { } a6 ? $" address6 {a6}/{ports[i].PrefixLength6}{(ports[i].Gateway6 is { } g6 ? $" gateway6 {g6}" : string.Empty)}" : string.Empty;
            log.WriteLine($"lvs-director: port {i} {ports[i].Name} mac {ports[i].Mac} address {ports[i].Address}/{ports[i].PrefixLength} mtu {ports[i].Mtu}{gateway}{ipv6}");
        }

        log.WriteLine($"lvs-director: frame i/o {io.Description}");
        if (faults != DirectorFaults.None)
        {
            log.WriteLine($"lvs-director: MUTANT: deliberate faults {faults} (for testing the tests; never in use)");
        }

        log.WriteLine($"lvs-director: {rules.Services.Count} service(s)");
        foreach (var line in IpvsRulePrinter.Print(rules).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            log.WriteLine($"lvs-director:   {line}");
        }

        return director;
    }

    /// <summary>Captures until <paramref name="stop"/>; resolves the real servers first, then says it is ready.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        io.Start(this);
        stopping = stop;
        await ResolveRealServersAsync(stop);
        Vrrp?.Start();
        Sync?.Start();
        log.WriteLine("lvs-director: ready");
        log.Flush();
        try
        {
            // The rate estimators sample the counters every 2 s, as the kernel's do.
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Stats.RateEstimator.DefaultIntervalMilliseconds));
            while (await timer.WaitForNextTickAsync(stop))
            {
                lock (engineGate)
                {
                    rates.Sample(Engine, clock.ElapsedMilliseconds);

                    // An idle director frees its expired connections too, a bounded slice at a time.
                    Engine.Maintain(clock.ElapsedMilliseconds, MaintenanceSlots);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        // A master hands the VIPs over before the frames stop.
        Vrrp?.Stop();
        log.WriteLine($"lvs-director: stopping; {StatsText.Summary(Engine)}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Vrrp?.Dispose();
        Sync?.Dispose();
        io.Dispose();
    }

    /// <summary>ARP for every real server until all answer (bounded), so the first request is not lost.</summary>
    private async Task ResolveRealServersAsync(CancellationToken stop)
    {
        var pending = Engine.RealServerAddresses.ToList();
        var buffer = new byte[128];
        for (var attempt = 0; attempt < 50 && pending.Count > 0 && !stop.IsCancellationRequested; attempt++)
        {
            foreach (var rip in pending)
            {
                int length;
                int port;
                lock (engineGate)
                {
                    // ARP for the next hop towards the real server (itself when on-link).
                    if (!Engine.TryRoute(rip, out port, out var nextHop))
                    {
                        continue;
                    }

                    if (nextHop.IsIpv6 && Engine.Interfaces[port].Address6 is null)
                    {
                        continue;
                    }

                    length = Engine.WriteNeighbourRequest(port, nextHop, buffer);
                }

                Send(port, buffer.AsSpan(0, length));
            }

            // Wait for answers, then ask the ones still silent again.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * (attempt + 1), 500)), stop).ConfigureAwait(false);
            lock (engineGate)
            {
                pending.RemoveAll(rip => !Engine.TryRoute(rip, out _, out var hop) || Engine.Neighbours.TryGet(hop, out _));
            }
        }

        foreach (var rip in pending)
        {
            log.WriteLine($"lvs-director: warning: real server {rip} does not answer ARP (or neighbour solicitation) yet; it is resolved on first use");
        }
    }

    // After the rules changed: new real servers are resolved in the background (the engine
    // would ARP on first use anyway, losing that first packet). Never under the engine's lock.
    private void ResolveInBackground()
    {
        if (!stopping.IsCancellationRequested && stopping.CanBeCanceled)
        {
            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        await ResolveRealServersAsync(stopping);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                },
                stopping);
        }
    }

    private void Send(int port, ReadOnlySpan<byte> frame) => io.Send(port, frame);

    /// <summary>
    /// Waits (bounded) for <paramref name="name"/> to exist with an IPv4 address: a lab may attach
    /// a second network to the container after the director has started.
    /// </summary>
    private static async Task<DirectorInterface> WaitForPortAsync(string name, bool wantIpv6, TextWriter log, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        var said = false;
        TimeSpan? ipv4Since = null;
        while (true)
        {
            var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name);
            var ip = nic?.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork);

            // Its own IPv6 address: unique-local or global, never link-local; the subnet's (the shortest prefix), not a VIP held as /128.
            var ip6 = nic?.GetIPProperties().UnicastAddresses.Where(a =>
                a.Address.AddressFamily == AddressFamily.InterNetworkV6 && !a.Address.IsIPv6LinkLocal && !IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv4MappedToIPv6)
                .OrderBy(a => a.PrefixLength)
                .FirstOrDefault();
            if (ip is not null)
            {
                ipv4Since ??= watch.Elapsed;
            }

            if (nic is not null && ip is not null && (ip6 is not null || !wantIpv6 || watch.Elapsed - ipv4Since > Ipv6Wait))
            {
                if (wantIpv6 && ip6 is null)
                {
                    log.WriteLine($"lvs-director: warning: interface '{name}' has no IPv6 address after {Ipv6Wait.TotalSeconds:F0} s; IPv6 frames on it are not forwarded");
                }

                return new DirectorInterface(
                    name,
                    MacAddress.ReadFrom(nic.GetPhysicalAddress().GetAddressBytes()),
                    Ipv4Address.ReadFrom(ip.Address.GetAddressBytes()),
                    ip.PrefixLength,
                    DefaultGatewayOn(name))
                {
                    // The link MTU bounds what a tunnelled packet may grow to (TUN's path MTU).
                    Mtu = nic.GetIPProperties().GetIPv4Properties()?.Mtu is int mtu and >= DirectorInterface.MinMtu and <= DirectorInterface.MaxMtu ? mtu : DirectorInterface.DefaultMtu,
                    Address6 = ip6 is null ? null : Ipv6Address.FromIPAddress(ip6.Address),
                    PrefixLength6 = ip6 is { PrefixLength: >= 1 and <= 128 } ? ip6.PrefixLength : 64,
                    Gateway6 = ip6 is null ? null : DefaultGateway6On(name),
                };
            }

            if (watch.Elapsed > InterfaceWait)
            {
                throw new DirectorStartException(nic is null
                    ? $"no interface '{name}' after {InterfaceWait.TotalSeconds:F0} s (have: {string.Join(", ", NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name))})"
                    : $"interface '{name}' has no IPv4 address after {InterfaceWait.TotalSeconds:F0} s");
            }

            if (!said)
            {
                log.WriteLine($"lvs-director: waiting for interface '{name}'");
                said = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
        }
    }

    /// <summary>The IPv6 default route's gateway through <paramref name="name"/>, from the kernel's table (<c>/proc/net/ipv6_route</c>).</summary>
    private static Ipv6Address? DefaultGateway6On(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/net/ipv6_route"))
            {
                // destination, its prefix length, source, its prefix length, next hop, metric, refs, use, flags, device
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 10 && f[9] == name && f[1] == "00" && f[0] == new string('0', 32) && f[4] != new string('0', 32)
                    && Ipv6Address.TryParse(string.Join(':', Enumerable.Range(0, 8).Select(i => f[4].Substring(i * 4, 4))), out var gateway))
                {
                    return gateway;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>The default route's gateway through <paramref name="name"/>, from the kernel's table.</summary>
    private static Ipv4Address? DefaultGatewayOn(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
            {
                var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (f.Length > 2 && f[0] == name && f[1] == "00000000"
                    && uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway) && gateway != 0)
                {
                    // /proc/net/route prints addresses in host (little-endian) order.
                    return new Ipv4Address(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(gateway));
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
