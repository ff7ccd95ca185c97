using System.Globalization;
using System.Text;
using LvsLab.Testing.Timeline;

namespace LvsLab.Testing.Watch;

/// <summary>
/// One frame of <c>lvslab watch</c>: the director's services and real servers with weight,
/// health, connections and rates over the last interval (like <c>watch ipvsadm -Ln --rate</c>),
/// the nodes that are down, and the latest events.
/// </summary>
public static class WatchText
{
    /// <summary>Renders a frame.</summary>
    /// <param name="title">The first line (the lab and the time, say).</param>
    /// <param name="previous">The snapshot before (null: no rates yet).</param>
    /// <param name="current">The snapshot now; null when the director gives none (then only nodes and events are shown).</param>
    /// <param name="down">The nodes that are not running, as <c>NAME (STATE)</c>.</param>
    /// <param name="events">The latest events, oldest first.</param>
    /// <returns>The frame's text.</returns>
    public static string Render(string title, DirectorSnapshot? previous, DirectorSnapshot? current, IReadOnlyList<string> down, IReadOnlyList<TimelineEvent> events)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(down);
        ArgumentNullException.ThrowIfNull(events);
        var text = new StringBuilder().AppendLine(title);
        if (current is null)
        {
            text.AppendLine("(the director gives no per-server counters: it runs no lvs-director)");
        }
        else
        {
            var seconds = previous is null ? 0 : (current.AtMs - previous.AtMs) / 1000.0;
            var before = previous?.Rows.ToDictionary(r => (r.Service, r.Address)) ?? [];
            text.AppendLine(Invariant($"{"Prot LocalAddress:Port",-24} {"Node",-8} {"Weight",6} {"Health",-9} {"ActConn",7} {"InActConn",9} {"CPS",7} {"InPPS",8} {"InBPS",9}"));
            foreach (var service in current.Rows.GroupBy(r => r.Service))
            {
                text.AppendLine(service.Key);
                foreach (var row in service)
                {
                    var was = before.GetValueOrDefault((row.Service, row.Address));
                    text.AppendLine(Invariant($"  -> {row.Address,-19} {row.Node,-8} {row.Weight,6} {row.Health,-9} {row.ActiveConnections,7} {row.InactiveConnections,9} {Rate(row.ConnectionsScheduled, was?.ConnectionsScheduled, seconds),7} {Rate(row.Packets, was?.Packets, seconds),8} {Rate(row.Bytes, was?.Bytes, seconds),9}"));
                }
            }

            text.AppendLine(Invariant($"health checks: {current.HealthChecks}"));
        }

        text.AppendLine(down.Count == 0 ? "nodes down: none" : $"nodes down: {string.Join(", ", down)}");
        foreach (var e in events)
        {
            text.AppendLine(Invariant($"  {DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs).ToLocalTime():HH:mm:ss.f}  {e.Label}"));
        }

        return text.ToString();
    }

    private static string Rate(long now, long? before, double seconds)
    {
        if (before is not { } b || seconds <= 0)
        {
            return "-";
        }

        var rate = Math.Max(0, now - b) / seconds;
        return rate >= 10_000 ? Invariant($"{rate / 1000:F0}K") : Invariant($"{rate:F0}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
