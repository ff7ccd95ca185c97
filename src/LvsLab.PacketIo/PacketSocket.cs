using System.Runtime.InteropServices;

namespace LvsLab.PacketIo;

/// <summary>
/// An AF_PACKET socket bound to one interface with a memory-mapped receive ring (TPACKET_V2):
/// the kernel writes each frame into a shared slot and flips its status, so reading a frame is a
/// memory read, not a system call, and a burst is drained with one <c>poll</c>. Frames go out
/// with <c>send</c> or in batches with <see cref="FrameBatch"/> (<c>sendmmsg</c>), past the
/// traffic-control queue when <see cref="PacketSocketOptions.QdiscBypass"/> is set.
/// </summary>
/// <remarks>One thread reads (<see cref="TryPeek"/>/<see cref="Release"/>); any thread may send.</remarks>
public sealed unsafe class PacketSocket : IDisposable
{
    private const uint StatusUser = 1;
    private const uint StatusCopy = 2;
    private const uint StatusChecksumNotReady = 8;
    private const uint StatusVlanValid = 0x10;

    private readonly byte* ring;
    private readonly nuint ringLength;
    private readonly int frameSize;
    private readonly int frameCount;
    private int next;
    private long kernelPackets;
    private long kernelDrops;
    private int disposed;

    private PacketSocket(string name, int index, int descriptor, byte* ring, nuint ringLength, PacketSocketOptions options, bool bypass, bool ignoreOutgoing)
    {
        InterfaceName = name;
        InterfaceIndex = index;
        Descriptor = descriptor;
        this.ring = ring;
        this.ringLength = ringLength;
        frameSize = options.FrameSize;
        frameCount = options.FrameCount;
        BypassesQdisc = bypass;
        IgnoresOutgoing = ignoreOutgoing;
    }

    /// <summary>The interface's name.</summary>
    public string InterfaceName { get; }

    /// <summary>The interface's index.</summary>
    public int InterfaceIndex { get; }

    /// <summary>The socket's file descriptor (for <see cref="FrameBatch.Send(int, out int)"/> and <see cref="WaitAny"/>).</summary>
    public int Descriptor { get; }

    /// <summary>The kernel accepted <c>PACKET_QDISC_BYPASS</c>.</summary>
    public bool BypassesQdisc { get; }

    /// <summary>The kernel accepted <c>PACKET_IGNORE_OUTGOING</c>: frames this machine sends are not received.</summary>
    public bool IgnoresOutgoing { get; }

    /// <summary>The header of the ring slot the reader is at.</summary>
    private LibC.Tpacket2Hdr* Current => (LibC.Tpacket2Hdr*)(ring + ((nint)next * frameSize));

    /// <summary>The largest frame a ring slot holds whole.</summary>
    public int MaxFrameLength => frameSize - 96;

    /// <summary>
    /// Opens <paramref name="interfaceName"/>: socket, ring, options, then bind (so no frame
    /// arrives before the ring is there). Needs CAP_NET_RAW.
    /// </summary>
    /// <exception cref="PacketSocketException">A call failed; the message names it and the errno.</exception>
    public static PacketSocket Open(string interfaceName, PacketSocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        options ??= new PacketSocketOptions();
        options.Validate();
        var index = (int)LibC.IfNameToIndex(interfaceName);
        if (index == 0)
        {
            throw new PacketSocketException($"{interfaceName}: no such interface");
        }

        var fd = LibC.Socket(LibC.AfPacket, LibC.SockRaw | LibC.SockCloExec, LibC.HostToNetwork(LibC.EthPAll));
        if (fd < 0)
        {
            throw Failure(interfaceName, "socket(AF_PACKET)", "needs CAP_NET_RAW");
        }

        byte* ring = null;
        nuint length = 0;
        try
        {
            SetInt(fd, LibC.SolPacket, LibC.PacketVersion, LibC.Tpacket2, interfaceName, "PACKET_VERSION");

            // Frames are laid out back to back across blocks, so a block holds whole frames.
            var blockSize = Math.Max(options.FrameSize, 1 << 16);
            var framesPerBlock = blockSize / options.FrameSize;
            var blocks = (options.FrameCount + framesPerBlock - 1) / framesPerBlock;
            var request = new LibC.TpacketReq
            {
                BlockSize = (uint)blockSize,
                BlockCount = (uint)blocks,
                FrameSize = (uint)options.FrameSize,
                FrameCount = (uint)(blocks * framesPerBlock),
            };
            if (LibC.SetSockOpt(fd, LibC.SolPacket, LibC.PacketRxRing, &request, (uint)sizeof(LibC.TpacketReq)) != 0)
            {
                throw Failure(interfaceName, "PACKET_RX_RING", $"{request.FrameCount} frames of {request.FrameSize} bytes");
            }

            length = (nuint)blockSize * (nuint)blocks;
            ring = (byte*)LibC.Mmap(null, length, LibC.ProtRead | LibC.ProtWrite, LibC.MapShared, fd, 0);
            if (ring == (byte*)-1)
            {
                ring = null;
                throw Failure(interfaceName, "mmap of the receive ring", null);
            }

            var bypass = options.QdiscBypass && TrySetInt(fd, LibC.SolPacket, LibC.PacketQdiscBypass, 1);
            var ignore = options.IgnoreOutgoing && TrySetInt(fd, LibC.SolPacket, LibC.PacketIgnoreOutgoing, 1);

            var address = default(LibC.SockAddrLl);
            address.Family = LibC.AfPacket;
            address.Protocol = LibC.HostToNetwork(LibC.EthPAll);
            address.InterfaceIndex = index;
            if (LibC.Bind(fd, &address, (uint)sizeof(LibC.SockAddrLl)) != 0)
            {
                throw Failure(interfaceName, "bind", null);
            }

            if (options.FanoutGroup != 0)
            {
                // The group id in the low 16 bits, the spreading mode in the high ones.
                // A fanout group has its own hook: ignoring outgoing frames is its flag.
                var flags = LibC.PacketFanoutHash | (options.IgnoreOutgoing ? LibC.PacketFanoutFlagIgnoreOutgoing : 0);
                SetInt(fd, LibC.SolPacket, LibC.PacketFanout, options.FanoutGroup | (flags << 16), interfaceName, "PACKET_FANOUT");
            }

            if (options.Promiscuous)
            {
                var membership = new LibC.PacketMreq { InterfaceIndex = index, Type = LibC.PacketMrPromisc };
                if (LibC.SetSockOpt(fd, LibC.SolPacket, LibC.PacketAddMembership, &membership, (uint)sizeof(LibC.PacketMreq)) != 0)
                {
                    throw Failure(interfaceName, "PACKET_ADD_MEMBERSHIP (promiscuous)", null);
                }
            }

            var socket = new PacketSocket(interfaceName, index, fd, ring, length, options with { FrameCount = (int)request.FrameCount }, bypass, ignore);
            return socket;
        }
        catch
        {
            if (ring is not null)
            {
                _ = LibC.Munmap(ring, length);
            }

            _ = LibC.Close(fd);
            throw;
        }
    }

