using System.Collections.ObjectModel;
using LvsLab.Director.Connections;
using LvsLab.Director.Neighbours;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// The load-balancing engine of an LVS-DR director: one frame in, one decision out. It answers
/// ARP for the VIPs, schedules new connections to real servers, keeps the connection and
/// neighbour tables, and rewrites frames for direct routing. Pure: no I/O, no clock (time is
/// passed in), no allocation per frame. Not thread-safe: one capture loop owns an engine.
/// </summary>
public sealed class DirectorEngine
{
    /// <summary>Length of the ARP frames the engine writes (Ethernet header + ARP, no padding).</summary>
    public const int ArpFrameLength = EthernetFrame.HeaderLength + ArpPacket.Length;

    private readonly MacAddress _mac;
    private readonly Ipv4Address _address;
    private readonly ServiceRuntime[] _services;
    private readonly Dictionary<ServiceKey, ServiceRuntime> _serviceByKey = [];
    private readonly HashSet<Ipv4Address> _virtualAddresses = [];
    private readonly HashSet<Ipv4Address> _realServerAddresses = [];
    private long _nextExpirySweep;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">The director's MAC and DIP.</param>
    /// <param name="rules">The virtual services.</param>
    /// <exception cref="ArgumentException">The MAC is multicast or zero, or a service names an unsupported scheduler.</exception>
    public DirectorEngine(DirectorOptions options, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        if (options.Mac.IsMulticast || options.Mac == MacAddress.Zero)
        {
            throw new ArgumentException($"the director's MAC {options.Mac} must be a unicast address", nameof(options));
        }

        _mac = options.Mac;
        _address = options.Address;
        Rules = rules;
        Counters = new DirectorCounters(rules);
        Neighbours = new NeighbourTable();
        Connections = new ConnectionTable(options.Timeouts);

        var realServerAddresses = new List<Ipv4Address>();
        _services = new ServiceRuntime[rules.Services.Count];
        for (int i = 0; i < _services.Length; i++)
        {
            VirtualService service = rules.Services[i];
            var runtime = new ServiceRuntime(i, service);
            _services[i] = runtime;
            _serviceByKey.Add(new ServiceKey(service.Protocol, service.Address, service.Port), runtime);
            _virtualAddresses.Add(service.Address);
            foreach (RealServer server in service.RealServers)
            {
                if (_realServerAddresses.Add(server.Address))
                {
                    realServerAddresses.Add(server.Address);
                }
            }
        }

        RealServerAddresses = new ReadOnlyCollection<Ipv4Address>(realServerAddresses);
    }

    /// <summary>How often <see cref="Process"/> sweeps expired connections out of the table.</summary>
    public const long ExpirySweepIntervalMilliseconds = 1000;

    /// <summary>What the engine did so far.</summary>
    public DirectorCounters Counters { get; }

    /// <summary>Real servers' MAC addresses, learned from ARP.</summary>
    public NeighbourTable Neighbours { get; }

    /// <summary>Client connections and their real servers.</summary>
    public ConnectionTable Connections { get; }

    /// <summary>The virtual services.</summary>
    public RuleSet Rules { get; }

    /// <summary>The distinct real server IPs in rule order, to resolve at start-up.</summary>
    public IReadOnlyList<Ipv4Address> RealServerAddresses { get; }

