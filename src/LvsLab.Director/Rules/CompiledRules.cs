using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LvsLab.Director.Interfaces;
using LvsLab.Director.Scheduling;
using LvsLab.Director.Sync;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// Everything the engine derives from its rules, its firewall marks and its interfaces, built
/// at once and never changed afterwards: the engine holds one reference to it and a rule change
/// swaps that reference (<see cref="DirectorEngine.Apply"/>). The services' weights and
/// schedulers are run-time state inside <see cref="ServiceRuntime"/>, not part of what is frozen.
/// </summary>
internal sealed class CompiledRules
{
    /// <summary>A VIP's answering interface when no interface's subnet holds it: the one the ARP request came in on.</summary>
    public const int AnyInterface = -1;

    /// <summary>A VIP's answering interface when the VIP is one of the director's own addresses: the kernel answers, never the engine.</summary>
    public const int NeverAnswer = -2;

    private readonly Dictionary<ServiceKey, ServiceRuntime> _serviceByKey;
    private readonly Dictionary<uint, ServiceRuntime> _serviceByMark;
    private readonly Dictionary<IpAddress, int> _vipInterface;
    private readonly HashSet<IpAddress> _ownOrVirtualAddresses;
    private readonly HashSet<IpAddress> _knownNeighbours;
    private readonly HashSet<IpAddress> _masqueradedAddresses;
    private readonly HashSet<ServiceKey> _masqueradedEndpoints;
    private readonly Dictionary<ServiceKey, Forwarding> _onePacketEndpoints;

    private CompiledRules(
        RuleSet rules,
        FirewallMarkRules marks,
        InterfaceTable interfaces,
        ServiceRuntime[] services,
        Dictionary<ServiceKey, ServiceRuntime> serviceByKey,
        Dictionary<uint, ServiceRuntime> serviceByMark,
        Dictionary<IpAddress, int> vipInterface,
        HashSet<IpAddress> ownOrVirtualAddresses,
        HashSet<IpAddress> knownNeighbours,
        HashSet<IpAddress> masqueradedAddresses,
        HashSet<ServiceKey> masqueradedEndpoints,
        Dictionary<ServiceKey, Forwarding> onePacketEndpoints,
        ReadOnlyCollection<IpAddress> realServerAddresses)
    {
        Rules = rules;
        Marks = marks;
        Interfaces = interfaces;
        Services = services;
        _serviceByKey = serviceByKey;
        _serviceByMark = serviceByMark;
        _vipInterface = vipInterface;
        _ownOrVirtualAddresses = ownOrVirtualAddresses;
        _knownNeighbours = knownNeighbours;
        _masqueradedAddresses = masqueradedAddresses;
        _masqueradedEndpoints = masqueradedEndpoints;
        _onePacketEndpoints = onePacketEndpoints;
        RealServerAddresses = realServerAddresses;
    }

    /// <summary>The rules this was compiled from.</summary>
    public RuleSet Rules { get; }

    /// <summary>The firewall-mark rules that classify packets for <c>-f</c> services.</summary>
    public FirewallMarkRules Marks { get; }

    /// <summary>The director's interfaces.</summary>
    public InterfaceTable Interfaces { get; }

    /// <summary>The services in rule order (a service's index is its position).</summary>
    public ServiceRuntime[] Services { get; }

    /// <summary>The distinct real server IPs (both families) in rule order.</summary>
    public ReadOnlyCollection<IpAddress> RealServerAddresses { get; }

    /// <summary>True when some service is a firewall-mark service.</summary>
    public bool HasMarkServices => _serviceByMark.Count > 0;

    /// <summary>
    /// Compiles <paramref name="rules"/>. A service that <paramref name="previous"/> has too (by
    /// identity) keeps its scheduler when the scheduler's name is the same.
    /// </summary>
    /// <exception cref="ArgumentException">A service names an unsupported scheduler.</exception>
    public static CompiledRules Compile(RuleSet rules, FirewallMarkRules marks, InterfaceTable interfaces, CompiledRules? previous)
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
        var vipInterface = new Dictionary<IpAddress, int>();
        var ownOrVirtual = new HashSet<IpAddress>();
        var knownNeighbours = new HashSet<IpAddress>(interfaces.Gateways);
        var masqueradedAddresses = new HashSet<IpAddress>();
        var masqueradedEndpoints = new HashSet<ServiceKey>();
        var onePacketEndpoints = new Dictionary<ServiceKey, Forwarding>();
        var realServerAddresses = new List<IpAddress>();
        var seen = new HashSet<IpAddress>();
        for (int i = 0; i < interfaces.Count; i++)
        {
            ownOrVirtual.Add(interfaces[i].Address);
            if (interfaces[i].HasIpv6)
            {
                ownOrVirtual.Add(interfaces[i].Address6);
            }
        }

