using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// Distinct client connections to the DR lab's VIP, numbered: connection i comes from client
/// address 11.0.0.0 + i / 65,536, port i % 65,536, so 2^48 of them are all different — a SYN
/// flood from spoofed sources, or a busy director.
/// </summary>
internal static class SyntheticConnections
{
    /// <summary>The client-side key of connection <paramref name="i"/>.</summary>
    public static ConnectionKey Key(long i) =>
        new(ServiceProtocol.Tcp, new Ipv4Address(0x0B00_0000u + (uint)(i >> 16)), (ushort)i, DrLab.Vip, DrLab.VipPort);

    /// <summary>The real server connection <paramref name="i"/> goes to (round robin over the lab's three).</summary>
    public static int Server(long i) => (int)(i % DrLab.RealServerIps.Length);
}