    /// <summary>Frames the kernel put in the ring, and frames it dropped because the ring was full, since the socket opened.</summary>
    public (long Received, long Dropped) KernelStatistics
    {
        get
        {
            // Reading PACKET_STATISTICS resets the kernel's counters: accumulate here.
            var stats = default(LibC.TpacketStats);
            var size = (uint)sizeof(LibC.TpacketStats);
            if (Volatile.Read(ref disposed) == 0 && LibC.GetSockOpt(Descriptor, LibC.SolPacket, LibC.PacketStatistics, &stats, &size) == 0)
            {
                Interlocked.Add(ref kernelPackets, stats.Packets);
                Interlocked.Add(ref kernelDrops, stats.Drops);
            }

            return (Interlocked.Read(ref kernelPackets), Interlocked.Read(ref kernelDrops));
        }
    }

    /// <summary>The next received frame, if the kernel has handed one over; call <see cref="Release"/> when done with it.</summary>
    /// <param name="frame">The frame, in place in the ring.</param>
    /// <returns>Whether there is one.</returns>
    public bool TryPeek(out RingFrame frame)
    {
        var header = Current;
        var status = Volatile.Read(ref header->Status);
        if ((status & StatusUser) == 0)
        {
            frame = default;
            return false;
        }

        var snap = (int)Math.Min(header->SnapLength, (uint)(frameSize - header->MacOffset));
        frame = new RingFrame(
            new Span<byte>((byte*)header + header->MacOffset, snap),
            (status & StatusCopy) != 0 ? Math.Max((int)header->Length, snap + 1) : (int)header->Length,
            (status & StatusChecksumNotReady) != 0,
            (header->Seconds * 1_000_000_000L) + header->Nanoseconds,
            (status & StatusVlanValid) != 0 || header->VlanTci != 0);
        return true;
    }

    /// <summary>Whether the kernel has handed over a frame that <see cref="TryPeek"/> would return (a memory read).</summary>
    public bool HasFrame => (Volatile.Read(ref Current->Status) & StatusUser) != 0;

    /// <summary>Hands the frame <see cref="TryPeek"/> gave back to the kernel and moves on to the next slot.</summary>
    public void Release()
    {
        Volatile.Write(ref Current->Status, 0);
        next = next + 1 == frameCount ? 0 : next + 1;
    }

    /// <summary>Sends one frame now (a blocking <c>send</c>).</summary>
    /// <param name="frame">A whole Ethernet frame.</param>
    /// <returns>0, or the errno.</returns>
    public int Send(ReadOnlySpan<byte> frame)
    {
        fixed (byte* data = frame)
        {
            return LibC.Send(Descriptor, data, (nuint)frame.Length, 0) == frame.Length ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Waits until one of <paramref name="sockets"/> has a frame, or the timeout passes.</summary>
    /// <param name="sockets">The sockets (at most 16).</param>
    /// <param name="timeoutMilliseconds">How long to wait at most; 0 does not wait.</param>
    /// <returns>Whether any is readable.</returns>
    public static bool WaitAny(ReadOnlySpan<PacketSocket> sockets, int timeoutMilliseconds)
    {
        if (sockets.Length is 0 or > 16)
        {
            throw new ArgumentException($"{sockets.Length} sockets: 1 to 16", nameof(sockets));
        }

        var fds = stackalloc LibC.PollFd[sockets.Length];
        for (var i = 0; i < sockets.Length; i++)
        {
            fds[i] = new LibC.PollFd { Fd = sockets[i].Descriptor, Events = LibC.PollIn };
        }

        var ready = LibC.Poll(fds, (nuint)sockets.Length, timeoutMilliseconds);
        return ready > 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        _ = LibC.Munmap(ring, ringLength);
        _ = LibC.Close(Descriptor);
    }

    private static void SetInt(int fd, int level, int name, int value, string interfaceName, string option)
    {
        if (!TrySetInt(fd, level, name, value))
        {
            throw Failure(interfaceName, option, null);
        }
    }

    private static bool TrySetInt(int fd, int level, int name, int value) => LibC.SetSockOpt(fd, level, name, &value, sizeof(int)) == 0;

    private static PacketSocketException Failure(string interfaceName, string call, string? hint)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new PacketSocketException($"{interfaceName}: {call}: {LibC.Describe(errno)}{(hint is null ? string.Empty : $" ({hint})")}");
    }
}
