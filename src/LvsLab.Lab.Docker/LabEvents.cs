using Docker.DotNet;
using Docker.DotNet.Models;
using LvsLab.Lab.Runtime;

namespace LvsLab.Lab.Docker;

/// <summary>The engine's container events for one lab's nodes (<c>docker events</c>), as node events.</summary>
internal static class LabEvents
{
    /// <summary>Reports each node that stops or starts until cancelled, whoever stops or starts it.</summary>
    /// <param name="client">The Docker client.</param>
    /// <param name="labName">The lab.</param>
    /// <param name="onEvent">Called for each event, on the reader's thread.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that ends when cancelled (it is not an error).</returns>
    public static async Task WatchAsync(DockerClient client, string labName, Action<NodeEvent> onEvent, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["type"] = new Dictionary<string, bool> { ["container"] = true },
            ["label"] = new Dictionary<string, bool> { [$"{LabLabels.Lab}={labName}"] = true },
            ["event"] = new Dictionary<string, bool> { ["die"] = true, ["start"] = true },
        };
        var progress = new Reporter(message =>
        {
            var node = message.Actor?.Attributes is { } attributes && attributes.TryGetValue(LabLabels.Node, out var n) ? n : null;
            var what = message.Action switch { "die" => "stopped", "start" => "started", _ => null };
            if (node is not null && what is not null)
            {
                onEvent(new NodeEvent(message.TimeNano is { } nanos ? DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000) : DateTimeOffset.UtcNow, node, what));
            }
        });
        try
        {
            await client.System.MonitorEventsAsync(new ContainerEventsParameters { Filters = filters }, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Progress<T> would post to a thread pool item per event and could reorder them: this calls back in order.
    private sealed class Reporter(Action<Message> report) : IProgress<Message>
    {
        public void Report(Message value) => report(value);
    }
}
