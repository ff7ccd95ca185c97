using System.Net;
using System.Net.NetworkInformation;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using PacketDotNet;

namespace LvsLab.Benchmarks;

/// <summary>
/// The director's DR path written the PacketDotNet way, for comparison with
/// <see cref="LvsLab.Director.DirectorEngine"/>: parse the frame into packet objects, extract the
/// IPv4 and TCP packets, decide with the same checks and the same number of hash lookups as the
/// engine (VIP set, service, connection, neighbour), set the two MAC addresses and take the
/// frame's bytes. Neighbours are learned from ARP replies and connections are opened by a bare
/// SYN with round robin, as in the engine. DR with TCP only: enough for the benchmark, no more.
/// </summary>
internal sealed class PacketDotNetForwarder
{
    /// <summary>The engine's default TCP established timeout.</summary>
    private const long EstablishedTimeoutMilliseconds = 900_000;

    private readonly PhysicalAddress _mac;
    private readonly HashSet<IPAddress> _virtualAddresses = [];
    private readonly HashSet<IPAddress> _realServerAddresses = [];
    private readonly Dictionary<(IPAddress Address, ushort Port), Service> _services = [];
    private readonly Dictionary<(IPAddress Address, ushort Port), Flow> _flows = [];
    private readonly Dictionary<IPAddress, PhysicalAddress> _neighbours = [];

    public PacketDotNetForwarder(MacAddress mac, RuleSet rules)
    {
        _mac = ToPhysical(mac);
        foreach (VirtualService service in rules.Services)
        {
            IPAddress vip = ToIp(service.Address);
            var realServers = new IPAddress[service.RealServers.Count];
            for (int i = 0; i < realServers.Length; i++)
            {
                realServers[i] = ToIp(service.RealServers[i].Address);
                _realServerAddresses.Add(realServers[i]);
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

    /// <summary>
    /// Handles one received frame. PacketDotNet parses over the array it is given and writes
    /// the new MACs into it, so <paramref name="frame"/> is this forwarder's own buffer.
    /// </summary>
    /// <param name="frame">The frame, in a buffer the forwarder may rewrite.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>The frame to send to the real server, or null when there is none.</returns>
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

        const int MoreFragments = 0x1;
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
        if (!_neighbours.TryGetValue(flow.RealServer, out PhysicalAddress? serverMac))
        {
            return null;
        }

        ethernet.DestinationHardwareAddress = serverMac;
        ethernet.SourceHardwareAddress = _mac;
        Forwarded++;
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

    private sealed class Service(IPAddress[] realServers)
    {
        private int _next;

        public IPAddress Next()
        {
            IPAddress chosen = realServers[_next];
            _next = (_next + 1) % realServers.Length;
            return chosen;
        }
    }

    private sealed class Flow(IPAddress realServer)
    {
        public IPAddress RealServer { get; } = realServer;

        public long Packets { get; set; }

        public long ExpiresAtMilliseconds { get; set; }
    }
}
