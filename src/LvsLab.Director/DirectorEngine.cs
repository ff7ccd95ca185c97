using System.Diagnostics.CodeAnalysis;
using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Icmp;
using LvsLab.Director.Inbound;
using LvsLab.Director.Interfaces;
using LvsLab.Director.NatReturn;
using LvsLab.Director.Ndp;
using LvsLab.Director.Neighbours;
using LvsLab.Director.Rules;
using LvsLab.Director.Sync;
using LvsLab.Director.Tunnel;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// The load-balancing engine of an LVS director with one or more interfaces: one frame
/// in, one decision out. It answers ARP for the VIPs, schedules new connections to real
/// servers, keeps the connection and neighbour tables, and rewrites frames for direct routing
/// (<c>-g</c>: only the MACs change), NAT (<c>-m</c>: destination rewritten on the way in,
/// source rewritten on the way back) and tunnelling (<c>-i</c>: the packet is wrapped unchanged
/// in an IP-in-IP header from the egress interface's address to the real server). Pure: no I/O, no
/// clock (time is passed in), no allocation per frame. Not thread-safe: one capture loop owns
/// an engine.
/// </summary>
/// <remarks>
/// <para>
/// Routing: a destination on an interface's subnet is reached on that interface (the next hop
/// is the destination itself); otherwise through the first interface with a gateway (the next
/// hop is the gateway); otherwise there is no route. Direct routing needs the real server on-link; NAT
/// and tunnelling reach a real server wherever the routes lead.
/// </para>
/// <para>
/// Path MTU (tunnelling), as IPVS does: a wrapped packet longer than the egress interface's
/// <see cref="DirectorInterface.Mtu"/> is not sent. With DF set the client gets an ICMP
/// "fragmentation needed" with next-hop MTU = interface MTU − 20 (an IcmpError decision); with DF clear
/// the frame is dropped (<see cref="DropReason.TooBig"/>; IPVS would fragment).
/// </para>
/// <para>
/// Inside, the engine is a facade over one type per concern: the rules compiled into one
/// immutable snapshot (<c>Rules/CompiledRules</c>) that <see cref="Apply"/> swaps by one
/// reference; ARP (<c>Arp/</c>), client to real server (<c>Inbound/</c>), NAT replies
/// (<c>NatReturn/</c>), ICMP errors (<c>Icmp/</c>), IP-in-IP (<c>Tunnel/</c>), and the frame
/// writing and routing they share (<c>Framing/</c>, <c>Interfaces/</c>).
/// </para>
/// </remarks>
public sealed class DirectorEngine
{
    /// <summary>Length of the ARP frames the engine writes (Ethernet header + ARP, no padding).</summary>
    public const int ArpFrameLength = FrameWriter.ArpFrameLength;

    /// <summary>How often <see cref="Process"/> starts a sweep of expired connections out of the table.</summary>
    public const long ExpirySweepIntervalMilliseconds = 1000;

    /// <summary>How many slots of the connection table one frame's share of a sweep looks at.</summary>
    public const int ExpirySliceSlots = 128;

    private readonly EngineContext _context;
    private readonly InterfaceTable _interfaces;
    private readonly ArpResponder _arp;
    private readonly InboundForwarder _inbound;
    private readonly NatReturnForwarder _natReturn;
    private readonly NeighbourAdvertiser _ndp;
    private readonly Ipv6InboundForwarder _inbound6;
    private readonly Ipv6NatReturnForwarder _natReturn6;
    private long _nextExpirySweep;
    private bool _sweeping;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">The director's interfaces and tunables.</param>
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
        Interfaces = options.Interfaces;
        _interfaces = new InterfaceTable(options.Interfaces, options.FloatingAddresses);
        CompiledRules compiled = CompiledRules.Compile(rules, marks ?? FirewallMarkRules.Empty, _interfaces, previous: null);
        _context = new EngineContext(options, _interfaces, compiled, new DirectorCounters(rules));
        for (int i = 0; i < compiled.Services.Length; i++)
        {
            _context.Connections.ReserveCounts(i, compiled.Services[i].Servers.Length);
        }

