using System.Globalization;
using System.Text;

namespace LvsLab.Testing.Timeline;

/// <summary>A timeline as terminal text: a header, one line per second, and a summary.</summary>
public static class TimelineText
{
    /// <summary>The header over the seconds' lines.</summary>
    /// <param name="servers">The real servers, one column each.</param>
    /// <returns>The header line.</returns>
    public static string Header(IReadOnlyList<string> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var line = new StringBuilder(Invariant($"{"TIME",6}"));
        foreach (var server in servers)
        {
            line.Append(Invariant($" {server,6}"));
        }

        return line.Append(Invariant($" {"FAILED",6}  EVENTS")).ToString();
    }

    /// <summary>One second's line: answers per server, failures, and what happened.</summary>
    /// <param name="second">The second.</param>
    /// <param name="servers">The real servers, in the header's order.</param>
    /// <returns>The line.</returns>
    public static string Line(TimelineSecond second, IReadOnlyList<string> servers)
    {
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(servers);
        var line = new StringBuilder(Invariant($"{second.Second + "s",6}"));
        foreach (var server in servers)
        {
            line.Append(Invariant($" {second.Answers.GetValueOrDefault(server),6}"));
        }

        line.Append(Invariant($" {(second.Failed == 0 ? "0" : second.Failed + " !"),6}"));
        if (second.Events.Count > 0)
        {
            line.Append("  ").Append(string.Join(", ", second.Events.Select(e => e.Label)));
        }

        return line.ToString().TrimEnd();
    }

    /// <summary>An event that came in after its second was shown.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="late">The event.</param>
    /// <returns>The line, e.g. <c>(3.4s)  rs1 health down</c>.</returns>
    public static string LateEvent(ProbeTimeline timeline, TimelineEvent late)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(late);
        return Invariant($"{"(" + ((late.AtMs - timeline.StartMs) / 1000.0).ToString("F1", CultureInfo.InvariantCulture) + "s)",8}  {late.Label}");
    }

    /// <summary>The summary: requests by server, failures and when they were sent, and the events with their times.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <returns>One or two lines.</returns>
    public static string Summary(ProbeTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var outcomes = timeline.Outcomes;
        var failures = timeline.Failures;
        var text = new StringBuilder(Invariant($"{outcomes.Count} requests: "));
        text.Append(string.Join(", ", timeline.Servers.Select(s => Invariant($"{s} {outcomes.Count(o => o.Server == s)}"))));
        text.Append(Invariant($"{(timeline.Servers.Count > 0 ? ", " : string.Empty)}failed {failures.Count} ({Percent(failures.Count, outcomes.Count)} %)"));
        if (failures.Count > 0)
        {
            var first = (failures[0].SentMs - timeline.StartMs) / 1000.0;
            var last = (failures[^1].SentMs - timeline.StartMs) / 1000.0;
            text.AppendLine().Append(Invariant($"failures sent from {first:F2} s to {last:F2} s ({last - first:F2} s)"));
        }

        var events = timeline.Events;
        if (events.Count > 0)
        {
            text.AppendLine().Append("events: ").Append(string.Join(", ", events.Select(e => Invariant($"{e.Label} at {(e.AtMs - timeline.StartMs) / 1000.0:F2} s"))));
        }

        return text.ToString();
    }

    private static string Percent(int part, int whole) => whole == 0 ? "0.0" : Invariant($"{100.0 * part / whole:F1}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
