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
    private readonly Dictionary<int, List<ProbeOutcome>> outcomesBySecond = [];
    private readonly Dictionary<int, List<TimelineEvent>> eventsBySecond = [];
    private int lastSecond = -1;

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
            File(outcomesBySecond, Math.Max(0, SecondOf(outcome.SentMs)), outcome);
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
            File(eventsBySecond, Math.Max(0, SecondOf(labEvent.AtMs)), labEvent);
        }
    }

    /// <summary>The second (since the start) that <paramref name="atMs"/> falls in.</summary>
    /// <param name="atMs">A time, ms since the epoch.</param>
    /// <returns>The second; negative before the start.</returns>
    public int SecondOf(long atMs) => (int)Math.Floor((atMs - StartMs) / 1000.0);

    /// <summary>The last second with a request or an event; -1 while there is none.</summary>
    public int LastSecond
    {
        get
        {
            lock (gate)
            {
                return lastSecond;
            }
        }
    }

    /// <summary>One second: the requests sent in it, by who answered, and the events in it (those before the start count in second 0).</summary>
    /// <param name="second">The second, from 0.</param>
    /// <param name="servers">The servers to count, in their order.</param>
    /// <returns>The second.</returns>
    public TimelineSecond Second(int second, IReadOnlyList<string> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        lock (gate)
        {
            var sent = outcomesBySecond.GetValueOrDefault(second) ?? [];
            var answers = servers.ToDictionary(name => name, name => sent.Count(o => o.Server == name), StringComparer.Ordinal);
            return new TimelineSecond(second, answers, sent.Count(o => o.Failed), [.. (eventsBySecond.GetValueOrDefault(second) ?? []).OrderBy(e => e.AtMs)]);
        }
    }

    /// <summary>The timeline second by second, from 0 to <see cref="LastSecond"/>.</summary>
    /// <param name="servers">The servers to count (their order is kept); null: those that answered.</param>
    /// <returns>One entry per second.</returns>
    public IReadOnlyList<TimelineSecond> Seconds(IReadOnlyList<string>? servers = null)
    {
        servers ??= Servers;
        return [.. Enumerable.Range(0, LastSecond + 1).Select(s => Second(s, servers))];
    }

    /// <summary>The requests that failed, in the order they were sent.</summary>
    public IReadOnlyList<ProbeOutcome> Failures => [.. Outcomes.Where(o => o.Failed)];

    private void File<T>(Dictionary<int, List<T>> bySecond, int second, T item)
    {
        if (!bySecond.TryGetValue(second, out var list))
        {
            bySecond[second] = list = [];
        }

        list.Add(item);
        lastSecond = Math.Max(lastSecond, second);
    }

    /// <summary>The first event on <paramref name="node"/> whose description is <paramref name="what"/>, at or after <paramref name="fromMs"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="what">What happened, e.g. <c>stopped</c>.</param>
    /// <param name="fromMs">The earliest time, ms since the epoch.</param>
    /// <returns>The event, or null.</returns>
    public TimelineEvent? FirstEvent(string node, string what, long fromMs = long.MinValue) =>
        Events.FirstOrDefault(e => e.Node == node && e.What == what && e.AtMs >= fromMs);
}
