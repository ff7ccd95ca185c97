using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>The few libc calls for the TUN device and the raw sockets (Linux; the runtime maps "libc" to glibc's libc.so.6).</summary>
internal static partial class LibC
{
    /// <summary>open(2) flag: read and write.</summary>
    public const int ORdWr = 2;

    /// <summary>open(2) flag: close on exec.</summary>
    public const int OCloExec = 0x80000;

    /// <summary>errno: interrupted system call.</summary>
    public const int EIntr = 4;

    /// <summary>errno: try again (EWOULDBLOCK): nothing to receive without blocking.</summary>
    public const int EAgain = 11;

    /// <summary>errno: address family not supported by protocol (AF_INET6 on a node booted with IPv6 disabled).</summary>
    public const int EAfNoSupport = 97;

    /// <summary>AF_INET.</summary>
    public const int AfInet = 2;

    /// <summary>AF_INET6.</summary>
    public const int AfInet6 = 10;

    /// <summary>SOCK_DGRAM.</summary>
    public const int SockDgram = 2;

    /// <summary>SOCK_RAW.</summary>
    public const int SockRaw = 3;

    /// <summary>socket(2) type flag: close on exec.</summary>
    public const int SockCloExec = 0x80000;

    /// <summary>SOL_SOCKET.</summary>
    public const int SolSocket = 1;

    /// <summary>SO_RCVBUF.</summary>
    public const int SoRcvBuf = 8;

    /// <summary>recv(2) flag: do not block.</summary>
    public const int MsgDontWait = 0x40;

    /// <summary>poll(2) event: there is data to read (also reported after shutdown).</summary>
    public const short PollIn = 0x0001;

    /// <summary>shutdown(2): both directions.</summary>
    public const int ShutRdWr = 2;

    /// <summary>_IOW('T', 202, int): attach the file to a TUN/TAP interface, creating it if needed.</summary>
    public const uint TunSetIff = 0x400454CA;

    /// <summary>Get an interface's flags.</summary>
    public const uint SiocGIfFlags = 0x8913;

    /// <summary>Set an interface's flags.</summary>
    public const uint SiocSIfFlags = 0x8914;

    /// <summary>TUN (layer 3) rather than TAP.</summary>
    public const short IffTun = 0x0001;

    /// <summary>No packet-information header in front of each packet.</summary>
    public const short IffNoPi = 0x1000;

    /// <summary>Interface flag: up.</summary>
    public const short IffUp = 0x0001;

    /// <summary>sizeof(struct ifreq) on 64-bit Linux.</summary>
    public const int IfReqSize = 40;

    /// <summary>IFNAMSIZ: interface name including its terminating NUL.</summary>
    public const int IfNameSize = 16;

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static unsafe partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int ShutdownSocket(int fd, int how);

    /// <summary>"message (errno N)" for an errno value.</summary>
    /// <param name="errno">The errno.</param>
    /// <returns>The text.</returns>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
