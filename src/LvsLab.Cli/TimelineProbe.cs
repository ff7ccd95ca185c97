using System.Globalization;
using LvsLab.Bench;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Timeline;

namespace LvsLab.Cli;

/// <summary>
/// <c>probe --for D --rate R</c>: requests at a steady rate for a while, shown second by second
/// (which real server answered, which failed, what happened to the lab), and saved as a picture.
/// </summary>
internal static class TimelineProbe
{
    /// <summary>Runs the timeline and prints it live.</summary>
    /// <param name="runtime">The Docker runtime (for node events).</param>
    /// <param name="lab">The lab.</param>
    /// <param name="client">The node that sends.</param>
    /// <param name="target">What is probed, for the first line (e.g. <c>http://VIP:80/</c>).</param>
    /// <param name="script">The client's script.</param>
    /// <param name="plot">The picture to write (.svg or .png), or null.</param>
    /// <param name="cancellationToken">Stops the timeline (Ctrl-C): what came so far is still shown and drawn.</param>
    /// <returns>0 when every request was answered, 1 when some failed.</returns>
    public static async Task<int> RunAsync(DockerLabRuntime runtime, IRunningLab lab, string client, string target, string script, string? plot, CancellationToken cancellationToken)
    {
        var servers = lab.Topology.Nodes.Where(n => n.Role == NodeRole.RealServer).Select(n => n.Name).ToList();
        Console.WriteLine($"{target} from {client}; a line per second: requests answered by each real server, failed (!), and events");
        Console.WriteLine(TimelineText.Header(servers));
        ProbeTimeline? timeline = null;
        try
        {
            timeline = await TimelineRunner.RunAsync(
                lab,
                client,
                script,
                servers,
                second => Console.WriteLine(TimelineText.Line(second, servers)),
                late => Console.WriteLine(timeline is null ? late.Label : TimelineText.LateEvent(timeline, late)),
                (sink, token) => runtime.WatchNodeEventsAsync(
                    lab.Topology.Name,
                    e => sink(new TimelineEvent(e.At.ToUnixTimeMilliseconds(), e.Node, e.What)),
                    token),
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: stop the client's loop too, so that it does not send on.
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await lab.ExecAsync(client, ["pkill", "-f", ProbeScript.Marker], cleanup.Token);
            Console.WriteLine("stopped");
            return 130;
        }

        Console.WriteLine();
        Console.WriteLine(TimelineText.Summary(timeline));
        if (plot is not null)
        {
            var title = string.Create(CultureInfo.InvariantCulture, $"lab {lab.Topology.Name} ({lab.Topology.Mode}): {target} from {client}");
            TimelinePlot.Save(plot, timeline, servers, title);
            Console.WriteLine($"wrote {Path.GetFullPath(plot)}");
        }

        return timeline.Failures.Count > 0 ? 1 : 0;
    }
}
