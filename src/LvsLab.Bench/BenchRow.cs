namespace LvsLab.Bench;

/// <summary>
/// One row of <c>lvslab bench --json</c>: one mode, forwarder and offered rate, with the figures
/// measured there (the median run by loss of the UDP steps; the latency capture where it was made
/// at this rate). A figure not measured for this forwarder or rate is null.
/// </summary>
/// <param name="Mode">dr, nat or tun.</param>
/// <param name="Forwarder">lvslab, nftables, direct, …</param>
/// <param name="Offered">The offered rate, 64-byte UDP packets per second.</param>
/// <param name="Runs">The UDP runs at this rate (0: only a latency capture was made here).</param>
/// <param name="Sent">Packets sent in the median run.</param>
/// <param name="Delivered">Packets that reached the real servers in the median run.</param>
/// <param name="AchievedPerSecond">The rate the sender kept in the median run.</param>
/// <param name="LossPercent">The median run's loss, percent.</param>
/// <param name="MachineCpuUsPerPacket">The whole machine's busy CPU per packet, µs.</param>
/// <param name="ForwarderCpuUsPerPacket">The forwarder process's own CPU per packet, µs (a user-space forwarder).</param>
/// <param name="Gcs">Garbage collections in the forwarder over every run at this rate.</param>
/// <param name="LatencyP50Us">The latency the forwarder added, median, µs.</param>
/// <param name="LatencyP99Us">The latency the forwarder added, 99th percentile, µs.</param>
/// <param name="WakeupsPerSecond">The forwarder's wake-ups per second: the voluntary context switches of all its threads (the C# director).</param>
/// <param name="FramesPerWakeup">Frames it sent per wake-up.</param>
/// <param name="FramesPerSendCall">Frames it sent per send call (its batching).</param>
public sealed record BenchRow(
    string Mode,
    string Forwarder,
    int Offered,
    int Runs,
    long? Sent,
    long? Delivered,
    double? AchievedPerSecond,
    double? LossPercent,
    double? MachineCpuUsPerPacket,
    double? ForwarderCpuUsPerPacket,
    long? Gcs,
    double? LatencyP50Us,
    double? LatencyP99Us,
    double? WakeupsPerSecond = null,
    double? FramesPerWakeup = null,
    double? FramesPerSendCall = null);