        var resolver = new NeighbourResolver(_context);
        var tunnel = new TunnelEncapsulator(_context);
        var icmp = new IcmpErrorForwarder(_context, resolver, tunnel);
        var opener = new ConnectionOpener(_context, new ServiceScheduler(_context));
        _arp = new ArpResponder(_context);
        _ndp = new NeighbourAdvertiser(_context);
        _inbound = new InboundForwarder(
            _context,
            opener,
            resolver,
            tunnel,
            new FragmentationNeededSender(_context, resolver),
            icmp);
        var replies = new ReplyFinder(_context);
        _natReturn = new NatReturnForwarder(_context, resolver, icmp, replies);
        var icmp6 = new Icmpv6ErrorForwarder(_context, resolver, tunnel);
        _inbound6 = new Ipv6InboundForwarder(_context, opener, resolver, tunnel, new PacketTooBigSender(_context, resolver), icmp6);
        _natReturn6 = new Ipv6NatReturnForwarder(_context, resolver, icmp6, replies);
    }

    /// <summary>What the engine did so far.</summary>
    public DirectorCounters Counters => _context.Counters;

    /// <summary>Neighbours' MAC addresses, learned from ARP.</summary>
    public NeighbourTable Neighbours => _context.Neighbours;

    /// <summary>Client connections and their real servers.</summary>
    public ConnectionTable Connections => _context.Connections;

    /// <summary>The virtual services.</summary>
    public RuleSet Rules => _context.Rules.Rules;

    /// <summary>
    /// Whether the director stands by for another that holds its virtual addresses (a VRRP
    /// backup): it then answers no ARP request for a VIP and forwards no frame to a virtual
    /// service (each is dropped, counted as <see cref="DropReason.Standby"/>), but keeps its
    /// rules and its connection table — connections synchronised from the master included — so
    /// that on becoming master it carries them on. Replies of NAT connections are not affected.
    /// Set it where <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/> is called, or under the same lock.
    /// </summary>
    public bool Standby
    {
        get => _context.Standby;
        set => _context.Standby = value;
    }

    /// <summary>The options the engine was created with.</summary>
    public DirectorOptions Options { get; }

    /// <summary>The director's interfaces; an interface index is a position in this list (the same as <see cref="DirectorOptions.Interfaces"/>).</summary>
    public IReadOnlyList<DirectorInterface> Interfaces { get; }

    /// <summary>
    /// The distinct real server IPs in rule order, to resolve at start-up (see
    /// <see cref="TryRoute(IpAddress, out int, out IpAddress)"/> for the interface and next hop of each).
    /// </summary>
    public IReadOnlyList<IpAddress> RealServerAddresses => _context.Rules.RealServerAddresses;

    /// <summary>The firewall-mark rules that classify packets for <c>-f</c> services.</summary>
    public FirewallMarkRules FirewallMarks => _context.Rules.Marks;

    /// <summary>
    /// Replaces the virtual services at run time, as a series of <c>ipvsadm</c> add, edit and
    /// delete commands would: services and real servers are matched by identity (protocol, VIP,
    /// port or mark; real server address and port). What stays keeps its connections, persistence
    /// templates, counters and (for an unchanged scheduler) its scheduler's position; a real
    /// server's weight becomes the one in <paramref name="rules"/>. Connections and templates of
    /// a deleted service or real server are removed, so their next packets are dropped and a new
    /// SYN is scheduled afresh (IPVS's <c>expire_nodest_conn</c>). On an error nothing changes.
    /// When the new rules have the same services and real servers as now, by identity and in the
    /// same order, and differ at most in weights (a health check's flap with the inhibit action,
    /// <c>ipvsadm -e … -w</c>), every index stays: the weights are set in place, in
    /// O(real servers), and the connection table, templates and counters are not touched; a
    /// service whose weights did not change keeps its scheduler exactly as it was, one whose
    /// weights changed has its scheduler told (as <see cref="SetWeight"/> does).
    /// Not thread-safe: call it where <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/>
    /// is called, or under the same lock.
    /// </summary>
    /// <param name="rules">The new virtual services.</param>
    /// <exception cref="ArgumentException">A service names an unsupported scheduler.</exception>
    public void Apply(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        CompiledRules current = _context.Rules;
        if (current.DiffersAtMostInWeights(rules))
        {
            // Every index stays: nothing to carry over, nothing that grows with the table.
            _context.Rules = current.WithWeightsOf(rules);
            return;
        }

        // Builds everything derived from the rules first; nothing in the engine has changed
        // if this throws, and from here on nothing can fail.
        CompiledRules next = CompiledRules.Compile(rules, current.Marks, _interfaces, current);
        (int[] serviceMap, int[][] serverMap) = current.MapTo(next);
        DirectorCounters counters = _context.Counters.CarryOver(rules, serviceMap, serverMap);
        ConnectionTable connections = _context.Connections;
        connections.Remap(serviceMap, serverMap);
        for (int i = 0; i < next.Services.Length; i++)
        {
            connections.ReserveCounts(i, next.Services[i].Servers.Length);
        }

        _context.Counters = counters;
        _context.Rules = next;
        StateRemaps++;
    }

    /// <summary>
    /// How many times <see cref="Apply"/> carried the connection table, templates and counters
    /// over to new indices (a change other than weights); for tests of the weight-only path.
    /// </summary>
    internal int StateRemaps { get; private set; }

    /// <summary>A real server's current weight (the configured one unless changed by <see cref="SetWeight"/>).</summary>
    /// <param name="serviceIndex">Index of the service in <see cref="Rules"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>The weight.</returns>
    public int GetWeight(int serviceIndex, int realServerIndex) => Service(serviceIndex, realServerIndex).Servers[realServerIndex].Weight;

    /// <summary>
    /// Changes a real server's weight at run time, like <c>ipvsadm -e … -w W</c>. Weight 0 drains
    /// the server: its existing connections go on, new ones go elsewhere. The scheduler is told
    /// as IPVS's <c>upd_dest</c> tells it (<see cref="Scheduling.IScheduler.UpdateWeights"/>:
    /// wrr, mh and sh rebuild their tables, rr keeps its position). Not thread-safe: call it
    /// where <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/> is called, or under the same lock.
    /// </summary>
    /// <param name="serviceIndex">Index of the service in <see cref="Rules"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <param name="weight">The new weight, 0..65535.</param>
    public void SetWeight(int serviceIndex, int realServerIndex, int weight)
    {
        ServiceRuntime service = Service(serviceIndex, realServerIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, RealServer.MaxWeight);
        service.SetWeight(realServerIndex, weight);
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
        _ = Service(serviceIndex, realServerIndex);
        return _context.Connections.GetRealServerConnections(serviceIndex, realServerIndex);
    }

    /// <summary>
    /// Decides what to do with one frame received on interface <paramref name="interfaceIndex"/>
    /// and writes the frame to send, if any, into <paramref name="output"/>. Never throws for
    /// any frame; every frame is counted once in <see cref="Counters"/>. The output is written
    /// only for decisions that send (<see cref="Decision.Sends"/>).
    /// </summary>
    /// <param name="interfaceIndex">The index of the interface the frame arrived on (in <see cref="DirectorOptions.Interfaces"/>).</param>
    /// <param name="frame">The received Ethernet frame (without FCS).</param>
    /// <param name="output">
    /// A caller-owned buffer of at least <c>frame.Length + 64</c> bytes (a tunnelled frame is at
    /// most 20 bytes longer than the frame received; an ICMP error at most 124 bytes, and only
    /// about a frame of more than 62). A smaller buffer gives <see cref="DropReason.OutputTooSmall"/>
    /// where the frame to send would not fit, and nothing is written.
    /// </param>
    /// <param name="nowMilliseconds">The current time, for connection expiry and ARP rate limits.</param>
    /// <returns>The decision; when it <see cref="Decision.Sends"/>, send the first Length bytes of <paramref name="output"/> on <see cref="Decision.Interface"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such interface (a caller's bug, not a property of the frame).</exception>
    public Decision Process(int interfaceIndex, ReadOnlySpan<byte> frame, Span<byte> output, long nowMilliseconds)
    {
        CheckInterface(interfaceIndex);

        DirectorCounters counters = _context.Counters;
        counters.CountFrame();
        if (_sweeping || nowMilliseconds >= _nextExpirySweep)
        {
            // Expired connections are dropped lazily on lookup; a sweep started at most once a
            // second also frees the ones no packet will ever look up again. It goes a slice of
            // the table per frame, so no frame waits for a scan of the whole table.
            SweepSlice(nowMilliseconds, ExpirySliceSlots);
        }

        Decision decision = Decide(interfaceIndex, frame, output, nowMilliseconds, out Forwarding forwarding);
        switch (decision.Kind)
        {
            case DecisionKind.Forward when forwarding.IsReply:
                counters.CountReply(forwarding.ServiceIndex, forwarding.RealServerIndex, decision.Length);
                break;
            case DecisionKind.Forward:
                counters.CountForward(forwarding.ServiceIndex, forwarding.RealServerIndex, decision.Length);
                break;
            case DecisionKind.ArpReply:
                counters.CountArpReply();
                break;
            case DecisionKind.ArpRequest:
                // The frame is dropped; the ARP request and the ICMP error sent in a frame's place
                // are counted apart, so FramesIn == Ignored + Forwarded + ArpReplies + Dropped.
                counters.CountArpRequest();
                counters.CountDrop(DropReason.NeighbourUnresolved);
                break;
            case DecisionKind.IcmpError:
                counters.CountIcmpSent();
                counters.CountDrop(DropReason.FragmentationNeeded);
                break;
            case DecisionKind.Drop:
                counters.CountDrop(decision.Reason);
                break;
            default:
                counters.CountIgnored();
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

    /// <summary>Synchronised entries <see cref="Install"/> put into the table since the engine was made.</summary>
    public long SyncInstalled { get; private set; }

    /// <summary>Synchronised entries <see cref="Install"/> refused since the engine was made (unknown service or real server, bad protocol or state).</summary>
    public long SyncRefused { get; private set; }

    /// <summary>
    /// Installs a connection or persistence template learned from another director (IPVS
    /// connection synchronisation, <see cref="SyncMessage"/>), as the kernel's backup does
    /// (<c>ip_vs_proc_conn</c>): the entry is bound to a real server of the current rules by its
    /// service (mark, or protocol, VIP and port) and its destination address and port, and that
    /// real server's forwarding method is the one used, whatever the entry's flags say. A
    /// connection is inserted or refreshed (<see cref="ConnectionTable.Install"/>) in its state,
    /// to live <see cref="SyncEntry.TimeoutSeconds"/> from now (0: the state's timeout); a
    /// template points its client network at the real server for its timeout (0: the service's
    /// persistence timeout). The next packet of the connection then goes to that real server as
    /// if this engine had scheduled it. An entry that names no service or real server of the
    /// rules, or has an unknown protocol or state, is refused and counted in <see cref="SyncRefused"/>.
    /// Not on the data path; not thread-safe: call it where
    /// <see cref="Process(int, ReadOnlySpan{byte}, Span{byte}, long)"/> is called, or under the same lock.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>What was done.</returns>
    public SyncInstallResult Install(in SyncEntry entry, long nowMilliseconds)
    {
        SyncInstallResult result = InstallSynced(entry, nowMilliseconds);
        if (result == SyncInstallResult.Installed)
        {
            SyncInstalled++;
        }
        else
        {
            SyncRefused++;
        }

        return result;
    }

    /// <summary>Writes a broadcast ARP request "who has <paramref name="target"/>? tell DIP" from interface 0.</summary>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="ArpFrameLength"/> bytes.</param>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too small.</exception>
    public int WriteArpRequest(Ipv4Address target, Span<byte> output) => WriteArpRequest(0, target, output);

    /// <summary>
    /// Writes a broadcast ARP request "who has <paramref name="target"/>? tell DIP" as
    /// interface <paramref name="interfaceIndex"/> sends it (its MAC and own IP).
    /// </summary>
    /// <param name="interfaceIndex">The interface to send it on.</param>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="ArpFrameLength"/> bytes.</param>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such interface.</exception>
    /// <exception cref="ArgumentException">The output is too small.</exception>
    public int WriteArpRequest(int interfaceIndex, Ipv4Address target, Span<byte> output)
    {
        CheckInterface(interfaceIndex);

        if (output.Length < ArpFrameLength)
        {
            throw new ArgumentException($"the output needs at least {ArpFrameLength} bytes", nameof(output));
        }

        ref readonly InterfaceRuntime nic = ref _interfaces[interfaceIndex];
        return FrameWriter.WriteArp(output, nic.Mac, ArpOperation.Request, MacAddress.Broadcast, nic.Address, MacAddress.Zero, target);
    }

    /// <summary>
    /// Chooses the egress interface and next hop for <paramref name="destination"/>: the first
    /// interface whose subnet holds it (next hop: the destination); else the first interface
    /// with a gateway (next hop: the gateway).
    /// </summary>
    /// <param name="destination">The destination IP.</param>
    /// <param name="interfaceIndex">The egress interface's index when the result is true.</param>
    /// <param name="nextHop">The neighbour to send to when the result is true.</param>
    /// <returns>False when there is no route.</returns>
    public bool TryRoute(Ipv4Address destination, out int interfaceIndex, out Ipv4Address nextHop) => _interfaces.TryRoute(destination, out interfaceIndex, out nextHop);

    /// <summary>
    /// Chooses the egress interface and next hop for an IPv4 or IPv6 destination (the IPv6
    /// subnets and gateways of the interfaces for an IPv6 one).
    /// </summary>
    /// <param name="destination">The destination IP.</param>
    /// <param name="interfaceIndex">The egress interface's index when the result is true.</param>
    /// <param name="nextHop">The neighbour to send to when the result is true.</param>
    /// <returns>False when there is no route.</returns>
    public bool TryRoute(IpAddress destination, out int interfaceIndex, out IpAddress nextHop)
    {
        bool routed;
        if (destination.IsIpv4)
        {
            routed = _interfaces.TryRoute(destination.Ipv4, out interfaceIndex, out Ipv4Address hop4);
            nextHop = hop4;
        }
        else
        {
            routed = _interfaces.TryRoute(destination.Ipv6, out interfaceIndex, out Ipv6Address hop6);
            nextHop = hop6;
        }

        return routed;
    }

    /// <summary>
    /// Writes a request for <paramref name="target"/>'s MAC as interface
    /// <paramref name="interfaceIndex"/> sends it: a broadcast ARP request for an IPv4 target, a
    /// neighbour solicitation to the target's solicited-node group for an IPv6 one.
    /// </summary>
    /// <param name="interfaceIndex">The interface to send it on.</param>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="NeighbourSolicitation.FrameLength"/> bytes.</param>
    /// <returns>The frame length.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such interface.</exception>
    /// <exception cref="ArgumentException">The output is too small, or the target is IPv6 and the interface has no IPv6 address.</exception>
    public int WriteNeighbourRequest(int interfaceIndex, IpAddress target, Span<byte> output)
    {
        if (target.IsIpv4)
        {
            return WriteArpRequest(interfaceIndex, target.Ipv4, output);
        }

        CheckInterface(interfaceIndex);
        ref readonly InterfaceRuntime nic = ref _interfaces[interfaceIndex];
        if (!nic.HasIpv6)
        {
            throw new ArgumentException($"interface {Interfaces[interfaceIndex].Name} has no IPv6 address to solicit {target} from", nameof(target));
        }

        return NeighbourSolicitation.WriteFrame(output, nic.Mac, nic.Address6, target.Ipv6);
    }

    private void CheckInterface(int interfaceIndex)
    {
        if ((uint)interfaceIndex >= (uint)_interfaces.Count)
        {
            ThrowNoSuchInterface(interfaceIndex);
        }
    }

    [DoesNotReturn]
    private void ThrowNoSuchInterface(int interfaceIndex) =>
        throw new ArgumentOutOfRangeException(nameof(interfaceIndex), interfaceIndex, $"the director has {_interfaces.Count} interface(s)");

    private ServiceRuntime Service(int serviceIndex, int realServerIndex)
    {
        ServiceRuntime[] services = _context.Rules.Services;
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, services.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(realServerIndex, services[serviceIndex].Servers.Length);
        return services[serviceIndex];
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
        if (_interfaces.IsOwnMac(source))
        {
            return Decision.Ignore;
        }

        // One snapshot of the rules for the whole frame.
        CompiledRules rules = _context.Rules;
        ushort etherType = (ushort)((frame[12] << 8) | frame[13]);
        bool toUs = destination == _interfaces[ingress].Mac;
        if (etherType == EtherType.Arp)
        {
            if (!toUs && !destination.IsBroadcast)
            {
                // Someone else's unicast ARP: still worth learning from, never answered.
                _arp.LearnFromForeign(frame[EthernetFrame.HeaderLength..], rules);
                return Decision.Ignore;
            }
        }
        else if (etherType == EtherType.Ipv6)
        {
            if (!toUs && !destination.IsMulticast)
            {
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

        Span<byte> input = FrameWriter.ReadOnlyView(frame);
        return etherType switch
        {
            EtherType.Arp => _arp.Decide(ingress, input, output, rules),
            EtherType.Ipv4 => DecideIpv4(ingress, input, output, now, rules, out forwarding),
            _ => DecideIpv6(ingress, input, output, now, rules, toUs, out forwarding),
        };
    }

    private Decision DecideIpv6(int ingress, Span<byte> input, Span<byte> output, long now, CompiledRules rules, bool toUs, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = Ipv6Checks.Read(input[EthernetFrame.HeaderLength..], out Ipv6Packet ip, out Ipv6ExtensionHeaders headers);
        if (reason != DropReason.None)
        {
            // A broken multicast frame is someone else's business.
            return toUs ? Decision.Drop(reason) : Decision.Ignore;
        }

        if (ip.NextHeader == IpProtocol.Icmpv6
            && ip.Payload.Length > 0
            && ip.Payload[0] is Icmpv6Message.TypeNeighbourSolicitation or Icmpv6Message.TypeNeighbourAdvertisement)
        {
            return _ndp.Decide(ingress, input, ip, output, rules);
        }

        if (!toUs)
        {
            return Decision.Ignore;
        }

        if (rules.IsVip(ip.Destination))
        {
            return _context.Standby
                ? Decision.Drop(DropReason.Standby)
                : _inbound6.Decide(ingress, input, ip, headers, output, now, rules, out forwarding);
        }

        if (rules.IsMasqueraded(ip.Source) && !_interfaces.IsOwnAddress(ip.Destination))
        {
            return _natReturn6.Decide(input, ip, headers, output, now, rules, out forwarding);
        }

        return Decision.Ignore;
    }

    private Decision DecideIpv4(int ingress, Span<byte> input, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
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

        if (rules.IsVip(ip.Destination) || rules.HasServiceMark(ip))
        {
            if (_context.Standby)
            {
                return Decision.Drop(DropReason.Standby);
            }

            return _inbound.Decide(ingress, input, ip, output, now, rules, out forwarding);
        }

        if (rules.IsMasqueraded(ip.Source) && !_interfaces.IsOwnAddress(ip.Destination))
        {
            return _natReturn.Decide(input, ip, output, now, rules, out forwarding);
        }

        // Not for a VIP and not from a NAT real server (or to the director itself): not ours.
        return Decision.Ignore;
    }

    private SyncInstallResult InstallSynced(in SyncEntry entry, long now)
    {
        bool template = entry.IsTemplate;
        ConnectionState state = default;
        if (!template && !SyncConnectionMapping.TryGetState(entry.Protocol, entry.State, out state))
        {
            return entry.Protocol is SyncWire.ProtocolTcp or SyncWire.ProtocolUdp
                ? SyncInstallResult.UnsupportedState
                : SyncInstallResult.UnsupportedProtocol;
        }

        if (!_context.Rules.TryFindSyncedService(
            entry.Protocol, entry.VirtualAddress, entry.VirtualPort, entry.FirewallMark, template, out ServiceRuntime? service))
        {
            return SyncInstallResult.UnknownService;
        }

        int serverIndex = SyncConnectionMapping.IndexOfRealServer(service.Servers, entry.DestinationAddress, entry.DestinationPort);
        if (serverIndex < 0)
        {
            return SyncInstallResult.UnknownRealServer;
        }

        ConnectionTable connections = _context.Connections;
        IpAddress client = ((IpAddress)entry.ClientAddress).And(service.PersistenceMask);
        if (template)
        {
            if (service.PersistenceMilliseconds == 0)
            {
                return SyncInstallResult.NotPersistent;
            }

            long persistence = entry.TimeoutSeconds > 0 ? entry.TimeoutSeconds * 1000L : service.PersistenceMilliseconds;
            connections.SetTemplate(new PersistenceKey(service.Index, client), serverIndex, now, persistence);
            return SyncInstallResult.Installed;
        }

        RealServer server = service.Servers[serverIndex];
        bool masqueraded = server.ForwardingMethod == ForwardingMethod.Masquerading;
        long lifetime = entry.TimeoutSeconds > 0 ? entry.TimeoutSeconds * 1000L : connections.Timeouts.For(state);
        connections.Install(
            new ConnectionKey((ServiceProtocol)entry.Protocol, entry.ClientAddress, entry.ClientPort, entry.VirtualAddress, entry.VirtualPort),
            service.Index,
            serverIndex,
            state,
            now,
            now + lifetime,
            masqueraded ? server.Address : null,
            masqueraded ? (server.Port != 0 ? server.Port : entry.VirtualPort) : (ushort)0,
            service.PersistenceMilliseconds > 0 ? new PersistenceKey(service.Index, client) : null);
        return SyncInstallResult.Installed;
    }

    private void SweepSlice(long now, int maxSlots)
    {
        _sweeping = !_context.Connections.RemoveExpiredSlice(now, maxSlots, out _);
        if (!_sweeping)
        {
            _nextExpirySweep = now + ExpirySweepIntervalMilliseconds;
        }
    }
}
