using System.Net;
using System.Net.NetworkInformation;
using LvsLab.Director;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using PacketDotNet;

namespace LvsLab.Benchmarks;

/// <summary>
/// The director's forwarding written the PacketDotNet way, for comparison with
/// <see cref="DirectorEngine"/>: parse the frame into packet objects, extract the IPv4 and TCP
/// packets, decide with the same checks and the same number of hash lookups as the engine (VIP
/// set, service, connection, neighbour), then rewrite through the packet objects' properties
/// and take the bytes. Each real server's forwarding method is the rule's: DR sets the two MAC
/// addresses; NAT sets destination RIP:RPORT, TTL − 1 and recomputes the IPv4 and TCP checksums
/// (<see cref="IPv4Packet.UpdateIPChecksum"/>, <see cref="TcpPacket.UpdateTcpChecksum"/>); TUN
/// wraps the unchanged IPv4 packet as the payload of a new IPv4 packet (protocol 4, TTL 64, TOS
/// and DF of the inner header, identification counting from 0 as the engine's) in a new
/// Ethernet packet. Frames arrive on the first port. Neighbours are learned from ARP replies or
/// set, and connections are opened by a bare SYN with round robin, as in the engine. TCP only,
/// and each real server must be on the link of one of the ports (its egress, chosen when the
/// rules are loaded rather than routed per frame): enough for the benchmarks, no more.
/// </summary>
internal sealed class PacketDotNetForwarder
{
    /// <summary>The engine's default TCP established timeout.</summary>
    private const long EstablishedTimeoutMilliseconds = 900_000;

    /// <summary>PacketDotNet's <see cref="IPv4Packet.FragmentFlags"/>: more fragments, don't fragment.</summary>
    private const int MoreFragments = 0x1;
    private const int DontFragment = 0x2;

    private readonly Port[] _ports;
    private readonly PhysicalAddress _mac;
    private readonly HashSet<IPAddress> _virtualAddresses = [];
    private readonly HashSet<IPAddress> _realServerAddresses = [];
    private readonly Dictionary<(IPAddress Address, ushort Port), Service> _services = [];
    private readonly Dictionary<(IPAddress Address, ushort Port), Flow> _flows = [];
    private readonly Dictionary<IPAddress, PhysicalAddress> _neighbours = [];
    private ushort _nextIdentification;

    public PacketDotNetForwarder(DirectorOptions options, RuleSet rules)
    {
        _ports = [.. options.Interfaces.Select(port => new Port(port, ToPhysical(port.Mac), ToIp(port.Address)))];
        _mac = _ports[0].Mac;
        foreach (VirtualService service in rules.Services)
        {
            IPAddress vip = ToIp(service.Address.Ipv4);
            var realServers = new Target[service.RealServers.Count];
            for (int i = 0; i < realServers.Length; i++)
            {
                RealServer server = service.RealServers[i];
                int egress = Array.FindIndex(_ports, port => port.Options.IsOnLink(server.Address.Ipv4));
                if (egress < 0)
                {
                    throw new NotSupportedException($"{server.Address} is on no port's link");
                }

                realServers[i] = new Target(ToIp(server.Address.Ipv4), server.Port, server.ForwardingMethod, egress);
                _realServerAddresses.Add(realServers[i].Address);
            }

            _virtualAddresses.Add(vip);
            _services.Add((vip, service.Port), new Service(realServers));
        }
    }

    /// <summary>Frames forwarded so far (the engine counts too).</summary>
    public long Forwarded { get; private set; }

    /// <summary>Known neighbours.</summary>
    public int NeighbourCount => _neighbours.Count;

    /// <summary>Open connections.</summary>
    public int FlowCount => _flows.Count;

    /// <summary>Sets a neighbour's MAC, as <see cref="DirectorEngine.Neighbours"/> can.</summary>
    public void SetNeighbour(Ipv4Address address, MacAddress mac) => _neighbours[ToIp(address)] = ToPhysical(mac);

