using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>
/// A raw IPv4 socket for protocol 4 (IP-in-IP). On Linux each receive returns one whole packet,
/// outer IPv4 header included. While it is open the kernel does not answer protocol-4 packets
/// with "protocol unreachable".
/// </summary>
/// <remarks>
/// Made with socket(2) directly: <c>new Socket(AddressFamily.InterNetwork, SocketType.Raw,
/// (ProtocolType)4)</c> fails on Linux with "Protocol not supported", because .NET's native shim
/// only passes protocol numbers it knows (ICMP, IGMP, TCP, UDP, raw) through to the kernel.
/// </remarks>
internal sealed unsafe class RawIpipSocket : IDisposable
{
    private const int ProtocolIpInIp = 4;
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;
    private int _fd;

    /// <summary>Opens the socket (needs CAP_NET_RAW).</summary>
    /// <exception cref="DecapStartException">The socket cannot be opened.</exception>
    public RawIpipSocket()
    {
        _fd = LibC.Socket(LibC.AfInet, LibC.SockRaw | LibC.SockCloExec, ProtocolIpInIp);
        if (_fd < 0)
        {
            throw new DecapStartException(
                $"cannot open a raw socket for protocol 4 (needs CAP_NET_RAW): {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }

        // Room for bursts; the kernel caps it at net.core.rmem_max. Best effort.
        var size = ReceiveBufferBytes;
        _ = LibC.SetSockOpt(_fd, LibC.SolSocket, LibC.SoRcvBuf, &size, sizeof(int));
    }

    /// <summary>Blocks until a packet arrives and copies it into <paramref name="buffer"/>; no allocation.</summary>
    /// <param name="buffer">Where to receive (65,536 bytes hold any IPv4 packet).</param>
    /// <param name="length">The packet's length; 0 after <see cref="Shutdown"/>.</param>
    /// <param name="errno">The error when the result is false.</param>
    /// <returns>True when something was received (or the socket was shut down).</returns>
    public bool TryReceive(Span<byte> buffer, out int length, out int errno)
    {
        fixed (byte* p = buffer)
        {
            var received = LibC.Recv(_fd, p, (nuint)buffer.Length, 0);
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
    /// Shuts the socket down so that a <see cref="TryReceive"/> blocked on another thread returns 0.
    /// Safe to call from a signal handler's thread; the descriptor stays open until <see cref="Dispose"/>.
    /// </summary>
    public void Shutdown()
    {
        var fd = Volatile.Read(ref _fd);
        if (fd >= 0)
        {
            // On an unconnected socket this reports ENOTCONN but still marks it shut down and
            // wakes blocked receivers.
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
