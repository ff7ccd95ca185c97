using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Icmp;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.NatReturn;

/// <summary>
/// NAT, real server to client: a packet from a NAT real server that belongs to a connection (or
/// to a one-packet service) goes to its client with the source RIP:RPORT rewritten to the
/// connection's VIP:VPORT; one from a service's endpoint without a connection is dropped, so the
/// real server's address never leaks.
/// </summary>
internal sealed class NatReturnForwarder(EngineContext context, NeighbourResolver resolver, IcmpErrorForwarder icmp, ReplyFinder replies)
{
    public Decision Decide(Span<byte> input, Ipv4Packet ip, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = PacketChecks.CheckForwardable(ip, context.Faults);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (ip.Protocol == IpProtocol.Icmp)
        {
            return icmp.Outbound(input, ip, output, now, out forwarding);
        }

        reason = PacketChecks.ReadTransport(ip, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (!supported)
        {
            return Decision.Ignore;
        }

        return replies.TryFind(ip.Source, ip.Destination, transport, now, rules, out ConnectionKey key, out ConnectionEntry entry, out Decision instead)
            ? ForwardReply(input, ip, key, entry, output, now, out forwarding)
            : instead;
    }

    // The source RIP:RPORT becomes the connection's VIP:VPORT.
    private Decision ForwardReply(Span<byte> input, Ipv4Packet ip, in ConnectionKey key, in ConnectionEntry entry, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!context.Interfaces.TryRoute(key.ClientAddress.Ipv4, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        Ipv4Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        if ((context.Faults & DirectorFaults.NatReplyUnmapped) == 0)
        {
            NatRewriter.RewriteSource(copy, key.VirtualAddress.Ipv4, key.VirtualPort);
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(input.Length, egress);
    }
}
