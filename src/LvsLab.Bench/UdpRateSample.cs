namespace LvsLab.Bench;

/// <summary>One step of the UDP packet-rate search: 64-byte frames offered at a rate, and how many reached the real servers.</summary>
/// <param name="Mode">dr or nat.</param>
/// <param name="Forwarder">lvslab, nftables, or direct.</param>
/// <param name="OfferedPerSecond">The rate the client was asked to send at.</param>
/// <param name="Sent">Datagrams sent.</param>
/// <param name="Received">Datagrams that reached the real servers (their kernels' UDP counters).</param>
/// <param name="CpuMicrosecondsPerPacket">The forwarder process's CPU time per packet, where it can be told.</param>
/// <param name="AchievedPerSecond">The rate the sender actually kept (sent over the time it took), 0 when unknown.</param>
/// <param name="MachineCpuMicrosecondsPerPacket">
/// The whole machine's busy CPU time per packet during the step (sender, bridges, forwarder,
/// real servers; kernel and user): what a packet costs end to end, comparable across forwarders
/// whether they run in the kernel or in a process.
/// </param>
/// <param name="GarbageCollections">Garbage collections in the forwarder during the step, where it can be told.</param>
/// <param name="Run">The run's number at this rate (runs of the forwarders are interleaved).</param>
public sealed record UdpRateSample(string Mode, string Forwarder, int OfferedPerSecond, long Sent, long Received, double? CpuMicrosecondsPerPacket, double AchievedPerSecond = 0, double? MachineCpuMicrosecondsPerPacket = null, long? GarbageCollections = null, int Run = 1)
{
    /// <summary>The forwarder's wake-ups per second during the step (the voluntary context switches of its threads), where it can be told.</summary>
    public double? WakeupsPerSecond { get; init; }

    /// <summary>Frames the forwarder sent per wake-up during the step, where it can be told.</summary>
    public double? FramesPerWakeup { get; init; }

    /// <summary>Frames the forwarder sent per send call (its batching) during the step, where it can be told.</summary>
    public double? FramesPerSendCall { get; init; }

    /// <summary>The share lost, 0..1.</summary>
    public double Loss => Sent == 0 ? 0 : Math.Max(0, Sent - Received) / (double)Sent;
}
