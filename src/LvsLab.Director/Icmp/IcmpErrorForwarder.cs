using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Rules;
using LvsLab.Director.Tunnel;
using LvsLab.Packets;

namespace LvsLab.Director.Icmp;

/// <summary>ICMP errors about a connection, in either direction, forwarded as IPVS does.</summary>
internal sealed class IcmpErrorForwarder(EngineContext context, NeighbourResolver resolver, TunnelEncapsulator tunnel)
{
    /// <summary>
    /// An ICMP error to a VIP about a connection (as IPVS's ip_vs_in_icmp): it quotes a packet
    /// VIP:VPORT -> CIP:CPORT that did not reach the client (a router on the way says
    /// "unreachable", "fragmentation needed", "time exceeded"), and goes to that connection's
    /// real server, which sent the packet: DR rewrites the MACs, TUN wraps it, NAT rewrites the
    /// outer destination and the quoted source to RIP:RPORT. Other ICMP to the VIP (echo) has
    /// no service.
    /// </summary>
    public Decision Inbound(Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryReadQuoted(ip, notAnErrorReason: DropReason.NoService, out IcmpErrorMessage icmp, out ServiceProtocol protocol, out Decision instead))
        {
            return instead;
        }

        var key = new ConnectionKey(
            protocol,
            icmp.QuotedDestination,
            icmp.QuotedDestinationPort,
            icmp.QuotedSource,
            icmp.QuotedSourcePort);
        if (icmp.QuotedSource != ip.Destination || !context.Connections.TryGet(key, now, out ConnectionEntry entry))
        {
            return Decision.Drop(DropReason.NoConnection);
        }

        RealServer server = rules.Services[entry.ServiceIndex].Servers[entry.RealServerIndex];
        if (!context.Interfaces.TryRouteToRealServer(server, out int egress, out IpAddress nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (server.ForwardingMethod == ForwardingMethod.Tunnel && !tunnel.Fits(ip.TotalLength, egress, server.Address))
        {
            // An ICMP error is never answered with another one (RFC 1122 3.2.2).
            return Decision.Drop(DropReason.TooBig);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: false);
        if (server.ForwardingMethod == ForwardingMethod.Tunnel)
        {
            return tunnel.Wrap(ip.Buffer, innerIsIpv6: false, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        Ipv4Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            IcmpErrorMessage.RewriteInbound(copy, entry.RealServerAddress.Ipv4, entry.RealServerPort);
            copy.DecrementTimeToLive();
        }

        return Decision.Forward(input.Length, egress);
    }

    /// <summary>
    /// An ICMP error from a NAT real server about a connection (as IPVS's ip_vs_out_icmp): it
    /// quotes CIP:CPORT -> RIP:RPORT (say, "port unreachable") and goes to the client with the
    /// outer source and the quoted destination rewritten to VIP:VPORT, so the real server's
    /// address never leaks. Other ICMP from a real server is not ours.
    /// </summary>
    public Decision Outbound(Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryReadQuoted(ip, notAnErrorReason: DropReason.None, out IcmpErrorMessage icmp, out ServiceProtocol protocol, out Decision instead))
        {
            return instead;
        }

        var replyKey = new ReplyKey(
            protocol,
            icmp.QuotedDestination,
            icmp.QuotedDestinationPort,
            icmp.QuotedSource,
            icmp.QuotedSourcePort);
        if (icmp.QuotedDestination != ip.Source || !context.Connections.TryGetReply(replyKey, now, out ConnectionKey key, out ConnectionEntry entry))
        {
            return Decision.Ignore;
        }

        if (!context.Interfaces.TryRoute(ip.Destination, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        Ipv4Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        IcmpErrorMessage.RewriteOutbound(copy, key.VirtualAddress.Ipv4, key.VirtualPort);
        copy.DecrementTimeToLive();
        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(input.Length, egress);
    }

    // Reads an ICMP error and the protocol of the packet it quotes; false with what to do
    // instead: a drop, or (notAnErrorReason None) ignoring a message that is no error of ours.
    private bool TryReadQuoted(Ipv4Packet ip, DropReason notAnErrorReason, out IcmpErrorMessage icmp, out ServiceProtocol protocol, out Decision instead)
    {
        protocol = default;
        if (!TryReadIcmpError(ip, out icmp, out DropReason reason, notAnErrorReason))
        {
            instead = reason == DropReason.None ? Decision.Ignore : Decision.Drop(reason);
            return false;
        }

        if ((context.Faults & DirectorFaults.IcmpDropped) != 0)
        {
            instead = Decision.Drop(DropReason.NoConnection);
            return false;
        }

        protocol = icmp.QuotedProtocol == IpProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
        instead = default;
        return true;
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
}
