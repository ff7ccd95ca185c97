using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsLab.Director.Connections;
using LvsLab.Director.Neighbours;
using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// The load-balancing engine of an LVS director with one or more ports (interfaces): one frame
/// in, one decision out. It answers ARP for the VIPs, schedules new connections to real
/// servers, keeps the connection and neighbour tables, and rewrites frames for direct routing
/// (<c>-g</c>: only the MACs change), NAT (<c>-m</c>: destination rewritten on the way in,
/// source rewritten on the way back) and tunnelling (<c>-i</c>: the packet is wrapped unchanged
/// in an IP-in-IP header from the egress port's address to the real server). Pure: no I/O, no
/// clock (time is passed in), no allocation per frame. Not thread-safe: one capture loop owns
/// an engine.
/// </summary>
/// <remarks>
/// <para>
/// Routing: a destination on a port's subnet is reached on that port (the next hop is the
/// destination itself); otherwise through the first port with a gateway (the next hop is the
/// gateway); otherwise there is no route. Direct routing needs the real server on-link; NAT
/// and tunnelling reach a real server wherever the routes lead.
/// </para>
/// <para>
/// Path MTU (tunnelling), as IPVS does: a wrapped packet longer than the egress port's
/// <see cref="DirectorPort.Mtu"/> is not sent. With DF set the client gets an ICMP
/// "fragmentation needed" with next-hop MTU = port MTU − 20 (a Reply decision); with DF clear
/// the frame is dropped (<see cref="DropReason.TooBig"/>; IPVS would fragment).
/// </para>
/// </remarks>
public sealed class DirectorEngine
{
    /// <summary>Length of the ARP frames the engine writes (Ethernet header + ARP, no padding).</summary>
    public const int ArpFrameLength = EthernetFrame.HeaderLength + ArpPacket.Length;

    /// <summary>How often <see cref="Process"/> starts a sweep of expired connections out of the table.</summary>
    public const long ExpirySweepIntervalMilliseconds = 1000;

    /// <summary>How many slots of the connection table one frame's share of a sweep looks at.</summary>
    public const int ExpirySliceSlots = 128;

    // _virtualAddressPort values: the port that answers ARP for the VIP, AnyPort (the ingress
    // port: no port's subnet holds the VIP) or NeverAnswer (the VIP is one of our addresses).
    private const int AnyPort = -1;
    private const int NeverAnswer = -2;

    private readonly DirectorFaults _faults;
    private int _faultTurn;
    private readonly PortRuntime[] _ports;
    private readonly int _gatewayPort = -1;
    private readonly HashSet<Ipv4Address> _portAddresses = [];
    private readonly List<Ipv4Address> _gateways = [];

    // Derived from the rules; replaced as a whole by Apply.
    private ServiceRuntime[] _services = [];
    private Dictionary<ServiceKey, ServiceRuntime> _serviceByKey = [];
    private Dictionary<uint, ServiceRuntime> _serviceByMark = [];
    private FirewallMarkRules _marks = FirewallMarkRules.Empty;
    private Dictionary<Ipv4Address, int> _virtualAddressPort = [];
    private HashSet<Ipv4Address> _ownOrVirtualAddresses = [];
    private HashSet<Ipv4Address> _knownNeighbours = [];
    private HashSet<Ipv4Address> _masqueradedAddresses = [];
    private HashSet<ServiceKey> _masqueradedEndpoints = [];
    private Dictionary<ServiceKey, Forwarding> _onePacketEndpoints = [];
    private long _nextExpirySweep;
    private bool _sweeping;
    private ushort _nextIdentification;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">The director's ports and tunables.</param>
    /// <param name="rules">The virtual services.</param>
    /// <param name="marks">
    /// How packets get their firewall marks, for <c>-f</c> services (the director classifies
    /// packets itself, as iptables MARK rules would); none when null.
    /// </param>
    /// <exception cref="ArgumentException">A service names an unsupported scheduler.</exception>
    public DirectorEngine(DirectorOptions options, RuleSet rules, FirewallMarkRules? marks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);

        Options = options;
        Ports = options.Ports;
        _faults = options.Faults;
        _ports = new PortRuntime[options.Ports.Count];
        for (int i = 0; i < _ports.Length; i++)
        {
            DirectorPort port = options.Ports[i];
            _ports[i] = PortRuntime.From(port);
            _portAddresses.Add(port.Address);
            if (port.Gateway is { } gateway)
            {
                _gateways.Add(gateway);
                if (_gatewayPort < 0)
                {
                    _gatewayPort = i;
                }
            }
        }