    /// <summary>
    /// Handles one frame received on the first port. PacketDotNet parses over the array it is
    /// given and writes DR's and NAT's rewrites into it, so <paramref name="frame"/> is this
    /// forwarder's own buffer.
    /// </summary>
    /// <param name="frame">The frame, in a buffer the forwarder may rewrite.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>
    /// The frame to send to the real server (out of its egress port), or null when there is none.
    /// </returns>
    public byte[]? Process(byte[] frame, long nowMilliseconds)
    {
        if (Packet.ParsePacket(LinkLayers.Ethernet, frame) is not EthernetPacket ethernet
            || ethernet.SourceHardwareAddress.Equals(_mac))
        {
            return null;
        }

        if (ethernet.Type == EthernetType.Arp)
        {
            Learn(ethernet.Extract<PacketDotNet.ArpPacket>());
            return null;
        }

        if (ethernet.Type != EthernetType.IPv4 || !ethernet.DestinationHardwareAddress.Equals(_mac))
        {
            return null;
        }

        // Each address getter builds a new IPAddress: read each one once, as careful code would.
        IPv4Packet? ip = ethernet.Extract<IPv4Packet>();
        IPAddress? vip = ip?.DestinationAddress;
        if (ip is null || vip is null || !_virtualAddresses.Contains(vip))
        {
            return null;
        }

        if (!ip.ValidIPChecksum || (ip.FragmentFlags & MoreFragments) != 0 || ip.FragmentOffset != 0 || ip.TimeToLive <= 1)
        {
            return null;
        }

        TcpPacket? tcp = ip.Extract<TcpPacket>();
        if (tcp is null || !_services.TryGetValue((vip, tcp.DestinationPort), out Service? service))
        {
            return null;
        }

        (IPAddress, ushort) key = (ip.SourceAddress, tcp.SourcePort);
        if (!_flows.TryGetValue(key, out Flow? flow) || flow.ExpiresAtMilliseconds <= nowMilliseconds)
        {
            if (!tcp.Synchronize || tcp.Acknowledgment || tcp.Finished || tcp.Reset)
            {
                return null;
            }

            flow = new Flow(service.Next());
            _flows[key] = flow;
        }

        flow.Packets++;
        flow.ExpiresAtMilliseconds = nowMilliseconds + EstablishedTimeoutMilliseconds;
        Target target = flow.RealServer;
        Port egress = _ports[target.Egress];
        if (target.Method == ForwardingMethod.Tunnel && ip.TotalLength + IPv4Packet.HeaderMinimumLength > egress.Options.Mtu)
        {
            return null;
        }

        if (!_neighbours.TryGetValue(target.Address, out PhysicalAddress? serverMac))
        {
            return null;
        }

        Forwarded++;
        if (target.Method == ForwardingMethod.Tunnel)
        {
            return Tunnel(ip, egress, serverMac, target.Address);
        }

        if (target.Method == ForwardingMethod.Masquerading)
        {
            ip.DestinationAddress = target.Address;
            ip.TimeToLive--;
            tcp.DestinationPort = target.Port;
            tcp.UpdateTcpChecksum();
            ip.UpdateIPChecksum();
        }

        ethernet.DestinationHardwareAddress = serverMac;
        ethernet.SourceHardwareAddress = egress.Mac;
        return ethernet.Bytes;
    }

    private static PhysicalAddress ToPhysical(MacAddress mac)
    {
        byte[] bytes = new byte[MacAddress.Length];
        mac.WriteTo(bytes);
        return new PhysicalAddress(bytes);
    }

    private static IPAddress ToIp(Ipv4Address address)
    {
        byte[] bytes = new byte[Ipv4Address.Length];
        address.WriteTo(bytes);
        return new IPAddress(bytes);
    }

    // TUN: a new IPv4 packet from the egress port's address to the RIP, whose payload packet is
    // the received one, in a new Ethernet packet. Setting the payload packet sets the total
    // length, and the protocol from the payload's type; an IPv4 payload is not one it knows (it
    // writes 59, "no next header"), so protocol 4 is set after it.
    private byte[] Tunnel(IPv4Packet inner, Port egress, PhysicalAddress serverMac, IPAddress realServer)
    {
        var outer = new IPv4Packet(egress.Address, realServer)
        {
            TypeOfService = inner.TypeOfService,
            Id = _nextIdentification++,
            FragmentFlags = inner.FragmentFlags & DontFragment,
            TimeToLive = IpInIp.OuterTimeToLive,
            PayloadPacket = inner,
        };
        outer.Protocol = PacketDotNet.ProtocolType.IPv4;
        outer.UpdateIPChecksum();
        return new EthernetPacket(egress.Mac, serverMac, EthernetType.IPv4) { PayloadPacket = outer }.Bytes;
    }

    private void Learn(PacketDotNet.ArpPacket? arp)
    {
        if (arp is not null
            && arp.Operation is PacketDotNet.ArpOperation.Request or PacketDotNet.ArpOperation.Response
            && !arp.SenderHardwareAddress.Equals(_mac)
            && _realServerAddresses.Contains(arp.SenderProtocolAddress))
        {
            _neighbours[arp.SenderProtocolAddress] = arp.SenderHardwareAddress;
        }
    }

    /// <summary>A director port: its options, and its MAC and address as PacketDotNet takes them.</summary>
    private sealed record Port(DirectorInterface Options, PhysicalAddress Mac, IPAddress Address);

    /// <summary>A real server: RIP, RPORT, forwarding method and the index of its egress port.</summary>
    private sealed record Target(IPAddress Address, ushort Port, ForwardingMethod Method, int Egress);

    private sealed class Service(Target[] realServers)
    {
        private int _next;

        public Target Next()
        {
            Target chosen = realServers[_next];
            _next = (_next + 1) % realServers.Length;
            return chosen;
        }
    }

    private sealed class Flow(Target realServer)
    {
        public Target RealServer { get; } = realServer;

        public long Packets { get; set; }

        public long ExpiresAtMilliseconds { get; set; }
    }
}
