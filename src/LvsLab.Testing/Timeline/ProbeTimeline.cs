namespace LvsLab.Testing.Timeline;

/// <summary>
/// A timeline of requests and lab events, second by second: which real server answered each
/// request, which failed, and when nodes stopped, started or changed health. Safe to add to from
/// one thread while another reads it.
/// </summary>
/// <param name="startMs">Its start (the first request's due time), ms since the epoch.</param>
public sealed class ProbeTimeline(long startMs)
{
    private readonly Lock gate = new();
    private readonly List<ProbeOutcome> outcomes = [];
    private readonly List<TimelineEvent> events = [];

    /// <summary>Its start, ms since the epoch.</summary>
    public long StartMs { get; } = startMs;

    /// <summary>The requests so far, in the order they were sent.</summary>
    public IReadOnlyList<ProbeOutcome> Outcomes
    {
        get
        {
            lock (gate)
            {
                return [.. outcomes.OrderBy(o => o.Sequence)];
            }
        }
    }

    /// <summary>The events so far, in time order.</summary>
    public IReadOnlyList<TimelineEvent> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events.OrderBy(e => e.AtMs)];
            }
        }
    }

    /// <summary>The real servers that answered, in name order.</summary>
    public IReadOnlyList<string> Servers => [.. Outcomes.Where(o => o.Server is not null).Select(o => o.Server!).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Adds a request's outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    public void Add(ProbeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (gate)
        {
            outcomes.Add(outcome);
        }
    }

    /// <summary>Adds an event.</summary>
    /// <param name="labEvent">The event.</param>
    public void Add(TimelineEvent labEvent)
    {
        ArgumentNullException.ThrowIfNull(labEvent);
        lock (gate)
        {
            events.Add(labEvent);
        }
    }

    /// <summary>The second (since the start) that <paramref name="atMs"/> falls in.</summary>
    /// <param name="atMs">A time, ms since the epoch.</param>
    /// <returns>The second; negative before the start.</returns>
    public int SecondOf(long atMs) => (int)Math.Floor((atMs - StartMs) / 1000.0);

    /// <summary>The timeline second by second, from 0 to the last second with a request or an event.</summary>
    /// <param name="servers">The servers to count (their order is kept); null: those that answered.</param>
    /// <returns>One entry per second.</returns>
    public IReadOnlyList<TimelineSecond> Seconds(IReadOnlyList<string>? servers = null)
    {
        var all = Outcomes;
        var happened = Events;
        servers ??= Servers;
        var last = Math.Max(
            all.Count == 0 ? -1 : all.Max(o => SecondOf(o.SentMs)),
            happened.Count == 0 ? -1 : happened.Max(e => SecondOf(e.AtMs)));
        var seconds = new List<TimelineSecond>(last + 1);
        for (var s = 0; s <= last; s++)
        {
            var inSecond = all.Where(o => SecondOf(o.SentMs) == s).ToList();
            var answers = servers.ToDictionary(name => name, name => inSecond.Count(o => o.Server == name), StringComparer.Ordinal);
            seconds.Add(new TimelineSecond(s, answers, inSecond.Count(o => o.Failed), [.. happened.Where(e => Math.Max(0, SecondOf(e.AtMs)) == s)]));
        }

        return seconds;
    }

    /// <summary>The requests that failed, in the order they were sent.</summary>
    public IReadOnlyList<ProbeOutcome> Failures => [.. Outcomes.Where(o => o.Failed)];

    /// <summary>The first event on <paramref name="node"/> whose description is <paramref name="what"/>, at or after <paramref name="fromMs"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="what">What happened, e.g. <c>stopped</c>.</param>
    /// <param name="fromMs">The earliest time, ms since the epoch.</param>
    /// <returns>The event, or null.</returns>
    public TimelineEvent? FirstEvent(string node, string what, long fromMs = long.MinValue) =>
        Events.FirstOrDefault(e => e.Node == node && e.What == what && e.AtMs >= fromMs);
}
