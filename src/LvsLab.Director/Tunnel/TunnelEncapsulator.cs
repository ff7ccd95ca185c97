using System.Runtime.CompilerServices;
using LvsLab.Director.Framing;
using LvsLab.Packets;

namespace LvsLab.Director.Tunnel;

/// <summary>
/// LVS-TUN: the validated inner packet (Ethernet padding left out), byte for byte and with its
/// TTL or hop limit unchanged, behind a new outer header from the egress interface's own address
/// to the RIP. An IPv4 real server gets IP-in-IP (protocol 4, TTL 64, DF and TOS copied from the
/// inner header, a fresh identification); an IPv6 real server gets the packet in IPv6 (next
/// header 41 for an IPv6 packet, 4 for an IPv4 one, as IPVS's mixed-family tunnels; hop limit
/// 64, traffic class copied).
/// </summary>
internal sealed class TunnelEncapsulator(EngineContext context)
{
    /// <summary>
    /// True when the packet of <paramref name="innerLength"/> bytes, wrapped for
    /// <paramref name="realServer"/>, fits the egress interface: as IPVS
    /// (<c>ensure_mtu_is_adequate</c>), a packet that does not is never sent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Fits(int innerLength, int egress, IpAddress realServer) => innerLength + Overhead(realServer) <= context.Interfaces[egress].Mtu;

    /// <summary>The largest inner packet the egress interface carries to <paramref name="realServer"/>: its MTU less the outer header.</summary>
    public int InnerMtu(int egress, IpAddress realServer) => context.Interfaces[egress].Mtu - Overhead(realServer);

    /// <summary>The outer header's length for a real server: 20 (IPv4) or 40 (IPv6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Overhead(IpAddress realServer) => realServer.IsIpv4 ? IpInIp.Overhead : Ipv6Tunnel.Overhead;

    /// <summary>Writes the wrapped packet (IPv4 or IPv6, already validated) to <paramref name="realServer"/> into the output.</summary>
    public Decision Wrap(Span<byte> inner, bool innerIsIpv6, int egress, MacAddress nextHopMac, IpAddress realServer, Span<byte> output, ref Forwarding forwarding)
    {
        int length = EthernetFrame.HeaderLength + Overhead(realServer) + inner.Length;
        if (output.Length < length)
        {
            forwarding = default;
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        ref readonly var nic = ref context.Interfaces[egress];
        Span<byte> packet = output[EthernetFrame.HeaderLength..];
        bool wrapped;
        int written = 0;
        if (realServer.IsIpv4)
        {
            // IPv6 in IPv4 is refused by the rules; only an IPv4 packet gets here.
            wrapped = !innerIsIpv6 && IpInIp.TryWrap(inner, nic.Address, realServer.Ipv4, packet, out written, out _, context.NextIdentification());
        }
        else if (!nic.HasIpv6)
        {
            // No IPv6 address to send from on the way to the real server.
            forwarding = default;
            return Decision.Drop(DropReason.NoRoute);
        }
        else
        {
            wrapped = innerIsIpv6
                ? Ipv6Tunnel.TryWrapIpv6(inner, nic.Address6, realServer.Ipv6, packet, out written, out _)
                : Ipv6Tunnel.TryWrapIpv4(inner, nic.Address6, realServer.Ipv6, packet, out written, out _);
        }

        if (!wrapped)
        {
            // Not reached: the inner packet was validated and fits the interface's MTU.
            forwarding = default;
            return Decision.Drop(DropReason.TooBig);
        }

        if (context.Faults != DirectorFaults.None && !innerIsIpv6)
        {
            DirectorFaultInjector.AfterTunnel(context.Faults, new Ipv4Packet(output.Slice(EthernetFrame.HeaderLength + Overhead(realServer), inner.Length)), nic.Address);
        }

        FrameWriter.WriteHeader(output, nextHopMac, nic.Mac, realServer.IsIpv4 ? EtherType.Ipv4 : EtherType.Ipv6);
        return Decision.Forward(EthernetFrame.HeaderLength + written, egress);
    }
}
