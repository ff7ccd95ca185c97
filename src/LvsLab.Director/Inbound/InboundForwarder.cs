using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Icmp;
using LvsLab.Director.Rules;
using LvsLab.Director.Tunnel;
using LvsLab.Packets;

namespace LvsLab.Director.Inbound;

/// <summary>
/// Client to real server: a packet to a VIP (or one a mark service takes) follows its
/// connection, or opens one on a scheduled real server, and goes out rewritten for direct
/// routing (<c>-g</c>: only the MACs change), NAT (<c>-m</c>: the destination becomes
/// RIP:RPORT) or tunnelling (<c>-i</c>: wrapped in IP-in-IP).
/// </summary>
internal sealed class InboundForwarder(
    EngineContext context,
    ServiceScheduler scheduler,
    NeighbourResolver resolver,
    TunnelEncapsulator tunnel,
    FragmentationNeededSender fragmentationNeeded,
    IcmpErrorForwarder icmp)
{
    private const TcpFlags OpeningMask = TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Rst;

    public Decision Decide(int ingress, Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = PacketChecks.CheckForwardable(ip, context.Faults);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (ip.Protocol == IpProtocol.Icmp)
        {
            return icmp.Inbound(input, ip, output, now, rules, out forwarding);
        }

        reason = PacketChecks.ReadTransport(ip, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        Ipv4Address vip = ip.Destination;
        if (!supported || !rules.TryFindService(transport.Protocol, vip, transport.DestinationPort, out ServiceRuntime? service))
        {
            return Decision.Drop(DropReason.NoService);
        }

        int serverIndex = FindOrOpenConnection(service, ip, transport, now);
        if (serverIndex < 0)
        {
            return Decision.Drop(serverIndex == NoConnection ? DropReason.NoConnection : DropReason.NoRealServer);
        }

        RealServer server = service.Servers[serverIndex];
        if (server.ForwardingMethod is not (ForwardingMethod.DirectRouting or ForwardingMethod.Masquerading or ForwardingMethod.Tunnel))
        {
            return Decision.Drop(DropReason.UnsupportedForwardingMethod);
        }

        // Direct routing: the IP packet still says VIP, so the real server must be on one of our
        // links; NAT and tunnelling reach the RIP wherever the routes lead.
        if (!context.Interfaces.TryRouteToRealServer(server, out int egress, out IpAddress nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        // As IPVS (ensure_mtu_is_adequate): the wrapped packet must fit the egress interface.
        // Checked before the next hop is resolved: the answer does not depend on it.
        if (server.ForwardingMethod == ForwardingMethod.Tunnel && !tunnel.Fits(ip.TotalLength, egress, server.Address))
        {
            // IPVS would let the stack fragment a DF-clear packet; this engine does not
            // fragment, so that packet is dropped.
            return ip.DontFragment && (context.Faults & DirectorFaults.FragmentationSilent) == 0
                ? fragmentationNeeded.Send(ingress, ip, tunnel.InnerMtu(egress, server.Address), output, now, rules)
                : Decision.Drop(DropReason.TooBig);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            // The connection entry stays, so a retransmission goes to the same server once
            // its MAC is known.
            return resolving;
        }

        forwarding = new Forwarding(service.Index, serverIndex, IsReply: false);
        if (server.ForwardingMethod == ForwardingMethod.Tunnel)
        {
            return tunnel.Wrap(ip.Buffer, innerIsIpv6: false, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        DirectorFaults faults = context.Faults;
        ref readonly var nic = ref context.Interfaces[egress];
        MacAddress source = (faults & DirectorFaults.DrSourceMac) != 0 && server.ForwardingMethod == ForwardingMethod.DirectRouting ? new EthernetFrame(input).Source : nic.Mac;
        Ipv4Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, source);
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            // Same offsets as the validated input; only the copy is written.
            NatRewriter.RewriteDestination(copy, server.Address.Ipv4, PortOf(server, transport));
            if (faults != DirectorFaults.None)
            {
                DirectorFaultInjector.AfterNatRequest(faults, ip, copy, nic.Address);
            }
        }
        else if (faults != DirectorFaults.None)
        {
            DirectorFaultInjector.AfterDirectRouting(faults, copy, nic.Address);
        }

        // Direct routing: the IP packet is untouched; only the MAC addresses change.
        return Decision.Forward(input.Length, egress);
    }

    private const int NoConnection = -2;

    // The real server the packet goes to: its connection's, or a newly scheduled one's (the
    // connection recorded unless one-packet). -1: no real server can take it; NoConnection: a
    // TCP segment other than a bare SYN with no connection.
    private int FindOrOpenConnection(ServiceRuntime service, Ipv4Packet ip, in Transport transport, long now)
    {
        ConnectionTable connections = context.Connections;
        Ipv4Address vip = ip.Destination;
        var key = new ConnectionKey(transport.Protocol, ip.Source, transport.SourcePort, vip, transport.DestinationPort);

        // One-packet scheduling (-o): every UDP datagram is scheduled on its own and leaves no
        // connection entry behind (IPVS frees its entry at once).
        bool onePacket = service.OnePacket && transport.Protocol == ServiceProtocol.Udp;

        // A bare SYN on a connection that is closing or closed is a new connection reusing the
        // client's port: as IPVS does (conn_reuse_mode 1), the old entry goes and the SYN is
        // scheduled afresh instead of following the old one to its server.
        if (transport.Protocol == ServiceProtocol.Tcp
            && (transport.Flags & OpeningMask) == TcpFlags.Syn
            && connections.TryGet(key, now, out ConnectionEntry old)
            && old.State is not (ConnectionState.SynReceived or ConnectionState.Established))
        {
            connections.Remove(key);
        }

        if (!onePacket && connections.TryTouch(key, transport.Flags, now, out ConnectionEntry entry))
        {
            return entry.RealServerIndex;
        }

        // As IPVS: only a bare SYN opens a TCP connection (with sloppy_tcp any segment but a
        // RST); UDP opens on any datagram.
        if (transport.Protocol == ServiceProtocol.Tcp
            && (context.Options.SloppyTcp ? (transport.Flags & TcpFlags.Rst) != 0 : (transport.Flags & OpeningMask) != TcpFlags.Syn))
        {
            return NoConnection;
        }

        int serverIndex = scheduler.Schedule(service, ip.Source, transport, vip, now, out PersistenceKey? persistence);
        if (serverIndex < 0)
        {
            return -1;
        }

        context.Counters.CountConnection(service.Index, serverIndex);
        RealServer chosen = service.Servers[serverIndex];
        if (!onePacket)
        {
            _ = chosen.ForwardingMethod == ForwardingMethod.Masquerading
                ? connections.CreateMasqueraded(
                    key, service.Index, serverIndex, chosen.Address, PortOf(chosen, transport), transport.Flags, now, persistence)
                : connections.Create(key, service.Index, serverIndex, transport.Flags, now, persistence);
        }

        return serverIndex;
    }

    // A real server without a port (an all-ports service's) keeps the packet's destination port.
    private static ushort PortOf(RealServer server, in Transport transport) =>
        server.Port != 0 ? server.Port : transport.DestinationPort;
}
