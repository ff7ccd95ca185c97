using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>
/// The raw sockets <c>lvs-decap</c> listens on: protocol 4 over IPv4 always, next headers 41 and
/// 4 over IPv6 unless the node has IPv6 disabled; one poll(2) waits on all of them, so one thread
/// serves every socket (and the <see cref="Decapsulator"/> keeps a single writer).
/// </summary>
internal sealed unsafe class TunnelSocketSet : IDisposable
{
    /// <summary>The sockets to open, in order; the IPv4 one first (it must open).</summary>
    public static readonly IReadOnlyList<TunnelKind> Kinds = [TunnelKind.Ipv4InIpv4, TunnelKind.Ipv6InIpv6, TunnelKind.Ipv4InIpv6];

    private readonly RawTunnelSocket[] _sockets;

    // Allocated once, pinned: poll(2) writes the returned events here on every wait.
    private readonly PollFd[] _poll;

    private TunnelSocketSet(RawTunnelSocket[] sockets, int ipv6Errno)
    {
        _sockets = sockets;
        Ipv6Errno = ipv6Errno;
        _poll = GC.AllocateArray<PollFd>(sockets.Length, pinned: true);
        for (var i = 0; i < sockets.Length; i++)
        {
            _poll[i] = new PollFd { Descriptor = sockets[i].Descriptor, Events = LibC.PollIn };
        }
    }

    /// <summary>How many sockets are open (3, or 1 without IPv6).</summary>
    public int Count => _sockets.Length;

    /// <summary>0, or the error that showed IPv6 to be disabled on this node (EAFNOSUPPORT).</summary>
    public int Ipv6Errno { get; }

    /// <summary>One socket.</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    public RawTunnelSocket this[int index] => _sockets[index];

    /// <summary>
    /// Opens every socket of <see cref="Kinds"/>. The IPv6 ones are left out, and the rest runs on
    /// IPv4 alone, when the first fails for IPv6 being disabled (see <see cref="IsIpv6Disabled"/>).
    /// </summary>
    /// <returns>The open sockets.</returns>
    /// <exception cref="DecapStartException">A socket cannot be opened for another reason (no CAP_NET_RAW, ...).</exception>
    public static TunnelSocketSet Open()
    {
        var sockets = new List<RawTunnelSocket>(Kinds.Count);
        var ipv6Errno = 0;
        try
        {
            foreach (var kind in Kinds)
            {
                if (ipv6Errno != 0)
                {
                    break; // the IPv6 sockets come last: none will open
                }

                if (RawTunnelSocket.TryOpen(kind, out var socket, out var errno))
                {
                    sockets.Add(socket);
                }
                else if (IsIpv6Disabled(kind, errno))
                {
                    ipv6Errno = errno;
                }
                else
                {
                    throw new DecapStartException(
                        $"cannot open a raw socket for {RawTunnelSocket.Describe(kind)} (needs CAP_NET_RAW): {LibC.Describe(errno)}");
                }
            }
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw;
        }

        return new TunnelSocketSet([.. sockets], ipv6Errno);
    }

    /// <summary>
    /// True when failing to open the socket for <paramref name="kind"/> with <paramref name="errno"/>
    /// means the node has IPv6 disabled (booted with ipv6.disable=1, or no IPv6 in the kernel:
    /// socket(2) finds no AF_INET6 family and answers EAFNOSUPPORT), so lvs-decap carries on with
    /// IPv4 only. Any other failure, and any failure of the IPv4 socket, stops the start.
    /// </summary>
    /// <param name="kind">The socket that failed.</param>
    /// <param name="errno">socket(2)'s error.</param>
    /// <returns>True to carry on without the IPv6 sockets.</returns>
    public static bool IsIpv6Disabled(TunnelKind kind, int errno) =>
        kind != TunnelKind.Ipv4InIpv4 && errno == LibC.EAfNoSupport;

    /// <summary>
    /// What the sockets listen for, for the start line: "protocol 4 over IPv4, next header 41 over
    /// IPv6, next header 4 over IPv6", or the IPv4 one followed by why IPv6 is left out.
    /// </summary>
    /// <param name="kinds">The kinds of the open sockets.</param>
    /// <param name="ipv6Errno">0, or the error that left the IPv6 sockets out.</param>
    /// <param name="describeErrno">Text for an errno (<see cref="LibC.Describe"/>).</param>
    /// <returns>The text.</returns>
    public static string DescribeListening(IEnumerable<TunnelKind> kinds, int ipv6Errno, Func<int, string> describeErrno)
    {
        var listening = string.Join(", ", kinds.Select(RawTunnelSocket.Describe));
        return ipv6Errno == 0
            ? listening
            : $"{listening}; IPv4 only: IPv6 is disabled on this node ({describeErrno(ipv6Errno)})";
    }

    /// <summary>"protocol 4 over IPv4, ..." for these sockets (see <see cref="DescribeListening(IEnumerable{TunnelKind}, int, Func{int, string})"/>).</summary>
    /// <returns>The text.</returns>
    public string DescribeListening() => DescribeListening(_sockets.Select(s => s.Kind), Ipv6Errno, LibC.Describe);

    /// <summary>
    /// Blocks in poll(2) until a socket has a packet waiting or was shut down; then
    /// <see cref="IsReadable"/> tells which. No allocation.
    /// </summary>
    /// <param name="errno">poll's error when the result is false (EINTR after a signal).</param>
    /// <returns>True when at least one socket is readable.</returns>
    public bool TryWait(out int errno)
    {
        fixed (PollFd* fds = _poll)
        {
            var ready = LibC.Poll(fds, (nuint)_poll.Length, -1);
            errno = ready < 0 ? Marshal.GetLastPInvokeError() : 0;
            return ready > 0;
        }
    }

    /// <summary>True when the last <see cref="TryWait"/> found socket <paramref name="index"/> readable (or shut down, or in error).</summary>
    /// <param name="index">From 0 to <see cref="Count"/> - 1.</param>
    /// <returns>True when a receive on it will not block.</returns>
    public bool IsReadable(int index) => _poll[index].ReturnedEvents != 0;

    /// <summary>Shuts every socket down, waking <see cref="TryWait"/>; safe from a signal handler's thread.</summary>
    public void Shutdown()
    {
        foreach (var socket in _sockets)
        {
            socket.Shutdown();
        }
    }

    /// <summary>Closes every socket.</summary>
    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
