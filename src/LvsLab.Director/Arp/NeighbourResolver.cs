using System.Runtime.CompilerServices;
using LvsLab.Director.Framing;
using LvsLab.Packets;

namespace LvsLab.Director.Arp;

/// <summary>
/// A next hop's MAC for a frame about to go out, or the ARP request to send in the frame's
/// place (at most one per neighbour per retry interval: <see cref="Neighbours.NeighbourTable.TryBeginResolution"/>).
/// </summary>
internal sealed class NeighbourResolver(EngineContext context)
{
    /// <summary>
    /// True with the next hop's MAC when it is known; otherwise false with what to do instead:
    /// an ARP request for it on <paramref name="egress"/>, written into the output, or a drop
    /// while a request is outstanding. Either way the frame counts as dropped
    /// (<see cref="DropReason.NeighbourUnresolved"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryResolve(int egress, Ipv4Address nextHop, Span<byte> output, long now, out MacAddress mac, out Decision instead)
    {
        if (context.Neighbours.TryGet(nextHop, out mac))
        {
            instead = default;
            return true;
        }

        instead = WriteRequest(egress, nextHop, output, now);
        return false;
    }

    private Decision WriteRequest(int egress, Ipv4Address nextHop, Span<byte> output, long now)
    {
        if (!context.Neighbours.TryBeginResolution(nextHop, now))
        {
            return Decision.Drop(DropReason.NeighbourUnresolved);
        }

        ref readonly var nic = ref context.Interfaces[egress];
        int length = FrameWriter.WriteArp(output, nic.Mac, ArpOperation.Request, MacAddress.Broadcast, nic.Address, MacAddress.Zero, nextHop);
        return Decision.ArpRequest(length, egress);
    }
}
