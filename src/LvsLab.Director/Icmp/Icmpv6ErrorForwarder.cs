using System.Buffers.Binary;
using LvsLab.Director.Arp;
using LvsLab.Director.Connections;
using LvsLab.Director.Framing;
using LvsLab.Director.Rules;
using LvsLab.Director.Tunnel;
using LvsLab.Packets;

namespace LvsLab.Director.Icmp;

/// <summary>
/// ICMPv6 errors about a connection, as IPVS relays them (<c>ip_vs_in_icmp_v6</c>,
/// <c>ip_vs_out_icmp_v6</c>): an error to a VIP6 that quotes a packet of a connection (say, a
/// router's "packet too big" about a reply a DR real server sent from the VIP6) goes to that
/// connection's real server as its other packets do (DR: MACs; TUN: wrapped; NAT: the outer
/// destination and the quoted source rewritten to RIP6:RPORT); an error from a NAT real server
/// about a connection goes to the client with the outer source and the quoted destination
/// rewritten to VIP6:VPORT, so the real server's address never leaks. A rewritten message's
/// ICMPv6 checksum is computed afresh over the new pseudo-header; its hop limit is one lower.
/// </summary>
internal sealed class Icmpv6ErrorForwarder(EngineContext context, NeighbourResolver resolver, TunnelEncapsulator tunnel)
{
    private const int QuoteOffset = Icmpv6Message.MinLength;
    private const int QuotedSourceOffset = QuoteOffset + 8;
    private const int QuotedDestinationOffset = QuoteOffset + 24;

    public Decision Inbound(Span<byte> input, Ipv6Packet ip, in Ipv6ExtensionHeaders headers, Span<byte> output, long now, CompiledRules rules, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryRead(ip, headers, notAnErrorReason: DropReason.NoService, out Icmpv6ErrorMessage icmp, out ServiceProtocol protocol, out Decision instead))
        {
            return instead;
        }

        var key = new ConnectionKey(protocol, icmp.QuotedDestination, icmp.QuotedDestinationPort, icmp.QuotedSource, icmp.QuotedSourcePort);
        if (icmp.QuotedSource != ip.Destination || !context.Connections.TryGet(key, now, out ConnectionEntry entry))
        {
            return Decision.Drop(DropReason.NoConnection);
        }

        RealServer server = rules.Services[entry.ServiceIndex].Servers[entry.RealServerIndex];
        if (!context.Interfaces.TryRouteToRealServer(server, out int egress, out IpAddress nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (server.ForwardingMethod == ForwardingMethod.Tunnel && !tunnel.Fits(ip.Buffer.Length, egress, server.Address))
        {
            // An ICMPv6 error is never answered with another one (RFC 4443 §2.4(e)).
            return Decision.Drop(DropReason.TooBig);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: false);
        if (server.ForwardingMethod == ForwardingMethod.Tunnel)
        {
            return tunnel.Wrap(ip.Buffer, innerIsIpv6: true, egress, nextHopMac, server.Address, output, ref forwarding);
        }

        Ipv6Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        if (server.ForwardingMethod == ForwardingMethod.Masquerading)
        {
            Ipv6Address rip = entry.RealServerAddress.Ipv6;
            copy.Destination = rip;
            Span<byte> message = copy.Buffer[headers.UpperLayerOffset..];
            rip.WriteTo(message[QuotedSourceOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(message[(QuoteOffset + icmp.QuotedTransportOffset)..], entry.RealServerPort);
            Finish(copy, message);
        }

        return Decision.Forward(input.Length, egress);
    }

    public Decision Outbound(Span<byte> input, Ipv6Packet ip, in Ipv6ExtensionHeaders headers, Span<byte> output, long now, out Forwarding forwarding)
    {
        forwarding = default;
        if (!TryRead(ip, headers, notAnErrorReason: DropReason.None, out Icmpv6ErrorMessage icmp, out ServiceProtocol protocol, out Decision instead))
        {
            return instead;
        }

        var replyKey = new ReplyKey(protocol, icmp.QuotedDestination, icmp.QuotedDestinationPort, icmp.QuotedSource, icmp.QuotedSourcePort);
        if (icmp.QuotedDestination != ip.Source || !context.Connections.TryGetReply(replyKey, now, out ConnectionKey key, out ConnectionEntry entry))
        {
            return Decision.Ignore;
        }

        if (!context.Interfaces.TryRoute(ip.Destination, out int egress, out Ipv6Address nextHop))
        {
            return Decision.Drop(DropReason.NoRoute);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        Ipv6Packet copy = FrameWriter.CopyTo(input, ip, output, nextHopMac, context.Interfaces[egress].Mac);
        Ipv6Address vip = key.VirtualAddress.Ipv6;
        copy.Source = vip;
        Span<byte> message = copy.Buffer[headers.UpperLayerOffset..];
        vip.WriteTo(message[QuotedDestinationOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[(QuoteOffset + icmp.QuotedTransportOffset + 2)..], key.VirtualPort);
        Finish(copy, message);
        forwarding = new Forwarding(entry.ServiceIndex, entry.RealServerIndex, IsReply: true);
        return Decision.Forward(input.Length, egress);
    }

    // The hop the director makes, and the checksum over the rewritten pseudo-header and message.
    private static void Finish(Ipv6Packet copy, Span<byte> message)
    {
        copy.DecrementHopLimit();
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum.ComputeTransport(copy.Source, copy.Destination, IpProtocol.Icmpv6, message));
    }

    // An ICMPv6 error about a TCP or UDP packet with a valid checksum; otherwise what to do instead.
    private bool TryRead(Ipv6Packet ip, in Ipv6ExtensionHeaders headers, DropReason notAnErrorReason, out Icmpv6ErrorMessage icmp, out ServiceProtocol protocol, out Decision instead)
    {
        protocol = default;
        icmp = default;
        PacketError error = PacketError.Truncated;
        if (headers.UpperLayerOffset > ip.Buffer.Length
            || !Icmpv6ErrorMessage.TryRead(ip.Buffer[headers.UpperLayerOffset..], out icmp, out error))
        {
            instead = error == PacketError.NotIcmpError
                ? (notAnErrorReason == DropReason.None ? Decision.Ignore : Decision.Drop(notAnErrorReason))
                : Decision.Drop(DropReason.MalformedIcmpError);
            return false;
        }

        if (!icmp.HasQuotedPorts)
        {
            instead = notAnErrorReason == DropReason.None ? Decision.Ignore : Decision.Drop(DropReason.NoService);
            return false;
        }

        if (!icmp.IsChecksumValid(ip.Source, ip.Destination))
        {
            instead = Decision.Drop(DropReason.BadIcmpChecksum);
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
}
