namespace LvsLab.Testing.Bench;

/// <summary>One step of the UDP packet-rate search: 64-byte frames offered at a rate, and how many reached the real servers.</summary>
/// <param name="Mode">dr or nat.</param>
/// <param name="Forwarder">lvslab, nftables, or direct.</param>
/// <param name="OfferedPerSecond">The rate the client was asked to send at.</param>
/// <param name="Sent">Datagrams sent.</param>
/// <param name="Received">Datagrams that reached the real servers (their kernels' UDP counters).</param>
/// <param name="CpuMicrosecondsPerPacket">The forwarder process's CPU time per packet, where it can be told.</param>
/// <param name="AchievedPerSecond">The rate the sender actually kept (sent over the time it took), 0 when unknown.</param>
public sealed record UdpRateSample(string Mode, string Forwarder, int OfferedPerSecond, long Sent, long Received, double? CpuMicrosecondsPerPacket, double AchievedPerSecond = 0)
{
    /// <summary>The share lost, 0..1.</summary>
    public double Loss => Sent == 0 ? 0 : Math.Max(0, Sent - Received) / (double)Sent;
}