        Neighbours = new NeighbourTable(options.NeighbourCapacity);
        Connections = new ConnectionTable(options.Timeouts, options.ConnectionCapacity);
        Rules = RuleSet.Empty;
        Counters = new DirectorCounters(RuleSet.Empty);
        RealServerAddresses = [];
        _marks = marks ?? FirewallMarkRules.Empty;
        Load(rules, keepState: false);
    }


    /// <summary>What the engine did so far.</summary>
    public DirectorCounters Counters { get; private set; }

    /// <summary>Neighbours' MAC addresses, learned from ARP.</summary>
    public NeighbourTable Neighbours { get; }

    /// <summary>Client connections and their real servers.</summary>
    public ConnectionTable Connections { get; }

    /// <summary>The virtual services.</summary>
    public RuleSet Rules { get; private set; }

    /// <summary>The options the engine was created with.</summary>
    public DirectorOptions Options { get; }

    /// <summary>The director's ports; a port number is an index in this list (the same as <see cref="DirectorOptions.Ports"/>).</summary>
    public IReadOnlyList<DirectorPort> Ports { get; }

    /// <summary>
    /// The distinct real server IPs in rule order, to resolve at start-up (see
    /// <see cref="TryRoute"/> for the port and next hop of each).
    /// </summary>
    public IReadOnlyList<Ipv4Address> RealServerAddresses { get; private set; }

    /// <summary>
    /// Replaces the virtual services at run time, as a series of <c>ipvsadm</c> add, edit and
    /// delete commands would: services and real servers are matched by identity (protocol, VIP,
    /// port or mark; real server address and port). What stays keeps its connections, persistence
    /// templates, counters and (for an unchanged scheduler) its scheduler's position; a real
    /// server's weight becomes the one in <paramref name="rules"/>. Connections and templates of
    /// a deleted service or real server are removed, so their next packets are dropped and a new
    /// SYN is scheduled afresh (IPVS's <c>expire_nodest_conn</c>). On an error nothing changes.
    /// Not thread-safe: call it where <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/>
    /// is called, or under the same lock.
    /// </summary>
    /// <param name="rules">The new virtual services.</param>
    /// <exception cref="ArgumentException">A service names an unsupported scheduler.</exception>
    public void Apply(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Load(rules, keepState: true);
    }

    /// <summary>The firewall-mark rules that classify packets for <c>-f</c> services.</summary>
    public FirewallMarkRules FirewallMarks => _marks;

    /// <summary>A real server's current weight (the configured one unless changed by <see cref="SetWeight"/>).</summary>
    /// <param name="serviceIndex">Index of the service in <see cref="Rules"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>The weight.</returns>
    public int GetWeight(int serviceIndex, int realServerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _services.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(realServerIndex, _services[serviceIndex].Servers.Length);
        return _services[serviceIndex].Servers[realServerIndex].Weight;
    }

    /// <summary>
    /// Changes a real server's weight at run time, like <c>ipvsadm -e … -w W</c>. Weight 0 drains
    /// the server: its existing connections go on, new ones go elsewhere. Not thread-safe: call it
    /// where <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/> is called, or under the same lock.
    /// </summary>
    /// <param name="serviceIndex">Index of the service in <see cref="Rules"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <param name="weight">The new weight, 0..65535.</param>
    public void SetWeight(int serviceIndex, int realServerIndex, int weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _services.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(realServerIndex, _services[serviceIndex].Servers.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, RealServer.MaxWeight);
        _services[serviceIndex].SetWeight(realServerIndex, weight);
    }

    /// <summary>
    /// A real server's active and inactive connections, as ipvsadm lists them
    /// (<c>ActiveConn</c>, <c>InActConn</c>): active are TCP connections in ESTABLISHED,
    /// inactive all others (SYN received, closing, closed, UDP) until they expire.
    /// </summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service or real server.</exception>
    public RealServerConnections GetRealServerConnections(int serviceIndex, int realServerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _services.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(realServerIndex, _services[serviceIndex].Service.RealServers.Count);
        return Connections.GetRealServerConnections(serviceIndex, realServerIndex);
    }

    /// <summary>
    /// Decides what to do with one frame received on <paramref name="port"/> and writes the
    /// frame to send, if any, into <paramref name="output"/>. Never throws for any frame;
    /// every frame is counted once in <see cref="Counters"/>. The output is written only for
    /// Forward and Reply decisions.
    /// </summary>
    /// <param name="port">The index of the port the frame arrived on.</param>
    /// <param name="frame">The received Ethernet frame (without FCS).</param>
    /// <param name="output">
    /// A caller-owned buffer of at least <c>frame.Length + 64</c> bytes (a tunnelled frame is at
    /// most 20 bytes longer than the frame received; an ICMP error at most 124 bytes, and only
    /// about a frame of more than 62). A smaller buffer gives <see cref="DropReason.OutputTooSmall"/>
    /// where the frame to send would not fit, and nothing is written.
    /// </param>
    /// <param name="nowMilliseconds">The current time, for connection expiry and ARP rate limits.</param>
    /// <returns>The decision; for Forward and Reply, send the first Length bytes of <paramref name="output"/> on <see cref="Decision.Port"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such port (a caller's bug, not a property of the frame).</exception>
    public Decision Process(int port, ReadOnlySpan<byte> frame, Span<byte> output, long nowMilliseconds)
    {
        if ((uint)port >= (uint)_ports.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, $"the director has {_ports.Length} port(s)");
        }

        Counters.CountFrame();
        if (_sweeping || nowMilliseconds >= _nextExpirySweep)
        {
            // Expired connections are dropped lazily on lookup; a sweep started at most once a
            // second also frees the ones no packet will ever look up again. It goes a slice of
            // the table per frame, so no frame waits for a scan of the whole table.
            SweepSlice(nowMilliseconds, ExpirySliceSlots);
        }

        Decision decision = Decide(port, frame, output, nowMilliseconds, out Forwarding forwarding);
        switch (decision.Kind)
        {
            case DecisionKind.Forward when forwarding.IsReply:
                Counters.CountReply(forwarding.ServiceIndex, forwarding.RealServerIndex, decision.Length);
                break;
            case DecisionKind.Forward:
                Counters.CountForward(forwarding.ServiceIndex, forwarding.RealServerIndex, decision.Length);
                break;
            case DecisionKind.Reply when decision.Reason == DropReason.NeighbourUnresolved:
                Counters.CountArpRequest();
                Counters.CountDrop(DropReason.NeighbourUnresolved);
                break;
            case DecisionKind.Reply when decision.Reason == DropReason.FragmentationNeeded:
                // The frame is dropped; the ICMP error sent in its place is counted apart, as
                // ARP requests are, so FramesIn == Ignored + Forwarded + ArpReplies + Dropped.
                Counters.CountIcmpSent();
                Counters.CountDrop(DropReason.FragmentationNeeded);
                break;
            case DecisionKind.Reply:
                Counters.CountArpReply();
                break;
            case DecisionKind.Drop:
                Counters.CountDrop(decision.Reason);
                break;
            default:
                Counters.CountIgnored();
                break;
        }

        return decision;
    }

    /// <summary>
    /// Moves the expiry sweep on without a frame, <paramref name="maxSlots"/> slots of the
    /// connection table at most (a caller's timer, so that an idle director frees its expired
    /// connections too). Starts a sweep when one is due. Not thread-safe: call it under the
    /// lock <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/> is called under.
    /// </summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="maxSlots">The most slots to look at.</param>
    public void Maintain(long nowMilliseconds, int maxSlots)
    {
        if (_sweeping || nowMilliseconds >= _nextExpirySweep)
        {
            SweepSlice(nowMilliseconds, maxSlots);
        }
    }

    /// <summary>Writes a broadcast ARP request "who has <paramref name="target"/>? tell DIP" from port 0.</summary>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="ArpFrameLength"/> bytes.</param>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too small.</exception>
    public int WriteArpRequest(Ipv4Address target, Span<byte> output) => WriteArpRequest(0, target, output);

    /// <summary>
    /// Writes a broadcast ARP request "who has <paramref name="target"/>? tell DIP" as
    /// <paramref name="port"/> sends it (its MAC and own IP).
    /// </summary>
    /// <param name="port">The port to send it on.</param>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="ArpFrameLength"/> bytes.</param>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such port.</exception>
    /// <exception cref="ArgumentException">The output is too small.</exception>
    public int WriteArpRequest(int port, Ipv4Address target, Span<byte> output)
    {
        if ((uint)port >= (uint)_ports.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, $"the director has {_ports.Length} port(s)");
        }

        if (output.Length < ArpFrameLength)
        {
            throw new ArgumentException($"the output needs at least {ArpFrameLength} bytes", nameof(output));
        }

        return WriteArp(output, port, ArpOperation.Request, MacAddress.Broadcast, _ports[port].Address, MacAddress.Zero, target);
    }

    /// <summary>
    /// Chooses the egress port and next hop for <paramref name="destination"/>: the first port
    /// whose subnet holds it (next hop: the destination); else the first port with a gateway
    /// (next hop: the gateway).
    /// </summary>
    /// <param name="destination">The destination IP.</param>
    /// <param name="port">The egress port index when the result is true.</param>
    /// <param name="nextHop">The neighbour to send to when the result is true.</param>
    /// <returns>False when there is no route.</returns>
    public bool TryRoute(Ipv4Address destination, out int port, out Ipv4Address nextHop)
    {
        port = OnLinkPort(destination);
        if (port >= 0)
        {
            nextHop = destination;
            return true;
        }

        if (_gatewayPort >= 0)
        {
            port = _gatewayPort;
            nextHop = _ports[_gatewayPort].Gateway;
            return true;
        }

        nextHop = default;
        return false;
    }

    private void SweepSlice(long now, int maxSlots)
    {
        _sweeping = !Connections.RemoveExpiredSlice(now, maxSlots, out _);
        if (!_sweeping)
        {
            _nextExpirySweep = now + ExpirySweepIntervalMilliseconds;
        }
    }

    // Builds everything derived from the rules, then swaps it in; with keepState, carries the
    // connections, templates and counters of what stays over to the new indices.
    private void Load(RuleSet rules, bool keepState)
    {
        foreach (VirtualService service in rules.Services)
        {
            if (!SchedulerFactory.IsSupported(service.Scheduler))
            {
                throw new ArgumentException($"service {service}: unknown scheduler '{service.Scheduler}' (supported: {SchedulerFactory.SupportedList})", nameof(rules));
            }
        }

        var services = new ServiceRuntime[rules.Services.Count];
        var serviceByKey = new Dictionary<ServiceKey, ServiceRuntime>();
        var serviceByMark = new Dictionary<uint, ServiceRuntime>();
        var virtualAddressPort = new Dictionary<Ipv4Address, int>();
        var ownOrVirtual = new HashSet<Ipv4Address>(_portAddresses);
        var knownNeighbours = new HashSet<Ipv4Address>(_gateways);
        var masqueradedAddresses = new HashSet<Ipv4Address>();
        var masqueradedEndpoints = new HashSet<ServiceKey>();
        var onePacketEndpoints = new Dictionary<ServiceKey, Forwarding>();
        var realServerAddresses = new List<Ipv4Address>();
        var seen = new HashSet<Ipv4Address>();

        // Old index -> new index (-1: gone), per service and per real server.
        int[] serviceMap = new int[_services.Length];
        int[][] serverMap = new int[_services.Length][];
        for (int i = 0; i < _services.Length; i++)
        {
            serviceMap[i] = -1;
            serverMap[i] = new int[_services[i].Servers.Length];
            Array.Fill(serverMap[i], -1);
        }

        for (int i = 0; i < services.Length; i++)
        {
            VirtualService service = rules.Services[i];
            int previous = keepState ? IndexOfService(service) : -1;
            ServiceRuntime? old = previous >= 0 ? _services[previous] : null;
            var runtime = new ServiceRuntime(i, service, old is not null && old.Service.Scheduler == service.Scheduler ? old.Scheduler : null);
            services[i] = runtime;
            if (old is not null)
            {
                serviceMap[previous] = i;
                for (int r = 0; r < old.Servers.Length; r++)
                {
                    serverMap[previous][r] = IndexOfServer(service, old.Servers[r]);
                }
            }

            if (service.FirewallMark is { } mark)
            {
                serviceByMark.TryAdd(mark, runtime);
            }
            else
            {
                serviceByKey.TryAdd(new ServiceKey(service.Protocol, service.Address, service.Port), runtime);
                AddVirtualAddress(service.Address, virtualAddressPort, ownOrVirtual);
            }

            for (int r = 0; r < service.RealServers.Count; r++)
            {
                RealServer server = service.RealServers[r];
                if (seen.Add(server.Address))
                {
                    realServerAddresses.Add(server.Address);
                }

                knownNeighbours.Add(server.Address);
                if (server.ForwardingMethod == ForwardingMethod.Masquerading)
                {
                    masqueradedAddresses.Add(server.Address);
                    masqueradedEndpoints.Add(new ServiceKey(service.Protocol, server.Address, server.Port));
                    if (service.OnePacket && service.Protocol == ServiceProtocol.Udp)
                    {
                        // A one-packet service keeps no connection: its NAT replies are
                        // recognised by the real server's endpoint (the first service wins).
                        onePacketEndpoints.TryAdd(new ServiceKey(service.Protocol, server.Address, server.Port), new Forwarding(i, r, IsReply: true));
                    }
                }
            }
        }

        // A mark service's VIPs are the host destinations of the rules that set its mark
        // (answered for by ARP); subnet destinations must be routed to the director.
        foreach (FirewallMarkRule rule in _marks.Rules)
        {
            if (rule.PrefixLength == 32 && serviceByMark.ContainsKey(rule.Mark))
            {
                AddVirtualAddress(rule.Destination, virtualAddressPort, ownOrVirtual);
            }
        }

        // Nothing above changed the engine; from here on nothing can fail.
        DirectorCounters counters = keepState ? Counters.CarryOver(rules, serviceMap, serverMap) : new DirectorCounters(rules);
        if (keepState)
        {
            Connections.Remap(serviceMap, serverMap);
        }

        for (int i = 0; i < services.Length; i++)
        {
            Connections.ReserveCounts(i, services[i].Servers.Length);
        }

        _services = services;
        _serviceByKey = serviceByKey;
        _serviceByMark = serviceByMark;
        _virtualAddressPort = virtualAddressPort;
        _ownOrVirtualAddresses = ownOrVirtual;
        _knownNeighbours = knownNeighbours;
        _masqueradedAddresses = masqueradedAddresses;
        _masqueradedEndpoints = masqueradedEndpoints;
        _onePacketEndpoints = onePacketEndpoints;
        RealServerAddresses = new ReadOnlyCollection<Ipv4Address>(realServerAddresses);
        Counters = counters;
        Rules = rules;
    }

    // A VIP equal to one of our ports' addresses is never answered for (the kernel owns it).
    private void AddVirtualAddress(Ipv4Address vip, Dictionary<Ipv4Address, int> virtualAddressPort, HashSet<Ipv4Address> ownOrVirtual)
    {
        virtualAddressPort.TryAdd(vip, _portAddresses.Contains(vip) ? NeverAnswer : OnLinkPort(vip));
        ownOrVirtual.Add(vip);
    }

    private int IndexOfService(VirtualService service)
    {
        for (int i = 0; i < _services.Length; i++)
        {
            VirtualService old = _services[i].Service;
            if (old.FirewallMark == service.FirewallMark
                && old.Protocol == service.Protocol
                && old.Address == service.Address
                && old.Port == service.Port)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfServer(VirtualService service, RealServer server)
    {
        for (int r = 0; r < service.RealServers.Count; r++)
        {
            if (service.RealServers[r].Address == server.Address && service.RealServers[r].Port == server.Port)
            {
                return r;
            }
        }

        return -1;
    }

    // The span views take Span<byte>; the input is only ever read through this view. Every
    // rewrite happens in the output buffer, after the frame was copied there.
    private static Span<byte> ReadOnlyView(ReadOnlySpan<byte> frame) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(frame), frame.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int OnLinkPort(Ipv4Address address)
    {
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i].IsOnLink(address))
            {
                return i;
            }
        }

        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsOwnMac(MacAddress mac)
    {
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i].Mac == mac)
            {
                return true;
            }
        }

        return false;
    }

    private Decision Decide(int ingress, ReadOnlySpan<byte> frame, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (frame.Length < EthernetFrame.HeaderLength)
        {
            return Decision.Drop(DropReason.TruncatedEthernet);
        }

        MacAddress destination = MacAddress.ReadFrom(frame);
        MacAddress source = MacAddress.ReadFrom(frame[MacAddress.Length..]);
        if (IsOwnMac(source))
        {
            return Decision.Ignore;
        }

        ushort etherType = (ushort)((frame[12] << 8) | frame[13]);
        bool toUs = destination == _ports[ingress].Mac;
        if (etherType == EtherType.Arp)
        {
            if (!toUs && !destination.IsBroadcast)
            {
                // Someone else's unicast ARP: still worth learning from, never answered.
                LearnFromArp(frame[EthernetFrame.HeaderLength..]);
                return Decision.Ignore;
            }
        }
        else if (etherType != EtherType.Ipv4 || !toUs)
        {
            return Decision.Ignore;
        }

        if (output.Length < frame.Length || output.Length < ArpFrameLength)
        {
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        Span<byte> input = ReadOnlyView(frame);
        return etherType == EtherType.Arp
            ? DecideArp(ingress, input, output)
            : DecideIpv4(ingress, input, output, now, out forwarding);
    }

    private Decision DecideArp(int ingress, Span<byte> input, Span<byte> output)
    {
        if (!ArpPacket.TryRead(input[EthernetFrame.HeaderLength..], out ArpPacket arp, out PacketError error))
        {
            return error == PacketError.Truncated ? Decision.Drop(DropReason.TruncatedArp) : Decision.Ignore;
        }

        ArpOperation operation = arp.Operation;
        MacAddress askerMac = arp.SenderHardwareAddress;
        Ipv4Address askerIp = arp.SenderProtocolAddress;
        Ipv4Address target = arp.TargetProtocolAddress;
        bool targetIsVip = _virtualAddressPort.TryGetValue(target, out int vipPort);
        bool askerIsOwnOrVirtual = _ownOrVirtualAddresses.Contains(askerIp);
        LearnNeighbour(operation, askerMac, askerIp, askerIsOwnOrVirtual, targetIsVip);
        if (operation != ArpOperation.Request || !targetIsVip || vipPort == NeverAnswer || (_faults & DirectorFaults.ArpSilent) != 0)
        {
            // Not a question about a VIP; our ports' own addresses are the kernel's to answer.
            return Decision.Ignore;
        }

        if (askerMac.IsMulticast || askerIsOwnOrVirtual)
        {
            // A nonsensical asker, or someone else announcing the VIP (or our address): do not answer.
            return Decision.Ignore;
        }

        if (vipPort != AnyPort && vipPort != ingress)
        {
            // The VIP lives on another port's subnet: only that port answers for it.
            return Decision.Ignore;
        }

        int length = WriteArp(output, ingress, ArpOperation.Reply, askerMac, target, askerMac, askerIp);
        return Decision.Reply(length, ingress);
    }

    private Decision DecideIpv4(int ingress, Span<byte> input, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!Ipv4Packet.TryRead(input[EthernetFrame.HeaderLength..], out Ipv4Packet ip, out PacketError error))
        {
            return Decision.Drop(error switch
            {
                PacketError.Truncated => DropReason.TruncatedIpv4,
                PacketError.BadVersion => DropReason.BadIpVersion,
                PacketError.BadHeaderLength => DropReason.BadIpHeaderLength,
                _ => DropReason.BadIpTotalLength,
            });
        }

        if (_virtualAddressPort.ContainsKey(ip.Destination) || (_serviceByMark.Count > 0 && HasServiceMark(ip)))
        {
            return DecideInbound(ingress, input, ip, output, now, out forwarding);
        }

        if (_masqueradedAddresses.Contains(ip.Source) && !_portAddresses.Contains(ip.Destination))
        {
            return DecideOutbound(input, ip, output, now, out forwarding);
        }

        // Not for a VIP and not from a NAT real server (or to the director itself): not ours.
        return Decision.Ignore;
    }

    private Decision DecideInbound(int ingress, Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = CheckForwardable(ip);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (ip.Protocol == IpProtocol.Icmp)
        {
            return DecideInboundIcmp(ingress, input, ip, output, now, out forwarding);
        }

        reason = ReadTransport(ip, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        Ipv4Address vip = ip.Destination;
        if (!supported || !TryFindService(transport.Protocol, vip, transport.DestinationPort, out ServiceRuntime? service))
        {
            return Decision.Drop(DropReason.NoService);
        }

        var key = new ConnectionKey(transport.Protocol, ip.Source, transport.SourcePort, vip, transport.DestinationPort);

        // One-packet scheduling (-o): every UDP datagram is scheduled on its own and leaves no
        // connection entry behind (IPVS frees its entry at once).
        bool onePacket = service.OnePacket && transport.Protocol == ServiceProtocol.Udp;

        // A bare SYN on a connection that is closing or closed is a new connection reusing the
        // client's port: as IPVS does (conn_reuse_mode 1), the old entry goes and the SYN is
        // scheduled afresh instead of following the old one to its server.
        if (transport.Protocol == ServiceProtocol.Tcp
            && (transport.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Rst)) == TcpFlags.Syn
            && Connections.TryGet(key, now, out ConnectionEntry old)
            && old.State is not (ConnectionState.SynReceived or ConnectionState.Established))
        {
            Connections.Remove(key);
        }

        int serverIndex;
        if (onePacket || !Connections.TryTouch(key, transport.Flags, now, out ConnectionEntry entry))
        {
            // As IPVS: only a bare SYN opens a TCP connection; UDP opens on any datagram.
            const TcpFlags OpeningMask = TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Rst;
            if (transport.Protocol == ServiceProtocol.Tcp && (transport.Flags & OpeningMask) != TcpFlags.Syn)
            {
                return Decision.Drop(DropReason.NoConnection);
            }

            serverIndex = Schedule(service, ip.Source, transport, vip, now, out PersistenceKey? persistence);
            if (serverIndex < 0)
            {
                return Decision.Drop(DropReason.NoRealServer);
            }

            Counters.CountConnection(service.Index, serverIndex);
            RealServer chosenServer = service.Servers[serverIndex];
            if (!onePacket)
            {
                _ = chosenServer.ForwardingMethod == ForwardingMethod.Masquerading
                    ? Connections.CreateMasqueraded(
                        key, service.Index, serverIndex, chosenServer.Address, PortOf(chosenServer, transport), transport.Flags, now, persistence)
                    : Connections.Create(key, service.Index, serverIndex, transport.Flags, now, persistence);
            }
        }
        else
        {
            serverIndex = entry.RealServerIndex;
        }

        RealServer server = service.Servers[serverIndex];
        int egress;
        Ipv4Address nextHop;
        switch (server.ForwardingMethod)
        {
            case ForwardingMethod.DirectRouting:
                // The IP packet still says VIP: the real server must be on one of our links.
                egress = OnLinkPort(server.Address);
                nextHop = server.Address;
                if (egress < 0)
                {
                    return Decision.Drop(DropReason.NoRoute);
                }

                break;
            case ForwardingMethod.Masquerading:
                if (!TryRoute(server.Address, out egress, out nextHop))
                {
                    return Decision.Drop(DropReason.NoRoute);
                }

                break;
            case ForwardingMethod.Tunnel:
                // The outer packet goes to the RIP, which may be on-link or behind a gateway.
                if (!TryRoute(server.Address, out egress, out nextHop))
                {
                    return Decision.Drop(DropReason.NoRoute);
                }

                // As IPVS (ensure_mtu_is_adequate): the wrapped packet must fit the egress
                // port. Checked before the next hop is resolved: the answer does not depend on it.
                if (ip.TotalLength + IpInIp.Overhead > _ports[egress].Mtu)
                {
                    // IPVS would let the stack fragment a DF-clear packet; this engine does not
                    // fragment, so that packet is dropped.
                    return ip.DontFragment && (_faults & DirectorFaults.FragmentationSilent) == 0
                        ? FragmentationNeeded(ingress, ip, _ports[egress].Mtu - IpInIp.Overhead, output, now)
                        : Decision.Drop(DropReason.TooBig);
                }

                break;
            default:
                return Decision.Drop(DropReason.UnsupportedForwardingMethod);
        }

        if (!Neighbours.TryGet(nextHop, out MacAddress nextHopMac))
        {
            // The connection entry stays, so a retransmission goes to the same server once
            // its MAC is known.
            return Resolve(egress, nextHop, output, now);
        }

        forwarding = new Forwarding(service.Index, serverIndex, IsReply: false);
        if (server.ForwardingMethod == ForwardingMethod.Tunnel)
        {
            return Tunnel(ip, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        int length = input.Length;
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..length])
        {
            Destination = nextHopMac,
            Source = (_faults & DirectorFaults.DrSourceMac) != 0 && server.ForwardingMethod == ForwardingMethod.DirectRouting ? new EthernetFrame(input).Source : _ports[egress].Mac,
        };
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            // Same offsets as the validated input; only the copy is written.
            var copy = new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]);
            NatRewriter.RewriteDestination(copy, server.Address, PortOf(server, transport));
            if (_faults != DirectorFaults.None)
            {
                DirectorFaultInjector.AfterNatRequest(_faults, ip, copy, _ports[egress].Address);
            }
        }
        else if (_faults != DirectorFaults.None)
        {
            DirectorFaultInjector.AfterDirectRouting(_faults, new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]), _ports[egress].Address);
        }

        // Direct routing: the IP packet is untouched; only the MAC addresses change.
        return Decision.Forward(length, egress);
    }

    private Decision DecideOutbound(Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = CheckForwardable(ip);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (ip.Protocol == IpProtocol.Icmp)
        {
            return DecideOutboundIcmp(input, ip, output, now, out forwarding);
        }

        reason = ReadTransport(ip, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (!supported)
        {
            return Decision.Ignore;
        }

        var replyKey = new ReplyKey(transport.Protocol, ip.Source, transport.SourcePort, ip.Destination, transport.DestinationPort);
        var endpoint = new ServiceKey(transport.Protocol, ip.Source, transport.SourcePort);
        if (!Connections.TryTouchReply(replyKey, transport.Flags, now, out ConnectionKey key, out ConnectionEntry entry))
        {
            if (_onePacketEndpoints.TryGetValue(endpoint, out Forwarding onePacket))
            {
                // A one-packet service's reply: the source becomes the service's VIP:VPORT.
                VirtualService service = _services[onePacket.ServiceIndex].Service;
                key = new ConnectionKey(transport.Protocol, ip.Destination, transport.DestinationPort, service.Address, service.Port);
                entry = new ConnectionEntry(onePacket.ServiceIndex, onePacket.RealServerIndex, ConnectionState.Udp, now, now, 0);
                return ForwardReply(input, ip, key, entry, output, now, out forwarding);
            }

            // From a NAT service's endpoint but no connection: forwarding it would leak the
            // real server's address to whoever it is for.
            // (A real server without a port serves every port: any of its ports counts.)
            return _masqueradedEndpoints.Contains(endpoint) || _masqueradedEndpoints.Contains(endpoint with { Port = 0 })
                ? Decision.Drop(DropReason.OrphanReply)
                : Decision.Ignore;
        }

        return ForwardReply(input, ip, key, entry, output, now, out forwarding);
    }

    // NAT, server to client: the source RIP:RPORT becomes the connection's VIP:VPORT.
    private Decision ForwardReply(Span<byte> input, Ipv4Packet ip, in ConnectionKey key, in ConnectionEntry entry, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryRoute(key.ClientAddress, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!Neighbours.TryGet(nextHop, out MacAddress nextHopMac))
        {
            return Resolve(egress, nextHop, output, now);
        }

        int length = input.Length;
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..length])
        {
            Destination = nextHopMac,
            Source = _ports[egress].Mac,
        };
        if ((_faults & DirectorFaults.NatReplyUnmapped) == 0)
        {
            NatRewriter.RewriteSource(new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]), key.VirtualAddress, key.VirtualPort);
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(length, egress);
    }

    // An ICMP error to a VIP about a connection (as IPVS's ip_vs_in_icmp): it quotes a packet
    // VIP:VPORT -> CIP:CPORT that did not reach the client (a router on the way says "unreachable",
    // "fragmentation needed", "time exceeded"), and goes to that connection's real server, which
    // sent the packet: DR rewrites the MACs, TUN wraps it, NAT rewrites the outer destination and
    // the quoted source to RIP:RPORT. Other ICMP to the VIP (echo) has no service.
    private Decision DecideInboundIcmp(int ingress, Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryReadIcmpError(ip, out IcmpErrorMessage icmp, out DropReason reason, notAnErrorReason: DropReason.NoService))
        {
            return Decision.Drop(reason);
        }

        if ((_faults & DirectorFaults.IcmpDropped) != 0)
        {
            return Decision.Drop(DropReason.NoConnection);
        }

        var key = new ConnectionKey(
            icmp.QuotedProtocol == IpProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp,
            icmp.QuotedDestination,
            icmp.QuotedDestinationPort,
            icmp.QuotedSource,
            icmp.QuotedSourcePort);
        if (icmp.QuotedSource != ip.Destination || !Connections.TryGet(key, now, out ConnectionEntry entry))
        {
            return Decision.Drop(DropReason.NoConnection);
        }

        ServiceRuntime service = _services[entry.ServiceIndex];
        RealServer server = service.Servers[entry.RealServerIndex];
        int egress;
        Ipv4Address nextHop;
        if (server.ForwardingMethod == ForwardingMethod.DirectRouting)
        {
            egress = OnLinkPort(server.Address);
            nextHop = server.Address;
            if (egress < 0)
            {
                return Decision.Drop(DropReason.NoRoute);
            }
        }
        else if (!TryRoute(server.Address, out egress, out nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (server.ForwardingMethod == ForwardingMethod.Tunnel && ip.TotalLength + IpInIp.Overhead > _ports[egress].Mtu)
        {
            // An ICMP error is never answered with another one (RFC 1122 3.2.2).
            return Decision.Drop(DropReason.TooBig);
        }

        if (!Neighbours.TryGet(nextHop, out MacAddress nextHopMac))
        {
            return Resolve(egress, nextHop, output, now);
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: false);
        if (server.ForwardingMethod == ForwardingMethod.Tunnel)
        {
            return Tunnel(ip, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        int length = input.Length;
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..length])
        {
            Destination = nextHopMac,
            Source = _ports[egress].Mac,
        };
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            var copy = new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]);
            IcmpErrorMessage.RewriteInbound(copy, entry.RealServerAddress, entry.RealServerPort);
            copy.DecrementTimeToLive();
        }

        return Decision.Forward(length, egress);
    }

    // An ICMP error from a NAT real server about a connection (as IPVS's ip_vs_out_icmp): it
    // quotes CIP:CPORT -> RIP:RPORT (say, "port unreachable") and goes to the client with the
    // outer source and the quoted destination rewritten to VIP:VPORT, so the real server's
    // address never leaks. Other ICMP from a real server is not ours.
    private Decision DecideOutboundIcmp(Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryReadIcmpError(ip, out IcmpErrorMessage icmp, out DropReason reason, notAnErrorReason: DropReason.None))
        {
            return reason == DropReason.None ? Decision.Ignore : Decision.Drop(reason);
        }

        if ((_faults & DirectorFaults.IcmpDropped) != 0)
        {
            return Decision.Drop(DropReason.NoConnection);
        }

        var replyKey = new ReplyKey(
            icmp.QuotedProtocol == IpProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp,
            icmp.QuotedDestination,
            icmp.QuotedDestinationPort,
            icmp.QuotedSource,
            icmp.QuotedSourcePort);
        if (icmp.QuotedDestination != ip.Source || !Connections.TryGetReply(replyKey, now, out ConnectionKey key, out ConnectionEntry entry))
        {
            return Decision.Ignore;
        }

        if (!TryRoute(ip.Destination, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!Neighbours.TryGet(nextHop, out MacAddress nextHopMac))
        {
            return Resolve(egress, nextHop, output, now);
        }

        int length = input.Length;
        input.CopyTo(output);
        var ethernet = new EthernetFrame(output[..length])
        {
            Destination = nextHopMac,
            Source = _ports[egress].Mac,
        };
        var copy = new Ipv4Packet(ethernet.Payload[..ip.Buffer.Length]);
        IcmpErrorMessage.RewriteOutbound(copy, key.VirtualAddress, key.VirtualPort);
        copy.DecrementTimeToLive();
        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(length, egress);
    }

    // Reads an ICMP error about a TCP or UDP packet with a valid ICMP checksum; reason says why
    // not (notAnErrorReason for a well-formed message of another type).
    private static bool TryReadIcmpError(Ipv4Packet ip, out IcmpErrorMessage icmp, out DropReason reason, DropReason notAnErrorReason)
    {
        if (!IcmpErrorMessage.TryRead(ip.Payload, out icmp, out PacketError error))
        {
            reason = error == PacketError.NotIcmpError ? notAnErrorReason : DropReason.MalformedIcmpError;
            return false;
        }

        if (!icmp.HasQuotedPorts)
        {
            reason = notAnErrorReason == DropReason.None ? DropReason.None : DropReason.NoService;
            return false;
        }

        if (!icmp.IsChecksumValid)
        {
            reason = DropReason.BadIcmpChecksum;
            return false;
        }

        reason = DropReason.None;
        return true;
    }

    // As IPVS: a firewall-mark service first, then a service for the exact port, else a
    // persistent all-ports service (port 0) on the VIP.
    private bool TryFindService(ServiceProtocol protocol, Ipv4Address vip, ushort port, [NotNullWhen(true)] out ServiceRuntime? service) =>
        (_serviceByMark.Count > 0 && _serviceByMark.TryGetValue(_marks.Classify(protocol, vip, port), out service))
        || _serviceByKey.TryGetValue(new ServiceKey(protocol, vip, port), out service)
        || _serviceByKey.TryGetValue(new ServiceKey(protocol, vip, 0), out service);

    // A packet to an address that is not a VIP (a subnet in a mark rule) that a mark service takes.
    private bool HasServiceMark(Ipv4Packet ip)
    {
        if (_portAddresses.Contains(ip.Destination)
            || ip.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp)
            || ip.Payload.Length < 4)
        {
            return false;
        }

        ushort port = (ushort)((ip.Payload[2] << 8) | ip.Payload[3]);
        ServiceProtocol protocol = ip.Protocol == IpProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
        return _serviceByMark.ContainsKey(_marks.Classify(protocol, ip.Destination, port));
    }

    // A real server without a port (an all-ports service's) keeps the packet's destination port.
    private static ushort PortOf(RealServer server, in Transport transport) =>
        server.Port != 0 ? server.Port : transport.DestinationPort;

    // Chooses the real server of a new connection: the persistence template's for a persistent
    // service (-p, per client network under -M) while it lives and its server may take
    // connections, else the scheduler's choice (which a persistent service then records in a
    // template). Returns -1 when no server can be chosen.
    // The NoAffinity fault: the next real server with a weight, in turn, whatever the scheduler
    // and persistence say.
    private int NextInTurn(ServiceRuntime service)
    {
        for (int tried = 0; tried < service.Servers.Length; tried++)
        {
            int i = (int)((uint)_faultTurn++ % (uint)service.Servers.Length);
            if (service.Servers[i].Weight > 0)
            {
                return i;
            }
        }

        return -1;
    }

    // The FirstServer fault: the first real server with a weight, whatever the scheduler says.
    private static int FirstAvailable(ServiceRuntime service)
    {
        for (int i = 0; i < service.Servers.Length; i++)
        {
            if (service.Servers[i].Weight > 0)
            {
                return i;
            }
        }

        return -1;
    }

    private int Schedule(ServiceRuntime service, Ipv4Address client, in Transport transport, Ipv4Address vip, long now, out PersistenceKey? persistence)
    {
        persistence = null;
        if ((_faults & DirectorFaults.NoAffinity) != 0)
        {
            return NextInTurn(service);
        }

        PersistenceKey templateKey = default;
        if (service.PersistenceMilliseconds > 0)
        {
            templateKey = new PersistenceKey(service.Index, new Ipv4Address(client.Value & service.PersistenceMask));
            if (Connections.TryGetTemplate(templateKey, now, out PersistenceTemplate template))
            {
                if (IsUsableTemplate(service, template.RealServerIndex))
                {
                    Connections.SetTemplate(templateKey, template.RealServerIndex, now, service.PersistenceMilliseconds);
                    persistence = templateKey;
                    return template.RealServerIndex;
                }

                Connections.RemoveTemplate(templateKey);
            }
        }

        var context = new SchedulingContext(
            Connections.ActiveCounts(service.Index),
            Connections.InactiveCounts(service.Index),
            client,
            transport.SourcePort,
            vip,
            transport.DestinationPort);
        int chosen = (_faults & DirectorFaults.FirstServer) != 0 ? FirstAvailable(service) : service.Scheduler.Select(service.Servers, context);
        if (chosen >= 0 && service.PersistenceMilliseconds > 0)
        {
            Connections.SetTemplate(templateKey, chosen, now, service.PersistenceMilliseconds);
            persistence = templateKey;
        }

        return chosen;
    }

    // As IPVS's ip_vs_check_template: a template keeps its clients on a drained (weight 0)
    // server unless the expire_quiescent_template option says otherwise.
    private bool IsUsableTemplate(ServiceRuntime service, int realServerIndex) =>
        (uint)realServerIndex < (uint)service.Servers.Length
        && !(Options.ExpireQuiescentTemplate && service.Servers[realServerIndex].Weight == 0);

    private DropReason CheckForwardable(Ipv4Packet ip)
    {
        if (!ip.IsHeaderChecksumValid && (_faults & DirectorFaults.ForwardBadChecksum) == 0)
        {
            return DropReason.BadIpChecksum;
        }

        if (ip.IsFragment)
        {
            return DropReason.Fragment;
        }

        return ip.TimeToLive <= 1 ? DropReason.TtlExpired : DropReason.None;
    }

    private static DropReason ReadTransport(Ipv4Packet ip, out bool supported, out Transport transport)
    {
        supported = true;
        transport = default;
        PacketError error;
        if (ip.Protocol == IpProtocol.Tcp)
        {
            if (!TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedTcp : DropReason.BadTcpDataOffset;
            }

            transport = new Transport(ServiceProtocol.Tcp, tcp.SourcePort, tcp.DestinationPort, tcp.Flags);
            return DropReason.None;
        }

        if (ip.Protocol == IpProtocol.Udp)
        {
            if (!UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out error))
            {
                return error == PacketError.Truncated ? DropReason.TruncatedUdp : DropReason.BadUdpLength;
            }

            transport = new Transport(ServiceProtocol.Udp, udp.SourcePort, udp.DestinationPort, TcpFlags.None);
            return DropReason.None;
        }

        supported = false;
        return DropReason.None;
    }

    // LVS-TUN: the validated inner packet (Ethernet padding left out), byte for byte and with its
    // TTL unchanged, behind a new outer header from the egress port's own address to the RIP
    // (protocol 4, TTL 64, DF and TOS copied from the inner header, a fresh identification).
    private Decision Tunnel(Ipv4Packet ip, int egress, MacAddress nextHopMac, Ipv4Address realServer, Span<byte> output, ref Forwarding forwarding)
    {
        int length = EthernetFrame.HeaderLength + IpInIp.Overhead + ip.TotalLength;
        if (output.Length < length)
        {
            forwarding = default;
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        ref readonly PortRuntime port = ref _ports[egress];
        if (!IpInIp.TryWrap(ip.Buffer, port.Address, realServer, output[EthernetFrame.HeaderLength..], out int written, out _, NextIdentification()))
        {
            // Not reached: the inner packet was validated and fits the port's MTU (at most 65535).
            forwarding = default;
            return Decision.Drop(DropReason.TooBig);
        }

        if (_faults != DirectorFaults.None)
        {
            DirectorFaultInjector.AfterTunnel(_faults, new Ipv4Packet(output.Slice(EthernetFrame.HeaderLength + IpInIp.Overhead, ip.TotalLength)), port.Address);
        }

        _ = new EthernetFrame(output)
        {
            Destination = nextHopMac,
            Source = port.Mac,
            EtherType = EtherType.Ipv4,
        };
        return Decision.Forward(EthernetFrame.HeaderLength + written, egress);
    }

    // ICMP "fragmentation needed" to the client in place of a packet that does not fit the
    // tunnel, from the ingress port's address, out the port that routes to the client. Not
    // sent about a source that is no single host (RFC 1122 3.2.2: zero, loopback, multicast,
    // class E, limited or a port's directed broadcast) or one of our own or virtual addresses,
    // nor when there is no route back: the frame is then only dropped. Not rate-limited (Linux
    // limits ICMP errors per destination); each one answers one client frame and is shorter
    // than it.
    private Decision FragmentationNeeded(int ingress, Ipv4Packet ip, int nextHopMtu, Span<byte> output, long now)
    {
        Ipv4Address client = ip.Source;
        if (!IsSingleHost(client) || _ownOrVirtualAddresses.Contains(client) || !TryRoute(client, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        if (!Neighbours.TryGet(nextHop, out MacAddress nextHopMac))
        {
            return Resolve(egress, nextHop, output, now);
        }

        int length = EthernetFrame.HeaderLength + IcmpError.LengthFor(ip);
        if (output.Length < length)
        {
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        ref readonly PortRuntime port = ref _ports[egress];
        if (!IcmpError.TryWriteFragmentationNeeded(
            ip.Buffer, _ports[ingress].Address, (ushort)nextHopMtu, output[EthernetFrame.HeaderLength..], out int written, out _, NextIdentification()))
        {
            // Not reached: the packet was validated and the output is large enough.
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        _ = new EthernetFrame(output)
        {
            Destination = nextHopMac,
            Source = port.Mac,
            EtherType = EtherType.Ipv4,
        };
        return new Decision(DecisionKind.Reply, EthernetFrame.HeaderLength + written, DropReason.FragmentationNeeded, egress);
    }

    private bool IsSingleHost(Ipv4Address address)
    {
        uint first = address.Value >> 24;
        if (first is 0 or 127 or >= 224)
        {
            return false;
        }

        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i].IsDirectedBroadcast(address))
            {
                return false;
            }
        }

        return true;
    }

    private ushort NextIdentification() => unchecked(_nextIdentification++);

    private Decision Resolve(int port, Ipv4Address nextHop, Span<byte> output, long now)
    {
        if (!Neighbours.TryBeginResolution(nextHop, now))
        {
            return Decision.Drop(DropReason.NeighbourUnresolved);
        }

        int length = WriteArp(output, port, ArpOperation.Request, MacAddress.Broadcast, _ports[port].Address, MacAddress.Zero, nextHop);
        return new Decision(DecisionKind.Reply, length, DropReason.NeighbourUnresolved, port);
    }

    private void LearnFromArp(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < ArpPacket.Length
            || payload[0] != 0 || payload[1] != ArpPacket.HardwareTypeEthernet
            || payload[2] != 0x08 || payload[3] != 0x00
            || payload[4] != MacAddress.Length || payload[5] != Ipv4Address.Length)
        {
            return;
        }

        ushort operation = (ushort)((payload[6] << 8) | payload[7]);
        var senderIp = Ipv4Address.ReadFrom(payload[14..]);
        LearnNeighbour(
            (ArpOperation)operation,
            MacAddress.ReadFrom(payload[8..]),
            senderIp,
            _ownOrVirtualAddresses.Contains(senderIp),
            _virtualAddressPort.ContainsKey(Ipv4Address.ReadFrom(payload[24..])));
    }

    // Learned: real servers and gateways (the next hops the director is configured to use),
    // neighbours already in the table (their MAC may change), addresses the director asked for
    // (the answer to its own request), and whoever asks for a VIP (a client or router that
    // will need the replies of a NAT connection). The table is bounded
    // (NeighbourTable.Capacity). Requests (including gratuitous ARP) and replies both tell the
    // sender's current MAC.
    private void LearnNeighbour(ArpOperation operation, MacAddress senderMac, Ipv4Address senderIp, bool senderIsOwnOrVirtual, bool targetIsVip)
    {
        if (operation is not (ArpOperation.Request or ArpOperation.Reply)
            || senderIsOwnOrVirtual
            || senderMac.IsMulticast
            || senderMac == MacAddress.Zero
            || senderIp == Ipv4Address.Any
            || IsOwnMac(senderMac))
        {
            return;
        }

        if ((operation == ArpOperation.Request && targetIsVip)
            || _knownNeighbours.Contains(senderIp)
            || Neighbours.Contains(senderIp)
            || (operation == ArpOperation.Reply && Neighbours.WasRequested(senderIp)))
        {
            Neighbours.Set(senderIp, senderMac);
        }
    }

    private int WriteArp(
        Span<byte> output,
        int port,
        ArpOperation operation,
        MacAddress ethernetDestination,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        MacAddress mac = _ports[port].Mac;
        var ethernet = new EthernetFrame(output[..ArpFrameLength])
        {
            Destination = ethernetDestination,
            Source = mac,
            EtherType = EtherType.Arp,
        };
        ArpPacket.Write(ethernet.Payload, operation, mac, senderIp, targetMac, targetIp);
        return ArpFrameLength;
    }
}
