using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>
/// One raw socket that receives tunnelled packets addressed to this node: AF_INET protocol 4
/// (IPv4 in IPv4), or AF_INET6 next header 41 (IPv6 in IPv6) or 4 (IPv4 in IPv6). While it is
/// open the kernel does not answer those packets with an error of its own (see remarks).
/// </summary>
/// <remarks>
/// <para>
/// What a receive returns, as read in the kernel source (net/ipv4/raw.c, net/ipv6/raw.c,
/// net/ipv6/ip6_input.c):
/// </para>
/// <list type="bullet">
/// <item><description>
/// AF_INET: one whole packet, outer IPv4 header included (ip_protocol_deliver_rcu calls
/// raw_local_deliver with skb-&gt;data past the header, but raw_rcv pushes it back to the network
/// header before queueing, and raw_recvmsg copies from there).
/// </description></item>
/// <item><description>
/// AF_INET6: only what follows the outer IPv6 header and its extension headers, so the inner
/// packet itself (RFC 3542 section 3: IPv6 raw sockets never return the IPv6 header; its fields
/// and extension headers come as ancillary data on request). ip6_protocol_deliver_rcu pulls
/// skb-&gt;data up to the transport offset for each next header in turn, calling
/// raw6_local_deliver(skb, nexthdr) each time; the extension headers (routing, destination
/// options, fragment) are inet6_protos handlers that return a positive value to resubmit with the
/// next one, hop-by-hop is parsed earlier in ipv6_rcv, and the fragment handler reassembles
/// before the next header is delivered, so this socket sees whole reassembled payloads only.
/// rawv6_rcv, unlike raw_rcv, pushes nothing back, and rawv6_recvmsg copies from offset 0 of
/// skb-&gt;data (skb_copy_datagram_msg(skb, 0, ...)) and puts ipv6_hdr(skb)-&gt;saddr, the outer
/// source, in the sockaddr_in6 of recvfrom. lvs-decap needs neither that address nor ancillary
/// data (the IPv4 path checks no outer address either), so it uses recv. No checksum is checked for these protocols (rawv6_rcv marks the skb
/// CHECKSUM_UNNECESSARY unless IPV6_CHECKSUM is set). The payload may even be empty (an outer
/// packet with next header 41 and payload length 0), which the decision counts as truncated.
/// </description></item>
/// </list>
/// <para>
/// No error reply while the socket is open: in ip6_protocol_deliver_rcu, when inet6_protos[nexthdr]
/// is NULL (no ip6_tunnel, no tunnel6 module) the parameter problem (icmpv6_send(skb,
/// ICMPV6_PARAMPROB, ICMPV6_UNK_NEXTHDR, nhoff)) is sent only when raw6_local_deliver delivered to
/// no raw socket; when one took it the skb is consumed and counted in InDelivers. (Its IPv4
/// counterpart, ip_protocol_deliver_rcu, likewise sends "protocol unreachable" only when
/// raw_local_deliver found no raw socket.) Caveat: if the tunnel6 module is loaded (xfrm6_tunnel
/// pulls it in) it registers handlers for 41 and 4, and tunnel6_rcv / tunnel46_rcv answer a packet
/// no tunnel takes with ICMPv6 destination unreachable; this socket still gets its copy, since
/// raw delivery comes before the handler.
/// </para>
/// <para>
/// Made with socket(2) directly: <c>new Socket(AddressFamily.InterNetwork, SocketType.Raw,
/// (ProtocolType)4)</c> fails on Linux with "Protocol not supported", because .NET's native shim
/// only passes protocol numbers it knows (ICMP, IGMP, TCP, UDP, raw) through to the kernel.
/// </para>
/// </remarks>
internal sealed unsafe class RawTunnelSocket : IDisposable
{
    private const int ProtocolIpInIp = 4;
    private const int ProtocolIpv6 = 41;
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;
    private int _fd;

    private RawTunnelSocket(int fd, TunnelKind kind)
    {
        _fd = fd;
        Kind = kind;
    }

    /// <summary>What this socket receives.</summary>
    public TunnelKind Kind { get; }

    /// <summary>The file descriptor, for poll(2); -1 once disposed.</summary>
    public int Descriptor => Volatile.Read(ref _fd);

    /// <summary>"protocol 4 over IPv4", "next header 41 over IPv6", ...: for log lines.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The text.</returns>
    public static string Describe(TunnelKind kind) => kind switch
    {
        TunnelKind.Ipv6InIpv6 => "next header 41 over IPv6",
        TunnelKind.Ipv4InIpv6 => "next header 4 over IPv6",
        _ => "protocol 4 over IPv4",
    };

    /// <summary>Opens the raw socket for <paramref name="kind"/> (needs CAP_NET_RAW).</summary>
    /// <param name="kind">What to receive.</param>
    /// <param name="socket">The socket when the result is true.</param>
    /// <param name="errno">socket(2)'s error when the result is false (EAFNOSUPPORT for AF_INET6 when the node has IPv6 disabled).</param>
    /// <returns>True when the socket is open.</returns>
    public static bool TryOpen(TunnelKind kind, [NotNullWhen(true)] out RawTunnelSocket? socket, out int errno)
    {
        var (family, protocol) = kind switch
        {
            TunnelKind.Ipv6InIpv6 => (LibC.AfInet6, ProtocolIpv6),
            TunnelKind.Ipv4InIpv6 => (LibC.AfInet6, ProtocolIpInIp),
            _ => (LibC.AfInet, ProtocolIpInIp),
        };
        var fd = LibC.Socket(family, LibC.SockRaw | LibC.SockCloExec, protocol);
        if (fd < 0)
        {
            socket = null;
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        // Room for bursts; the kernel caps it at net.core.rmem_max. Best effort.
        var size = ReceiveBufferBytes;
        _ = LibC.SetSockOpt(fd, LibC.SolSocket, LibC.SoRcvBuf, &size, sizeof(int));
        socket = new RawTunnelSocket(fd, kind);
        errno = 0;
        return true;
    }

    /// <summary>
    /// Copies one waiting packet into <paramref name="buffer"/> without blocking (MSG_DONTWAIT);
    /// no allocation.
    /// </summary>
    /// <param name="buffer">Where to receive (65,536 bytes hold any IPv4 packet or IPv6 payload).</param>
    /// <param name="length">The packet's length (0 after <see cref="Shutdown"/>, or for an empty IPv6 payload).</param>
    /// <param name="errno">The error when the result is false: EAGAIN when nothing is waiting.</param>
    /// <returns>True when something was received (or the socket was shut down).</returns>
    public bool TryReceive(Span<byte> buffer, out int length, out int errno)
    {
        fixed (byte* p = buffer)
        {
            var received = LibC.Recv(_fd, p, (nuint)buffer.Length, LibC.MsgDontWait);
            if (received < 0)
            {
                length = 0;
                errno = Marshal.GetLastPInvokeError();
                return false;
            }

            length = (int)received;
            errno = 0;
            return true;
        }
    }

    /// <summary>
    /// Shuts the socket down so that a poll(2) waiting on it on another thread returns (and a
    /// receive returns 0). Safe to call from a signal handler's thread; the descriptor stays open
    /// until <see cref="Dispose"/>.
    /// </summary>
    public void Shutdown()
    {
        var fd = Volatile.Read(ref _fd);
        if (fd >= 0)
        {
            // On an unconnected socket inet_shutdown reports ENOTCONN but still marks it shut
            // down and wakes waiters (poll then reports POLLIN | POLLHUP).
            _ = LibC.ShutdownSocket(fd, LibC.ShutRdWr);
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = LibC.Close(fd);
        }
    }
}
