using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Icmp;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.NatReturn;

/// <summary>
/// Real server to client over IPv6, for NAT: a reply from RIP:RPORT on a masqueraded
/// connection goes to the client with its source rewritten to VIP:VPORT, the hop limit one lower
/// and the checksum updated; one from a NAT endpoint without a connection is dropped (forwarding
/// it would leak the real server's address); anything else from a real server is not ours.
/// </summary>
internal sealed class Ipv6NatReturnForwarder(EngineContext context, NeighbourResolver resolver, Icmpv6ErrorForwarder icmp, ReplyFinder replies)
{
    public Decision Decide(Span<byte> input, Ipv6Packet ip, in Ipv6ExtensionHeaders headers, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        DropReason reason = Ipv6Checks.CheckForwardable(ip, headers);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (headers.UpperLayerProtocol == IpProtocol.Icmpv6)
        {
            return icmp.Outbound(input, ip, headers, output, now, out forwarding);
        }

        reason = Ipv6Checks.ReadTransport(ip, headers, out bool supported, out Transport transport);
        if (reason != DropReason.None)
        {
            return Decision.Drop(reason);
        }

        if (!supported)
        {
            return Decision.Ignore;
        }

        return replies.TryFind(ip.Source, ip.Destination, transport, now, rules, out ConnectionKey key, out ConnectionEntry entry, out Decision instead)
            ? ForwardReply(input, ip, headers, key, entry, output, now, out forwarding)
            : instead;
    }

    private Decision ForwardReply(Span<byte> input, Ipv6Packet ip, in Ipv6ExtensionHeaders headers, in ConnectionKey key, in ConnectionEntry entry, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!context.Interfaces.TryRoute(key.ClientAddress.Ipv6, out int egress, out Ipv6Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        Ipv6Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        if ((context.Faults & DirectorFaults.NatReplyUnmapped) == 0)
        {
            Ipv6NatRewriter.RewriteSource(copy, headers.UpperLayerOffset, headers.UpperLayerProtocol, key.VirtualAddress.Ipv6, key.VirtualPort);
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(input.Length, egress);
    }
}
