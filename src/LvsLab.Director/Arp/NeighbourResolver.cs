using System.Runtime.CompilerServices;
using LvsLab.Director.Framing;
using LvsLab.Packets;

namespace LvsLab.Director.Arp;

/// <summary>
/// The next hop's MAC from the neighbour table, or a request for it in the frame's place: a
/// broadcast ARP request for an IPv4 next hop, a neighbour solicitation to the solicited-node
/// multicast group for an IPv6 one (RFC 4861 §7.2.2), at most one per address per
/// <see cref="Neighbours.NeighbourTable.ResolutionIntervalMilliseconds"/>.
/// </summary>
internal sealed class NeighbourResolver(EngineContext context)
{
    /// <summary>True with the next hop's MAC; otherwise the decision to take instead (a request sent, or a drop while one is pending).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryResolve(int egress, IpAddress nextHop, Span<byte> output, long now, out MacAddress mac, out Decision instead)
    {
        if (context.Neighbours.TryGet(nextHop, out mac))
        {
            instead = default;
            return true;
        }

        instead = WriteRequest(egress, nextHop, output, now);
        return false;
    }

    private Decision WriteRequest(int egress, IpAddress nextHop, Span<byte> output, long now)
    {
        ref readonly var nic = ref context.Interfaces[egress];
        if (nextHop.IsIpv6 && (!nic.HasIpv6 || output.Length < NeighbourSolicitation.FrameLength))
        {
            return Decision.Drop(DropReason.NeighbourUnresolved);
        }

        if (!context.Neighbours.TryBeginResolution(nextHop, now))
        {
            return Decision.Drop(DropReason.NeighbourUnresolved);
        }

        int length = nextHop.IsIpv4
            ? FrameWriter.WriteArp(output, nic.Mac, ArpOperation.Request, MacAddress.Broadcast, nic.Address, MacAddress.Zero, nextHop.Ipv4)
            : NeighbourSolicitation.WriteFrame(output, nic.Mac, nic.Address6, nextHop.Ipv6);
        return Decision.ArpRequest(length, egress);
    }
}
