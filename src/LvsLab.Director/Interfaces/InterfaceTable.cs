using System.Runtime.CompilerServices;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Interfaces;

/// <summary>
/// The director's interfaces (NICs) as the engine routes with them: an interface index is a
/// position in <see cref="DirectorOptions.Interfaces"/>. Fixed for the engine's life.
/// </summary>
/// <remarks>
/// Routing: a destination on an interface's subnet is reached on that interface (the next hop
/// is the destination itself); otherwise through the first interface with a gateway (the next
/// hop is the gateway); otherwise there is no route. Direct routing needs the real server
/// on-link; NAT and tunnelling reach a real server wherever the routes lead.
/// </remarks>
internal sealed class InterfaceTable
{
    private readonly InterfaceRuntime[] _interfaces;
    private readonly int _gatewayInterface = -1;
    private readonly int _gatewayInterface6 = -1;
    private readonly HashSet<IpAddress> _addresses = [];
    private readonly Dictionary<Ipv4Address, int> _floating = [];

    /// <param name="interfaces">The director's interfaces, in order.</param>
    /// <param name="floating">Addresses answered for like VIPs (<see cref="DirectorOptions.FloatingAddresses"/>), each on the interface whose subnet holds it.</param>
    public InterfaceTable(IReadOnlyList<DirectorInterface> interfaces, IReadOnlyList<Ipv4Address>? floating = null)
    {
        _interfaces = new InterfaceRuntime[interfaces.Count];
        var gateways = new List<IpAddress>();
        for (int i = 0; i < _interfaces.Length; i++)
        {
            DirectorInterface nic = interfaces[i];
            _interfaces[i] = InterfaceRuntime.From(nic);
            _addresses.Add(nic.Address);
            if (nic.Address6 is { } address6)
            {
                _addresses.Add(address6);
            }

            if (nic.Gateway6 is { } gateway6)
            {
                gateways.Add(gateway6);
                if (_gatewayInterface6 < 0)
                {
                    _gatewayInterface6 = i;
                }
            }

            if (nic.Gateway is { } gateway)
            {
                gateways.Add(gateway);
                if (_gatewayInterface < 0)
                {
                    _gatewayInterface = i;
                }
            }
        }

        Gateways = gateways;
        foreach (Ipv4Address address in floating ?? [])
        {
            _floating.TryAdd(address, OnLinkInterface(address));
        }
    }

    /// <summary>How many interfaces the director has.</summary>
    public int Count => _interfaces.Length;

    /// <summary>The IPv4 and IPv6 gateways of every interface that has one, in interface order.</summary>
    public IReadOnlyList<IpAddress> Gateways { get; }

    /// <summary>The interface at <paramref name="index"/> (checked by the caller).</summary>
    public ref readonly InterfaceRuntime this[int index] => ref _interfaces[index];

    /// <summary>The floating addresses (<see cref="DirectorOptions.FloatingAddresses"/>).</summary>
    public IEnumerable<Ipv4Address> FloatingAddresses => _floating.Keys;

    /// <summary>
    /// True when <paramref name="address"/> is a floating address; <paramref name="answeringInterface"/>
    /// is the interface on whose subnet it lies (−1: none, never answered).
    /// </summary>
    public bool TryGetFloating(Ipv4Address address, out int answeringInterface) => _floating.TryGetValue(address, out answeringInterface);

    /// <summary>True when <paramref name="address"/> is one of the director's own addresses (a DIP), IPv4 or IPv6.</summary>
    public bool IsOwnAddress(IpAddress address) => _addresses.Contains(address);

    /// <summary>The first interface whose subnet holds <paramref name="address"/> (either family), or -1.</summary>
    public int OnLinkInterface(IpAddress address) => address.IsIpv4 ? OnLinkInterface(address.Ipv4) : OnLinkInterface(address.Ipv6);

    /// <summary>The first interface whose IPv6 subnet holds <paramref name="address"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int OnLinkInterface(Ipv6Address address)
    {
        for (int i = 0; i < _interfaces.Length; i++)
        {
            if (_interfaces[i].IsOnLink(address))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first interface whose subnet holds <paramref name="address"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int OnLinkInterface(Ipv4Address address)
    {
        for (int i = 0; i < _interfaces.Length; i++)
        {
            if (_interfaces[i].IsOnLink(address))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when <paramref name="mac"/> is one of the director's interfaces' MACs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwnMac(MacAddress mac)
    {
        for (int i = 0; i < _interfaces.Length; i++)
        {
            if (_interfaces[i].Mac == mac)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The egress interface and next hop for a destination (see the remarks); false when there is no route.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRoute(Ipv4Address destination, out int egress, out Ipv4Address nextHop)
    {
        egress = OnLinkInterface(destination);
        if (egress >= 0)
        {
            nextHop = destination;
            return true;
        }

        if (_gatewayInterface >= 0)
        {
            egress = _gatewayInterface;
            nextHop = _interfaces[_gatewayInterface].Gateway;
            return true;
        }

        nextHop = default;
        return false;
    }

    /// <summary>
    /// The egress interface and next hop for a packet to a real server: for direct routing the
    /// IP packet still says VIP, so the real server must be on one of our links (the next hop
    /// is the server); NAT and tunnelling follow the routes. False when there is no route.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRouteToRealServer(RealServer server, out int egress, out IpAddress nextHop)
    {
        IpAddress address = server.Address;
        if (server.ForwardingMethod == ForwardingMethod.DirectRouting)
        {
            egress = OnLinkInterface(address);
            nextHop = address;
            return egress >= 0;
        }

        bool routed;
        if (address.IsIpv4)
        {
            routed = TryRoute(address.Ipv4, out egress, out Ipv4Address hop4);
            nextHop = hop4;
        }
        else
        {
            routed = TryRoute(address.Ipv6, out egress, out Ipv6Address hop6);
            nextHop = hop6;
        }

        return routed;
    }

    /// <summary>The egress interface and next hop for an IPv6 destination (the IPv6 subnets and gateways; see the remarks); false when there is no route.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRoute(Ipv6Address destination, out int egress, out Ipv6Address nextHop)
    {
        egress = OnLinkInterface(destination);
        if (egress >= 0)
        {
            nextHop = destination;
            return true;
        }

        if (_gatewayInterface6 >= 0)
        {
            egress = _gatewayInterface6;
            nextHop = _interfaces[_gatewayInterface6].Gateway6;
            return true;
        }

        nextHop = default;
        return false;
    }

    /// <summary>
    /// False for a source that is no single host (RFC 1122 3.2.2: zero, loopback, multicast,
    /// class E, limited or an interface's directed broadcast).
    /// </summary>
    public bool IsSingleHost(Ipv4Address address)
    {
        uint first = address.Value >> 24;
        if (first is 0 or 127 or >= 224)
        {
            return false;
        }

        for (int i = 0; i < _interfaces.Length; i++)
        {
            if (_interfaces[i].IsDirectedBroadcast(address))
            {
                return false;
            }
        }

        return true;
    }
}