    /// <summary>
    /// Decides what to do with one received frame and writes the frame to send, if any, into
    /// <paramref name="output"/>. Never throws; every frame is counted once in
    /// <see cref="Counters"/>.
    /// </summary>
    /// <param name="frame">The received Ethernet frame (without FCS).</param>
    /// <param name="output">A caller-owned buffer of at least <c>frame.Length + 64</c> bytes.</param>
    /// <param name="nowMilliseconds">The current time, for connection expiry and ARP rate limits.</param>
    /// <returns>The decision; for Forward and Reply, send the first Length bytes of <paramref name="output"/>.</returns>
    public Decision Process(ReadOnlySpan<byte> frame, Span<byte> output, long nowMilliseconds)
    {
        Counters.CountFrame();
        if (nowMilliseconds >= _nextExpirySweep)
        {
            // Expired connections are dropped lazily on lookup; a sweep at most once a second
            // also frees the ones no packet will ever look up again, so the table stays bounded.
            _nextExpirySweep = nowMilliseconds + ExpirySweepIntervalMilliseconds;
            Connections.RemoveExpired(nowMilliseconds);
        }

        Decision decision = Decide(frame, output, nowMilliseconds, out int serviceIndex, out int realServerIndex);
        switch (decision.Kind)
        {
            case DecisionKind.Forward:
                Counters.CountForward(serviceIndex, realServerIndex, decision.Length);
                break;
            case DecisionKind.Reply when decision.Reason == DropReason.NeighbourUnresolved:
                Counters.CountArpRequest();
                Counters.CountDrop(DropReason.NeighbourUnresolved);
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

    /// <summary>Writes a broadcast ARP request "who has <paramref name="target"/>? tell DIP".</summary>
    /// <param name="target">The address to resolve.</param>
    /// <param name="output">At least <see cref="ArpFrameLength"/> bytes.</param>
    /// <returns>The frame length, <see cref="ArpFrameLength"/>.</returns>
    /// <exception cref="ArgumentException">The output is too small.</exception>
    public int WriteArpRequest(Ipv4Address target, Span<byte> output)
    {
        if (output.Length < ArpFrameLength)
        {
            throw new ArgumentException($"the output needs at least {ArpFrameLength} bytes", nameof(output));
        }

        return WriteArp(output, ArpOperation.Request, MacAddress.Broadcast, _address, MacAddress.Zero, target);
    }

    private Decision Decide(ReadOnlySpan<byte> frame, Span<byte> output, long now, out int serviceIndex, out int realServerIndex)
    {
        serviceIndex = -1;
        realServerIndex = -1;
        if (frame.Length < EthernetFrame.HeaderLength)
        {
            return Decision.Drop(DropReason.TruncatedEthernet);
        }

        // Read the Ethernet header straight from the read-only input; only frames that concern
        // us are copied into the output buffer, where the rest of the work happens in place.
        MacAddress destination = MacAddress.ReadFrom(frame);
        MacAddress source = MacAddress.ReadFrom(frame[MacAddress.Length..]);
        if (source == _mac)
        {
            return Decision.Ignore;
        }

        ushort etherType = (ushort)((frame[12] << 8) | frame[13]);
        bool toUs = destination == _mac;
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

        frame.CopyTo(output);
        var ethernet = new EthernetFrame(output[..frame.Length]);
        return etherType == EtherType.Arp
            ? DecideArp(ethernet, output)
            : DecideIpv4(ethernet, output, now, out serviceIndex, out realServerIndex);
    }

    private Decision DecideArp(EthernetFrame ethernet, Span<byte> output)
    {
        if (!ArpPacket.TryRead(ethernet.Payload, out ArpPacket arp, out PacketError error))
        {
            return error == PacketError.Truncated ? Decision.Drop(DropReason.TruncatedArp) : Decision.Ignore;
        }

        Learn(arp);
        Ipv4Address target = arp.TargetProtocolAddress;
        if (arp.Operation != ArpOperation.Request || !_virtualAddresses.Contains(target))
        {
            return Decision.Ignore;
        }

        MacAddress askerMac = arp.SenderHardwareAddress;
        Ipv4Address askerIp = arp.SenderProtocolAddress;
        if (askerMac.IsMulticast || _virtualAddresses.Contains(askerIp))
        {
            // A nonsensical asker, or someone else announcing the VIP: do not answer.
            return Decision.Ignore;
        }

        // The request was copied into the output buffer; the reply overwrites it in place
        // (the fields needed were read into locals above).
        int length = WriteArp(output, ArpOperation.Reply, askerMac, target, askerMac, askerIp);
        return Decision.Reply(length);
    }

    private Decision DecideIpv4(EthernetFrame ethernet, Span<byte> output, long now, out int serviceIndex, out int realServerIndex)
    {
        serviceIndex = -1;
        realServerIndex = -1;
        if (!Ipv4Packet.TryRead(ethernet.Payload, out Ipv4Packet ip, out PacketError error))
        {
            return Decision.Drop(error switch
            {
                PacketError.Truncated => DropReason.TruncatedIpv4,
                PacketError.BadVersion => DropReason.BadIpVersion,
                PacketError.BadHeaderLength => DropReason.BadIpHeaderLength,
                _ => DropReason.BadIpTotalLength,
            });
        }

        Ipv4Address vip = ip.Destination;
        if (!_virtualAddresses.Contains(vip))
        {
            return Decision.Ignore;
        }

        if (!ip.IsHeaderChecksumValid)
        {
            return Decision.Drop(DropReason.BadIpChecksum);
        }

        if (ip.IsFragment)
        {
            return Decision.Drop(DropReason.Fragment);
        }

        if (ip.TimeToLive <= 1)
        {
            return Decision.Drop(DropReason.TtlExpired);
        }

        ServiceProtocol protocol;
        ushort clientPort;
        ushort virtualPort;
        TcpFlags flags = TcpFlags.None;
        if (ip.Protocol == IpProtocol.Tcp)
        {
            if (!TcpSegment.TryRead(ip.Payload, out TcpSegment tcp, out error))
            {
                return Decision.Drop(error == PacketError.Truncated ? DropReason.TruncatedTcp : DropReason.BadTcpDataOffset);
            }

            protocol = ServiceProtocol.Tcp;
            clientPort = tcp.SourcePort;
            virtualPort = tcp.DestinationPort;
            flags = tcp.Flags;
        }
        else if (ip.Protocol == IpProtocol.Udp)
        {
            if (!UdpDatagram.TryRead(ip.Payload, out UdpDatagram udp, out error))
            {
                return Decision.Drop(error == PacketError.Truncated ? DropReason.TruncatedUdp : DropReason.BadUdpLength);
            }

            protocol = ServiceProtocol.Udp;
            clientPort = udp.SourcePort;
            virtualPort = udp.DestinationPort;
        }
        else
        {
            return Decision.Drop(DropReason.NoService);
        }

        if (!_serviceByKey.TryGetValue(new ServiceKey(protocol, vip, virtualPort), out ServiceRuntime? service))
        {
            return Decision.Drop(DropReason.NoService);
        }

        var key = new ConnectionKey(protocol, ip.Source, clientPort, vip, virtualPort);
        if (!Connections.TryTouch(key, flags, now, out ConnectionEntry entry))
        {
            // As IPVS: only a bare SYN opens a TCP connection; UDP opens on any datagram.
            const TcpFlags OpeningMask = TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Rst;
            if (protocol == ServiceProtocol.Tcp && (flags & OpeningMask) != TcpFlags.Syn)
            {
                return Decision.Drop(DropReason.NoConnection);
            }

            int chosen = service.Scheduler.Select(service.Service.RealServers);
            if (chosen < 0)
            {
                return Decision.Drop(DropReason.NoRealServer);
            }

            entry = Connections.Create(key, service.Index, chosen, flags, now);
        }

        RealServer server = service.Service.RealServers[entry.RealServerIndex];
        if (server.ForwardingMethod != ForwardingMethod.DirectRouting)
        {
            return Decision.Drop(DropReason.UnsupportedForwardingMethod);
        }

        if (!Neighbours.TryGet(server.Address, out MacAddress serverMac))
        {
            // The connection entry stays, so a retransmission goes to the same server once
            // its MAC is known.
            if (!Neighbours.TryBeginResolution(server.Address, now))
            {
                return Decision.Drop(DropReason.NeighbourUnresolved);
            }

            int length = WriteArp(output, ArpOperation.Request, MacAddress.Broadcast, _address, MacAddress.Zero, server.Address);
            return new Decision(DecisionKind.Reply, length, DropReason.NeighbourUnresolved);
        }

        // Direct routing: the IP packet is untouched; only the MAC addresses change.
        ethernet.Destination = serverMac;
        ethernet.Source = _mac;
        serviceIndex = service.Index;
        realServerIndex = entry.RealServerIndex;
        return Decision.Forward(ethernet.Buffer.Length);
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
        LearnNeighbour(
            (ArpOperation)operation,
            MacAddress.ReadFrom(payload[8..]),
            Ipv4Address.ReadFrom(payload[14..]));
    }

    private void Learn(ArpPacket arp) =>
        LearnNeighbour(arp.Operation, arp.SenderHardwareAddress, arp.SenderProtocolAddress);

    // Only real servers are learned: they are the only neighbours the director sends to, and
    // it keeps the table bounded whatever arrives on the link. Requests (including
    // gratuitous ARP) and replies both tell the sender's current MAC.
    private void LearnNeighbour(ArpOperation operation, MacAddress senderMac, Ipv4Address senderIp)
    {
        if (operation is not (ArpOperation.Request or ArpOperation.Reply)
            || senderMac.IsMulticast
            || senderMac == MacAddress.Zero
            || senderMac == _mac
            || !_realServerAddresses.Contains(senderIp))
        {
            return;
        }

        Neighbours.Set(senderIp, senderMac);
    }

    private int WriteArp(
        Span<byte> output,
        ArpOperation operation,
        MacAddress ethernetDestination,
        Ipv4Address senderIp,
        MacAddress targetMac,
        Ipv4Address targetIp)
    {
        var ethernet = new EthernetFrame(output[..ArpFrameLength])
        {
            Destination = ethernetDestination,
            Source = _mac,
            EtherType = EtherType.Arp,
        };
        ArpPacket.Write(ethernet.Payload, operation, _mac, senderIp, targetMac, targetIp);
        return ArpFrameLength;
    }
}
