namespace LvsLab.Director.Stats;

/// <summary>
/// Per-second rates as <c>ipvsadm -L --rate</c> shows them (CPS, InPPS, OutPPS, InBPS, OutBPS),
/// each an exponentially weighted moving average; see <see cref="RateEstimator"/>.
/// </summary>
/// <param name="ConnectionsPerSecond">New connections per second (CPS).</param>
/// <param name="PacketsInPerSecond">Packets from clients per second (InPPS).</param>
/// <param name="PacketsOutPerSecond">Packets to clients per second (OutPPS).</param>
/// <param name="BytesInPerSecond">Bytes from clients per second (InBPS).</param>
/// <param name="BytesOutPerSecond">Bytes to clients per second (OutBPS).</param>
public readonly record struct TrafficRates(
    double ConnectionsPerSecond,
    double PacketsInPerSecond,
    double PacketsOutPerSecond,
    double BytesInPerSecond,
    double BytesOutPerSecond);
