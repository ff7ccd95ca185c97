using System.CommandLine;
using System.Globalization;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Timeline;
using LvsLab.Testing.Watch;

namespace LvsLab.Cli;

/// <summary>
/// <c>watch [--interval D] [--for D]</c>: the director's real servers live, like
/// <c>watch ipvsadm -Ln --rate</c> with each server's node and health, the nodes that are down and
/// the latest events (nodes stopped or started, health changes).
/// </summary>
internal static class WatchVerb
{
    private const int EventsShown = 8;

    /// <summary>The verb.</summary>
    public static Command Build()
    {
        var interval = new Option<string>("--interval") { Description = "how often to refresh (e.g. 1s, 500ms)", DefaultValueFactory = _ => "1s" };
        var during = new Option<string?>("--for") { Description = "stop after this long (default: until Ctrl-C)" };
        var name = LabVerbs.LabName();
        var command = new Command("watch", "the director's real servers live: weight, health, connections and rates (like watch ipvsadm -Ln --rate), nodes down, and events") { interval, during, name };
        command.SetAction(async (result, ct) =>
        {
            if (!Durations.TryParse(result.GetValue(interval), out var every) || every < TimeSpan.FromMilliseconds(100))
            {
                return LabVerbs.Fail($"--interval {result.GetValue(interval)}: a duration of at least 100ms, such as 1s");
            }

            var length = TimeSpan.MaxValue;
            if (result.GetValue(during) is { } text && !Durations.TryParse(text, out length))
            {
                return LabVerbs.Fail($"--for {text}: a duration such as 30s or 2m");
            }

            return await LabVerbs.RunAsync(result.GetValue(name), (runtime, lab) => WatchAsync(runtime, lab, every, length, ct), ct);
        });
        return command;
    }

    private static async Task<int> WatchAsync(DockerLabRuntime runtime, IRunningLab lab, TimeSpan every, TimeSpan length, CancellationToken cancellationToken)
    {
        var gate = new Lock();
        var states = lab.Nodes.ToDictionary(n => n.Name, n => n.State, StringComparer.Ordinal);
        var events = new List<TimelineEvent>();
        void Record(TimelineEvent e)
        {
            lock (gate)
            {
                events.Add(e);
                if (events.Count > EventsShown)
                {
                    events.RemoveAt(0);
                }
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (length != TimeSpan.MaxValue)
        {
            stop.CancelAfter(length);
        }

        var watcher = runtime.WatchNodeEventsAsync(
            lab.Topology.Name,
            e =>
            {
                lock (gate)
                {
                    states[e.Node] = e.What == "started" ? "running" : "exited";
                }

                Record(new TimelineEvent(e.At.ToUnixTimeMilliseconds(), e.Node, e.What));
            },
            stop.Token);
        var director = lab.Topology.Nodes.FirstOrDefault(n => n.Role == NodeRole.Director)?.Name;
        var nodeOf = TimelineRunner.NodeOfAddress(lab);
        var terminal = !Console.IsOutputRedirected;
        DirectorSnapshot? previous = null;
        using var timer = new PeriodicTimer(every);
        try
        {
            do
            {
                var current = await SnapshotAsync(lab, director, nodeOf, stop.Token);
                if (current is not null && previous is not null)
                {
                    foreach (var (node, what) in current.ChangesSince(previous))
                    {
                        Record(new TimelineEvent(current.AtMs, node, what));
                    }
                }

                string frame;
                lock (gate)
                {
                    var down = states.Where(s => s.Value != "running").Select(s => $"{s.Key} ({s.Value})").Order(StringComparer.Ordinal).ToList();
                    var title = string.Create(CultureInfo.InvariantCulture, $"lab {lab.Topology.Name} ({lab.Topology.Mode}), {DateTime.Now:HH:mm:ss}, every {every.TotalSeconds:0.###} s; rates over the last interval");
                    frame = WatchText.Render(title, previous, current, down, [.. events]);
                }

                Console.Write(terminal ? "\u001b[H\u001b[2J" + frame : frame + Environment.NewLine);
                previous = current ?? previous;
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await watcher;
        return 0;
    }

    // The director's counters, or null when it is down or runs no lvs-director.
    private static async Task<DirectorSnapshot?> SnapshotAsync(IRunningLab lab, string? director, Func<string, string?> nodeOf, CancellationToken cancellationToken)
    {
        if (director is null)
        {
            return null;
        }

        try
        {
            var run = await lab.ExecAsync(director, ["lvs-director", "stats", "--json"], cancellationToken);
            return run.ExitCode == 0 ? DirectorSnapshot.Parse(run.Stdout, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), nodeOf) : null;
        }
        catch (Exception e) when (e is LabConfigurationException or NodeNotRunningException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
