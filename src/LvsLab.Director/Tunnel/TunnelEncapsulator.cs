using System.Runtime.CompilerServices;
using LvsLab.Director.Framing;
using LvsLab.Packets;

namespace LvsLab.Director.Tunnel;

/// <summary>
/// LVS-TUN: the validated inner packet (Ethernet padding left out), byte for byte and with its
/// TTL unchanged, behind a new outer header from the egress interface's own address to the RIP
/// (protocol 4, TTL 64, DF and TOS copied from the inner header, a fresh identification).
/// </summary>
internal sealed class TunnelEncapsulator(EngineContext context)
{
    /// <summary>
    /// True when the wrapped packet fits the egress interface: as IPVS
    /// (<c>ensure_mtu_is_adequate</c>), a packet that does not is never sent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Fits(Ipv4Packet ip, int egress) => ip.TotalLength + IpInIp.Overhead <= context.Interfaces[egress].Mtu;

    /// <summary>The largest inner packet the egress interface carries: its MTU less the outer header.</summary>
    public int InnerMtu(int egress) => context.Interfaces[egress].Mtu - IpInIp.Overhead;

    /// <summary>Writes the wrapped packet to <paramref name="realServer"/> into the output.</summary>
    public Decision Wrap(Ipv4Packet ip, int egress, MacAddress nextHopMac, Ipv4Address realServer, Span<byte> output, ref Forwarding forwarding)
    {
        int length = EthernetFrame.HeaderLength + IpInIp.Overhead + ip.TotalLength;
        if (output.Length < length)
        {
            forwarding = default;
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        ref readonly var nic = ref context.Interfaces[egress];
        if (!IpInIp.TryWrap(ip.Buffer, nic.Address, realServer, output[EthernetFrame.HeaderLength..], out int written, out _, context.NextIdentification()))
        {
            // Not reached: the inner packet was validated and fits the interface's MTU (at most 65535).
            forwarding = default;
            return Decision.Drop(DropReason.TooBig);
        }

        if (context.Faults != DirectorFaults.None)
        {
            DirectorFaultInjector.AfterTunnel(context.Faults, new Ipv4Packet(output.Slice(EthernetFrame.HeaderLength + IpInIp.Overhead, ip.TotalLength)), nic.Address);
        }

        FrameWriter.WriteIpv4Header(output, nextHopMac, nic.Mac);
        return Decision.Forward(EthernetFrame.HeaderLength + written, egress);
    }
}