        foreach (Ipv4Address floating in interfaces.FloatingAddresses)
        {
            ownOrVirtual.Add(floating);
        }

        void AddVirtualAddress(IpAddress vip)
        {
            // A VIP equal to one of our interfaces' addresses is never answered for (the kernel owns it).
            vipInterface.TryAdd(vip, interfaces.IsOwnAddress(vip) ? NeverAnswer : interfaces.OnLinkInterface(vip));
            ownOrVirtual.Add(vip);
        }

        for (int i = 0; i < services.Length; i++)
        {
            VirtualService service = rules.Services[i];
            ServiceRuntime? old = previous?.FindService(service);
            var runtime = new ServiceRuntime(i, service, old is not null && old.Service.Scheduler == service.Scheduler ? old.Scheduler : null);
            services[i] = runtime;
            if (service.FirewallMark is { } mark)
            {
                serviceByMark.TryAdd(mark, runtime);
            }
            else
            {
                serviceByKey.TryAdd(new ServiceKey(service.Protocol, service.Address, service.Port), runtime);
                AddVirtualAddress(service.Address);
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
        foreach (FirewallMarkRule rule in marks.Rules)
        {
            if (rule.PrefixLength == 32 && serviceByMark.ContainsKey(rule.Mark))
            {
                AddVirtualAddress(rule.Destination);
            }
        }

        return new CompiledRules(
            rules,
            marks,
            interfaces,
            services,
            serviceByKey,
            serviceByMark,
            vipInterface,
            ownOrVirtual,
            knownNeighbours,
            masqueradedAddresses,
            masqueradedEndpoints,
            onePacketEndpoints,
            new ReadOnlyCollection<IpAddress>(realServerAddresses));
    }

    /// <summary>
    /// True when <paramref name="rules"/> has the same services and real servers as these, by
    /// identity and in the same order, differing at most in weights: everything compiled here
    /// holds for them too, and every index stays.
    /// </summary>
    public bool DiffersAtMostInWeights(RuleSet rules)
    {
        if (rules.Services.Count != Services.Length)
        {
            return false;
        }

        for (int i = 0; i < Services.Length; i++)
        {
            if (!RuleIdentity.DiffersAtMostInWeights(Services[i].Service, rules.Services[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The weight-only change: each service takes its weights from <paramref name="rules"/> in
    /// place (<see cref="ServiceRuntime.TakeWeights"/>), and the result shares everything else
    /// with this snapshot. Only for rules that <see cref="DiffersAtMostInWeights"/> accepts.
    /// O(real servers).
    /// </summary>
    public CompiledRules WithWeightsOf(RuleSet rules)
    {
        for (int i = 0; i < Services.Length; i++)
        {
            Services[i].TakeWeights(rules.Services[i]);
        }

        return new CompiledRules(
            rules,
            Marks,
            Interfaces,
            Services,
            _serviceByKey,
            _serviceByMark,
            _vipInterface,
            _ownOrVirtualAddresses,
            _knownNeighbours,
            _masqueradedAddresses,
            _masqueradedEndpoints,
            _onePacketEndpoints,
            RealServerAddresses);
    }

    /// <summary>
    /// Where each service and real server of these rules went in <paramref name="next"/>, by
    /// identity: old index to new, -1 when gone.
    /// </summary>
    public (int[] ServiceMap, int[][] ServerMap) MapTo(CompiledRules next)
    {
        int[] serviceMap = new int[Services.Length];
        int[][] serverMap = new int[Services.Length][];
        for (int i = 0; i < Services.Length; i++)
        {
            VirtualService old = Services[i].Service;
            serverMap[i] = new int[Services[i].Servers.Length];
            ServiceRuntime? now = next.FindService(old);
            serviceMap[i] = now?.Index ?? -1;
            for (int r = 0; r < serverMap[i].Length; r++)
            {
                serverMap[i][r] = now is null ? -1 : RuleIdentity.IndexOfServer(now.Service, Services[i].Servers[r]);
            }
        }

        return (serviceMap, serverMap);
    }

    /// <summary>
    /// As IPVS: a firewall-mark service first, then a service for the exact port, else a
    /// persistent all-ports service (port 0) on the VIP.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFindService(ServiceProtocol protocol, IpAddress vip, ushort port, [NotNullWhen(true)] out ServiceRuntime? service) =>
        (_serviceByMark.Count > 0 && vip.IsIpv4 && _serviceByMark.TryGetValue(Marks.Classify(protocol, vip.Ipv4, port), out service))
        || _serviceByKey.TryGetValue(new ServiceKey(protocol, vip, port), out service)
        || _serviceByKey.TryGetValue(new ServiceKey(protocol, vip, 0), out service);

    /// <summary>
    /// The service of a connection or template learned by synchronisation, as the kernel's
    /// backup finds it (<c>ip_vs_find_dest</c>): by firewall mark when the entry has one, else by
    /// protocol, VIP and port, else the VIP's all-ports service. A firewall-mark service's
    /// template has protocol 0 and its mark in place of the VIP; a persistent FTP service's
    /// template has port 0. Not on the data path.
    /// </summary>
    public bool TryFindSyncedService(byte protocol, Ipv4Address vip, ushort port, uint mark, bool template, [NotNullWhen(true)] out ServiceRuntime? service)
    {
        if (mark != 0 && _serviceByMark.TryGetValue(mark, out service))
        {
            return true;
        }

        if (template && protocol == SyncWire.ProtocolFirewallMarkTemplate)
        {
            return _serviceByMark.TryGetValue(vip.Value, out service);
        }

        if (protocol is not (SyncWire.ProtocolTcp or SyncWire.ProtocolUdp))
        {
            service = null;
            return false;
        }

        var serviceProtocol = (ServiceProtocol)protocol;
        return _serviceByKey.TryGetValue(new ServiceKey(serviceProtocol, vip, port), out service)
            || _serviceByKey.TryGetValue(new ServiceKey(serviceProtocol, vip, 0), out service)
            || (template && port == 0 && _serviceByKey.TryGetValue(new ServiceKey(serviceProtocol, vip, SyncWire.FtpPort), out service));
    }

    /// <summary>A packet to an address that is not a VIP (a subnet in a mark rule) that a mark service takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasServiceMark(Ipv4Packet ip) => _serviceByMark.Count > 0 && IsMarkedForService(ip);

    private bool IsMarkedForService(Ipv4Packet ip)
    {
        if (Interfaces.IsOwnAddress(ip.Destination)
            || ip.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp)
            || ip.Payload.Length < 4)
        {
            return false;
        }

        ushort port = (ushort)((ip.Payload[2] << 8) | ip.Payload[3]);
        ServiceProtocol protocol = ip.Protocol == IpProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
        return _serviceByMark.ContainsKey(Marks.Classify(protocol, ip.Destination, port));
    }

    /// <summary>
    /// True when <paramref name="address"/> is a VIP; <paramref name="answeringInterface"/> is
    /// the interface that answers ARP for it, <see cref="AnyInterface"/> or <see cref="NeverAnswer"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetVip(IpAddress address, out int answeringInterface) => _vipInterface.TryGetValue(address, out answeringInterface);

    /// <summary>True when <paramref name="address"/> is a VIP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsVip(IpAddress address) => _vipInterface.ContainsKey(address);

    /// <summary>True when <paramref name="address"/> is one of the director's own addresses or a VIP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwnOrVirtual(IpAddress address) => _ownOrVirtualAddresses.Contains(address);

    /// <summary>True for a real server or gateway: a next hop the director is configured to use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsKnownNeighbour(IpAddress address) => _knownNeighbours.Contains(address);

    /// <summary>True when <paramref name="address"/> is a NAT real server's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMasqueraded(IpAddress address) => _masqueradedAddresses.Contains(address);

    /// <summary>
    /// True when <paramref name="endpoint"/> is a NAT real server's service endpoint (a real
    /// server without a port serves every port: any of its ports counts).
    /// </summary>
    public bool IsMasqueradedEndpoint(ServiceKey endpoint) =>
        _masqueradedEndpoints.Contains(endpoint) || _masqueradedEndpoints.Contains(endpoint with { Port = 0 });

    /// <summary>The service and real server of a one-packet (<c>-o</c>) NAT endpoint.</summary>
    public bool TryGetOnePacketEndpoint(ServiceKey endpoint, out Forwarding forwarding) => _onePacketEndpoints.TryGetValue(endpoint, out forwarding);

    private ServiceRuntime? FindService(VirtualService service)
    {
        foreach (ServiceRuntime runtime in Services)
        {
            if (RuleIdentity.SameService(runtime.Service, service))
            {
                return runtime;
            }
        }

        return null;
    }
}
