using LvsLab.Director.Arp;
using LvsLab.Director.Framing;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Icmp;

/// <summary>
/// Path MTU over IPv6, as IPVS's tunnel (<c>__mtu_check_toobig_v6</c>): a packet that no longer
/// fits the egress interface once wrapped is answered with an ICMPv6 "packet too big" to the
/// client (IPv6 routers never fragment), from the ingress interface's IPv6 address, quoting as
/// much of the packet as fits 1,280 bytes and giving the largest inner packet the tunnel takes.
/// Never to an unspecified, multicast, own or virtual source.
/// </summary>
internal sealed class PacketTooBigSender(EngineContext context, NeighbourResolver resolver)
{
    public Decision Send(int ingress, Ipv6Packet ip, int mtu, Span<byte> output, long now, CompiledRules rules)
    {
        Ipv6Address client = ip.Source;
        ref readonly var nic = ref context.Interfaces[ingress];
        if (!nic.HasIpv6
            || client.IsUnspecified || client.IsMulticast || client.IsLoopback
            || rules.IsOwnOrVirtual(client)
            || !context.Interfaces.TryRoute(client, out int egress, out Ipv6Address nextHop))
        {
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        int length = EthernetFrame.HeaderLength + Icmpv6Error.LengthFor(ip);
        if (output.Length < length)
        {
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        if (!Icmpv6Error.TryWritePacketTooBig(ip.Buffer, nic.Address6, (uint)Math.Max(mtu, Ipv6Packet.MinimumMtu), output[EthernetFrame.HeaderLength..], out int written, out _))
        {
            // Not reached: the packet was validated and the output is large enough.
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        FrameWriter.WriteHeader(output, nextHopMac, context.Interfaces[egress].Mac, EtherType.Ipv6);
        return Decision.IcmpError(EthernetFrame.HeaderLength + written, egress);
    }
}
