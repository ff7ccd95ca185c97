using System.Globalization;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Watch;

namespace LvsLab.Testing.Timeline;

/// <summary>
/// Runs a timeline in a lab: the client sends requests at a steady rate (<see cref="ProbeScript"/>)
/// while the director's health states are polled and node events are fed in, and each second is
/// handed out as soon as every request sent in it has ended.
/// </summary>
public static class TimelineRunner
{
    /// <summary>How often the director's health states are read.</summary>
    public static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="script"/> in <paramref name="client"/> and records the timeline.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="client">The node that sends.</param>
    /// <param name="script">The script (<see cref="ProbeScript.Http"/> or <see cref="ProbeScript.Udp"/>).</param>
    /// <param name="servers">The real servers' names, the columns of the seconds.</param>
    /// <param name="onSecond">Called with each complete second, in order.</param>
    /// <param name="onLateEvent">Called with an event that arrives for a second already handed out.</param>
    /// <param name="feedEvents">Started with the timeline's event sink (node stops and starts from the container engine, say); null: none.</param>
    /// <param name="cancellationToken">Stops the timeline.</param>
    /// <returns>The timeline.</returns>
    public static async Task<ProbeTimeline> RunAsync(
        IRunningLab lab,
        string client,
        string script,
        IReadOnlyList<string> servers,
        Action<TimelineSecond> onSecond,
        Action<TimelineEvent> onLateEvent,
        Func<Action<TimelineEvent>, CancellationToken, Task>? feedEvents,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(onSecond);
        ArgumentNullException.ThrowIfNull(onLateEvent);
        ArgumentNullException.ThrowIfNull(servers);
        ProbeTimeline? timeline = null;
        var early = new List<TimelineEvent>();
        var gate = new Lock();
        var printed = -1;
        var printedEvents = new HashSet<TimelineEvent>();
        int rate = 1, count = 1;
        var arrived = new HashSet<int>();
        var contiguous = 0; // every request below this one has ended

        void AddEvent(TimelineEvent e)
        {
            lock (gate)
            {
                if (timeline is null)
                {
                    early.Add(e);
                    return;
                }

                timeline.Add(e);
                if (timeline.SecondOf(e.AtMs) <= printed && printedEvents.Add(e))
                {
                    onLateEvent(e);
                }
            }
        }

        // Hands out every second whose requests have all ended (requests are sent no earlier than due).
        void Flush(bool all)
        {
            lock (gate)
            {
                if (timeline is null)
                {
                    return;
                }

                while (printed + 1 <= timeline.LastSecond)
                {
                    var next = printed + 1;
                    var due = Math.Min(count, (int)Math.Ceiling((next + 1) * (double)rate));
                    while (arrived.Contains(contiguous))
                    {
                        contiguous++;
                    }

                    if (!all && contiguous < due)
                    {
                        break;
                    }

                    var second = timeline.Second(next, servers);
                    printed = next;
                    foreach (var e in second.Events)
                    {
                        printedEvents.Add(e);
                    }

                    onSecond(second);
                }
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new List<Task> { PollHealthAsync(lab, AddEvent, stop.Token) };
        if (feedEvents is not null)
        {
            watchers.Add(feedEvents(AddEvent, stop.Token));
        }

        try
        {
            await foreach (var line in lab.ExecLinesAsync(client, ["sh", "-c", script], cancellationToken))
            {
                if (line.StartsWith("start ", StringComparison.Ordinal))
                {
                    var words = line.Split(' ');
                    lock (gate)
                    {
                        timeline = new ProbeTimeline(long.Parse(words[1], CultureInfo.InvariantCulture));
                        rate = int.Parse(words[2], CultureInfo.InvariantCulture);
                        count = int.Parse(words[3], CultureInfo.InvariantCulture);
                        foreach (var e in early)
                        {
                            timeline.Add(e);
                        }
                    }
                }
                else if (ProbeOutcome.TryParse(line) is { } outcome && timeline is not null)
                {
                    lock (gate)
                    {
                        timeline.Add(outcome);
                        arrived.Add(outcome.Sequence);
                    }

                    Flush(all: false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        Flush(all: true);
        return timeline ?? throw new InvalidOperationException($"the client '{client}' ran no timeline (is it running, with sh, date and curl?)");
    }

    // Reads each director's health states, weights and VRRP state and reports each change: the
    // real servers' changes as the director holding the VIPs sees them (the pair's master), a
    // pair's VRRP changes from each director. A director that does not answer at the start runs
    // no lvs-director and is left alone; one that answered keeps being asked while it is stopped.
    private static async Task PollHealthAsync(IRunningLab lab, Action<TimelineEvent> report, CancellationToken cancellationToken)
    {
        var directors = lab.Nodes.Where(n => n.Role == NodeRole.Director && n.IsRunning).Select(n => n.Name).ToList();
        var nodeOf = NodeOfAddress(lab);
        var previous = new Dictionary<string, DirectorSnapshot>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(HealthPollInterval);

        // A director of a pair that stops answering has no VRRP state until it answers again
        // (then its state is news, even if it is the one it had before it stopped).
        void Unanswered(string director)
        {
            if (previous.TryGetValue(director, out var before) && before.Vrrp is not null)
            {
                previous[director] = before with { Vrrp = "unknown" };
            }
        }

        do
        {
            foreach (var director in directors.ToList())
            {
                ExecResult result;
                try
                {
                    result = await lab.ExecAsync(director, ["lvs-director", "stats", "--json"], cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
                {
                    // Stopped (NodeNotRunningException) or the engine did not answer: asked again next time.
                    Unanswered(director);
                    continue;
                }

                if (result.ExitCode != 0)
                {
                    if (!previous.ContainsKey(director))
                    {
                        directors.Remove(director);
                    }

                    Unanswered(director);
                    continue;
                }

                var snapshot = DirectorSnapshot.Parse(result.Stdout, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), nodeOf);
                if (previous.TryGetValue(director, out var before))
                {
                    if (snapshot.VrrpChangeSince(before) is { } change)
                    {
                        report(new TimelineEvent(snapshot.AtMs, director, change));
                    }

                    if (snapshot.HoldsTheVips)
                    {
                        foreach (var (node, what) in snapshot.ChangesSince(before))
                        {
                            report(new TimelineEvent(snapshot.AtMs, node, what));
                        }
                    }
                }

                previous[director] = snapshot;
            }
        }
        while (directors.Count > 0 && await WaitAsync(timer, cancellationToken));
    }

    /// <summary>Maps an address to the lab node that has it.</summary>
    /// <param name="lab">The lab.</param>
    /// <returns>The lookup: address text to node name, or null.</returns>
    public static Func<string, string?> NodeOfAddress(IRunningLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in lab.Topology.Nodes)
        {
            foreach (var nic in node.Interfaces)
            {
                map.TryAdd(nic.Address.ToString(), node.Name);
            }
        }

        return address => map.GetValueOrDefault(address);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
