using LvsLab.Director.Arp;
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
    ConnectionOpener connections,
    NeighbourResolver resolver,
    TunnelEncapsulator tunnel,
    FragmentationNeededSender fragmentationNeeded,
    IcmpErrorForwarder icmp)
{
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

        int serverIndex = connections.FindOrOpen(service, ip.Source, vip, transport, now);
        if (serverIndex < 0)
        {
            return Decision.Drop(serverIndex == ConnectionOpener.NoConnection ? DropReason.NoConnection : DropReason.NoRealServer);
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
            NatRewriter.RewriteDestination(copy, server.Address.Ipv4, ConnectionOpener.PortOf(server, transport));
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
}
