namespace LvsLab.Bench;

/// <summary>What a forwarder added to each packet at a steady offered rate (see <see cref="ForwardingLatency"/>).</summary>
/// <param name="Mode">dr, nat or tun.</param>
/// <param name="Forwarder">lvslab, nftables, …</param>
/// <param name="OfferedPerSecond">The rate offered while its links were captured.</param>
/// <param name="Latency">The pairs and percentiles.</param>
public sealed record LatencySample(string Mode, string Forwarder, int OfferedPerSecond, ForwardingLatency Latency);
