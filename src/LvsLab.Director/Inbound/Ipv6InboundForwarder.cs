using LvsLab.Director.Arp;
using LvsLab.Director.Framing;
using LvsLab.Director.Icmp;
using LvsLab.Director.Rules;
using LvsLab.Director.Tunnel;
using LvsLab.Packets;

namespace LvsLab.Director.Inbound;

/// <summary>
/// Client to real server over IPv6: a packet to an IPv6 VIP follows its connection, or opens one
/// on a scheduled real server, and goes out for direct routing (<c>-g</c>: only the MACs change;
/// the IPv6 header, hop limit included, untouched), NAT (<c>-m</c>: the destination becomes
/// RIP:RPORT, the hop limit one lower, the checksum updated over the pseudo-header) or
/// tunnelling (<c>-i</c>: wrapped in IPv6, next header 41). Extension headers are passed over to
/// the transport header; fragments are dropped, as in IPv4.
/// </summary>
internal sealed class Ipv6InboundForwarder(
    EngineContext context,
    ConnectionOpener connections,
    NeighbourResolver resolver,
    TunnelEncapsulator tunnel,
    PacketTooBigSender packetTooBig,
    Icmpv6ErrorForwarder icmp)
{
    public Decision Decide(int ingress, Span<byte> input, Ipv6Packet ip, in Ipv6ExtensionHeaders headers, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = Ipv6Checks.CheckForwardable(ip, headers);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (headers.UpperLayerProtocol == IpProtocol.Icmpv6)
        {
            return icmp.Inbound(input, ip, headers, output, now, rules, out forwarding);
        }

        reason = Ipv6Checks.ReadTransport(ip, headers, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        IpAddress vip = ip.Destination;
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
        if (server.ForwardingMethod is not (ForwardingMethod.DirectRouting or ForwardingMethod.Masquerading or ForwardingMethod.Tunnel)
            || (server.Address.IsIpv4 && server.ForwardingMethod != ForwardingMethod.Tunnel))
        {
            return Decision.Drop(DropReason.UnsupportedForwardingMethod);
        }

        if (!context.Interfaces.TryRouteToRealServer(server, out int egress, out IpAddress nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (server.ForwardingMethod == ForwardingMethod.Tunnel && !tunnel.Fits(ip.Buffer.Length, egress, server.Address))
        {
            return packetTooBig.Send(ingress, ip, tunnel.InnerMtu(egress, server.Address), output, now, rules);
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
            return tunnel.Wrap(ip.Buffer, innerIsIpv6: true, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        DirectorFaults faults = context.Faults;
        MacAddress source = (faults & DirectorFaults.DrSourceMac) != 0 && server.ForwardingMethod == ForwardingMethod.DirectRouting
            ? new EthernetFrame(input).Source
            : context.Interfaces[egress].Mac;
        Ipv6Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, source);
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            Ipv6NatRewriter.RewriteDestination(copy, headers.UpperLayerOffset, headers.UpperLayerProtocol, server.Address.Ipv6, ConnectionOpener.PortOf(server, transport));
            if (faults != DirectorFaults.None)
            {
                DirectorFaultInjector.AfterNatRequest(faults, ip, copy, headers.UpperLayerOffset, headers.UpperLayerProtocol);
            }
        }
        else if (faults != DirectorFaults.None)
        {
            DirectorFaultInjector.AfterDirectRouting(faults, copy);
        }

        // Direct routing: the IPv6 packet is untouched; only the MAC addresses change.
        return Decision.Forward(input.Length, egress);
    }
}
