namespace LvsLab.Director;

/// <summary>Packets and bytes forwarded.</summary>
/// <param name="Packets">Packets (frames) forwarded.</param>
/// <param name="Bytes">Bytes forwarded (whole frames).</param>
public readonly record struct TrafficCounter(long Packets, long Bytes);
