using System.Globalization;
using LvsLab.Testing.Checks;

namespace LvsLab.Testing.Timeline;

/// <summary>What a timeline must show when a real server fails and comes back under health checks.</summary>
public static class TimelineChecks
{
    /// <summary>
    /// The requests that fail because <paramref name="node"/> stopped end within
    /// <paramref name="bound"/> of its stop: no request sent later than that fails while the node
    /// is down (it has left the rotation), and requests keep being answered by the others.
    /// </summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="node">The real server that was stopped.</param>
    /// <param name="bound">The health checks' window plus the stated margin.</param>
    /// <returns>The check's result, with the figures as evidence.</returns>
    public static CheckResult FailuresEndWithin(ProbeTimeline timeline, string node, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        const string Name = "failures end within the health window";
        var stop = timeline.FirstEvent(node, "stopped");
        if (stop is null)
        {
            return new CheckResult(Name, false, [$"no '{node} stopped' event in the timeline"], []);
        }

        var back = timeline.FirstEvent(node, "started", stop.AtMs);
        var deadline = stop.AtMs + (long)bound.TotalMilliseconds;
        var outcomes = timeline.Outcomes;
        var down = outcomes.Where(o => o.SentMs >= stop.AtMs && (back is null || o.SentMs < back.AtMs)).ToList();
        var late = down.Where(o => o.Failed && o.SentMs > deadline).ToList();
        var failed = down.Count(o => o.Failed);
        var lastFailure = outcomes.LastOrDefault(o => o.Failed && o.SentMs >= stop.AtMs - 1000 && (back is null || o.SentMs < back.AtMs));
        var evidence = new List<string>
        {
            Invariant($"{node} stopped at {Seconds(timeline, stop.AtMs)}{(back is null ? string.Empty : $", started at {Seconds(timeline, back.AtMs)}")}; bound {bound.TotalMilliseconds:F0} ms"),
            Invariant($"{down.Count} requests sent while it was down, {failed} failed, {late.Count} of them later than the bound"),
            lastFailure is null
                ? "no request failed"
                : Invariant($"last failed request sent {lastFailure.SentMs - stop.AtMs} ms after the stop"),
        };
        var passed = late.Count == 0 && down.Any(o => o.SentMs > deadline && !o.Failed);
        if (!down.Any(o => o.SentMs > deadline))
        {
            evidence.Add("no request was sent after the bound while it was down: the timeline is too short to tell");
        }

        return new CheckResult(Name, passed, evidence, []);
    }

    /// <summary>After <paramref name="node"/> started again, no request fails and it answers again.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="node">The real server that was started.</param>
    /// <returns>The check's result.</returns>
    public static CheckResult ServesAgainAfterStart(ProbeTimeline timeline, string node)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        const string Name = "serves again after its start";
        var stop = timeline.FirstEvent(node, "stopped");
        var start = stop is null ? null : timeline.FirstEvent(node, "started", stop.AtMs);
        if (start is null)
        {
            return new CheckResult(Name, false, [$"no '{node} started' event after a stop in the timeline"], []);
        }

        var after = timeline.Outcomes.Where(o => o.SentMs >= start.AtMs).ToList();
        var failed = after.Count(o => o.Failed);
        var first = after.FirstOrDefault(o => o.Server == node);
        return new CheckResult(
            Name,
            failed == 0 && first is not null,
            [
                Invariant($"{after.Count} requests sent after {node} started at {Seconds(timeline, start.AtMs)}, {failed} failed"),
                first is null ? $"{node} answered none of them" : Invariant($"{node} answered again {first.SentMs - start.AtMs} ms after its start"),
            ],
            []);
    }

    private static string Seconds(ProbeTimeline timeline, long atMs) => Invariant($"{(atMs - timeline.StartMs) / 1000.0:F2} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
