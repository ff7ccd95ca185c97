using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace LvsLab.Decap;

/// <summary>
/// A TUN device (layer 3, no packet-information header) made through <c>/dev/net/tun</c>.
/// Writing an IPv4 or IPv6 packet to it hands the packet to the kernel as if it had arrived on
/// that interface. The device exists as long as the file is open.
/// </summary>
/// <remarks>
/// Without the packet-information header (IFF_NO_PI) the kernel's tun_get_user picks the protocol
/// from the version nibble of the first byte: 4 gives ETH_P_IP, 6 gives ETH_P_IPV6, anything else
/// (or an empty write) is dropped with EINVAL. So one device carries both families.
/// </remarks>
internal sealed unsafe class TunDevice : IDisposable
{
    private int _fd;

    private TunDevice(int fd, string name)
    {
        _fd = fd;
        Name = name;
    }

    /// <summary>The interface's name as the kernel reports it.</summary>
    public string Name { get; }

    /// <summary>Opens <c>/dev/net/tun</c> and attaches it to a new TUN interface (IFF_TUN | IFF_NO_PI).</summary>
    /// <param name="name">The interface name (1 to 15 bytes).</param>
    /// <returns>The device.</returns>
    /// <exception cref="DecapStartException">The device cannot be opened or made.</exception>
    public static TunDevice Create(string name)
    {
        var fd = LibC.Open("/dev/net/tun", LibC.ORdWr | LibC.OCloExec);
        if (fd < 0)
        {
            throw new DecapStartException($"cannot open /dev/net/tun: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }

        Span<byte> request = stackalloc byte[LibC.IfReqSize];
        WriteName(request, name);
        BinaryPrimitives.WriteInt16LittleEndian(request[LibC.IfNameSize..], (short)(LibC.IffTun | LibC.IffNoPi));
        int result;
        fixed (byte* p = request)
        {
            result = LibC.Ioctl(fd, LibC.TunSetIff, p);
        }

        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = LibC.Close(fd);
            throw new DecapStartException($"cannot create TUN device '{name}' (TUNSETIFF): {LibC.Describe(errno)}");
        }

        return new TunDevice(fd, ReadName(request));
    }

    /// <summary>
    /// Sets IFF_UP on the interface with SIOCGIFFLAGS/SIOCSIFFLAGS on an AF_INET datagram socket
    /// (what <c>ip link set dev NAME up</c> does), so the kernel accepts packets written to it.
    /// </summary>
    /// <exception cref="DecapStartException">The flags cannot be read or set.</exception>
    public void BringUp()
    {
        var socket = LibC.Socket(LibC.AfInet, LibC.SockDgram, 0);
        if (socket < 0)
        {
            throw new DecapStartException($"cannot open a control socket: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            Span<byte> request = stackalloc byte[LibC.IfReqSize];
            WriteName(request, Name);
            fixed (byte* p = request)
            {
                if (LibC.Ioctl(socket, LibC.SiocGIfFlags, p) < 0)
                {
                    throw new DecapStartException($"cannot read the flags of '{Name}': {LibC.Describe(Marshal.GetLastPInvokeError())}");
                }

                var flags = BinaryPrimitives.ReadInt16LittleEndian(request[LibC.IfNameSize..]);
                BinaryPrimitives.WriteInt16LittleEndian(request[LibC.IfNameSize..], (short)(flags | LibC.IffUp));
                if (LibC.Ioctl(socket, LibC.SiocSIfFlags, p) < 0)
                {
                    throw new DecapStartException($"cannot bring '{Name}' up: {LibC.Describe(Marshal.GetLastPInvokeError())}");
                }
            }
        }
        finally
        {
            _ = LibC.Close(socket);
        }
    }

    /// <summary>Writes one packet (retrying an interrupted call); no allocation.</summary>
    /// <param name="packet">The whole IPv4 or IPv6 packet.</param>
    /// <param name="errno">The error when the result is false (0 for a short write).</param>
    /// <returns>True when all of <paramref name="packet"/> was written.</returns>
    public bool TryWrite(ReadOnlySpan<byte> packet, out int errno)
    {
        fixed (byte* p = packet)
        {
            while (true)
            {
                var written = LibC.Write(_fd, p, (nuint)packet.Length);
                if (written >= 0)
                {
                    errno = 0;
                    return written == packet.Length;
                }

                errno = Marshal.GetLastPInvokeError();
                if (errno != LibC.EIntr)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Closes the file; the kernel removes the (non-persistent) interface.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = LibC.Close(fd);
        }
    }

    private static void WriteName(Span<byte> request, string name)
    {
        request.Clear();
        if (Encoding.ASCII.GetByteCount(name) >= LibC.IfNameSize)
        {
            throw new DecapStartException($"TUN device name '{name}' is longer than {LibC.IfNameSize - 1} bytes");
        }

        Encoding.ASCII.GetBytes(name, request);
    }

    private static string ReadName(ReadOnlySpan<byte> request)
    {
        var name = request[..LibC.IfNameSize];
        var end = name.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
    }
}
