using System.Runtime.InteropServices;

namespace LvsLab.PacketIo;

/// <summary>The libc calls and constants of Linux packet sockets (x86-64 and arm64 layouts).</summary>
internal static partial class LibC
{
    public const int AfPacket = 17;
    public const int AfInet = 2;
    public const int SockRaw = 3;
    public const int SockDgram = 2;
    public const int SockNonBlock = 0x800;
    public const int SockCloExec = 0x80000;
    public const int SolSocket = 1;
    public const int SoRcvBuf = 8;
    public const int SoSndBuf = 7;
    public const int SolPacket = 263;
    public const int PacketAddMembership = 1;
    public const int PacketRxRing = 5;
    public const int PacketStatistics = 6;
    public const int PacketVersion = 10;
    public const int PacketQdiscBypass = 20;
    public const int PacketIgnoreOutgoing = 23;
    public const int PacketFanout = 18;
    public const int PacketFanoutHash = 0;
    public const int PacketFanoutFlagIgnoreOutgoing = 0x4000;
    public const int PacketMrPromisc = 1;
    public const int Tpacket2 = 1;
    public const ushort EthPAll = 0x0003;
    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int MapShared = 1;
    public const int MapLocked = 0x2000;
    public const short PollIn = 1;
    public const int MsgDontWait = 0x40;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENoBufs = 105;
    public const int PrSetTimerSlack = 29;

    /// <summary>struct timespec (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(int fd, void* address, uint length);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    public static unsafe partial int Connect(int fd, void* address, uint length);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static unsafe partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static unsafe partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static unsafe partial int Munmap(void* address, nuint length);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "sendmmsg", SetLastError = true)]
    public static unsafe partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "nanosleep", SetLastError = true)]
    public static unsafe partial int NanoSleep(Timespec* request, Timespec* remaining);

    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint a2, nuint a3, nuint a4, nuint a5);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>"message (errno N)" for an errno value.</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr on 64-bit Linux: a struct msghdr (56 bytes) and the length the kernel sent.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public unsafe struct MMsgHdr
    {
        [FieldOffset(0)]
        public void* Name;
        [FieldOffset(8)]
        public uint NameLength;
        [FieldOffset(16)]
        public IoVec* Iov;
        [FieldOffset(24)]
        public nuint IovLength;
        [FieldOffset(32)]
        public void* Control;
        [FieldOffset(40)]
        public nuint ControlLength;
        [FieldOffset(48)]
        public int Flags;
        [FieldOffset(56)]
        public uint Length;
    }

    /// <summary>struct sockaddr_ll.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct SockAddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int InterfaceIndex;
        public ushort HardwareType;
        public byte PacketType;
        public byte AddressLength;
        public fixed byte Address[8];
    }

    /// <summary>struct tpacket_req (a ring's geometry).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TpacketReq
    {
        public uint BlockSize;
        public uint BlockCount;
        public uint FrameSize;
        public uint FrameCount;
    }

    /// <summary>struct packet_mreq.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct PacketMreq
    {
        public int InterfaceIndex;
        public ushort Type;
        public ushort AddressLength;
        public fixed byte Address[8];
    }

    /// <summary>struct tpacket_stats: frames seen and dropped since the last read (reading resets them).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TpacketStats
    {
        public uint Packets;
        public uint Drops;
    }

    /// <summary>struct tpacket2_hdr: the header at the start of each frame slot of a TPACKET_V2 ring.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Tpacket2Hdr
    {
        public uint Status;
        public uint Length;
        public uint SnapLength;
        public ushort MacOffset;
        public ushort NetOffset;
        public uint Seconds;
        public uint Nanoseconds;
        public ushort VlanTci;
        public ushort VlanTpid;
        public uint Padding;
    }

    /// <summary>Network byte order of a 16-bit value.</summary>
    public static ushort HostToNetwork(ushort value) => BitConverter.IsLittleEndian ? (ushort)((value >> 8) | (value << 8)) : value;
}
