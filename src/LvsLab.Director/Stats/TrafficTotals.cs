namespace LvsLab.Director.Stats;

/// <summary>
/// Cumulative counters of a service or real server at one moment, as <c>ipvsadm -L --stats</c>
/// shows them: they only grow until they are zeroed.
/// </summary>
/// <param name="Connections">Connections scheduled so far.</param>
/// <param name="PacketsIn">Packets from clients so far.</param>
/// <param name="PacketsOut">Packets to clients so far (NAT replies through the director).</param>
/// <param name="BytesIn">Bytes from clients so far.</param>
/// <param name="BytesOut">Bytes to clients so far.</param>
public readonly record struct TrafficTotals(long Connections, long PacketsIn, long PacketsOut, long BytesIn, long BytesOut);
