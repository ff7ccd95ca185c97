using LvsLab.Director.Arp;
using LvsLab.Director.Framing;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Icmp;

/// <summary>
/// ICMP "fragmentation needed" to the client in place of a packet that does not fit the
/// tunnel, from the ingress interface's address, out the interface that routes to the client.
/// Not sent about a source that is no single host (RFC 1122 3.2.2: zero, loopback, multicast,
/// class E, limited or an interface's directed broadcast) or one of our own or virtual
/// addresses, nor when there is no route back: the frame is then only dropped. Not
/// rate-limited (Linux limits ICMP errors per destination); each one answers one client frame
/// and is shorter than it.
/// </summary>
internal sealed class FragmentationNeededSender(EngineContext context, NeighbourResolver resolver)
{
    public Decision Send(int ingress, Ipv4Packet ip, int nextHopMtu, Span<byte> output, long now, CompiledRules rules)
    {
        Ipv4Address client = ip.Source;
        if (!context.Interfaces.IsSingleHost(client) || rules.IsOwnOrVirtual(client) || !context.Interfaces.TryRoute(client, out int egress, out Ipv4Address nextHop))
        {
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        if (!resolver.TryResolve(egress, nextHop, output, now, out MacAddress nextHopMac, out Decision resolving))
        {
            return resolving;
        }

        int length = EthernetFrame.HeaderLength + IcmpError.LengthFor(ip);
        if (output.Length < length)
        {
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        if (!IcmpError.TryWriteFragmentationNeeded(
            ip.Buffer, context.Interfaces[ingress].Address, (ushort)nextHopMtu, output[EthernetFrame.HeaderLength..], out int written, out _, context.NextIdentification()))
        {
            // Not reached: the packet was validated and the output is large enough.
            return Decision.Drop(DropReason.FragmentationNeeded);
        }

        FrameWriter.WriteIpv4Header(output, nextHopMac, context.Interfaces[egress].Mac);
        return Decision.IcmpError(EthernetFrame.HeaderLength + written, egress);
    }
}
