using System.Runtime.CompilerServices;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Timeline;

namespace LvsLab.Testing.Tests.Timeline;

/// <summary>
/// The runner's bookkeeping, fed the client's lines by a stand-in lab (no Docker): a second is
/// handed out only once every request due in it has ended, in order, and an event that comes
/// after its second was handed out is reported as late.
/// </summary>
public sealed class TimelineRunnerTests
{
    private const long Start = 1_700_000_000_000;

    [Fact]
    public async Task ASecondIsHandedOutOnlyOnceEveryRequestDueInItHasEnded()
    {
        // Two requests a second for three seconds; request 1 (second 0) ends last of all.
        string[] lines =
        [
            $"start {Start} 2 6",
            Line(0, 0, "rs1"),
            Line(2, 1_000, "rs1"),
            Line(3, 1_500, "rs2"),
            Line(4, 2_000, null),
            Line(5, 2_500, "rs2"),
            Line(1, 500, "rs2"),
            $"end {Start + 3_000}",
        ];
        var handedOut = new List<(int Second, int Sent, int LinesSeen)>();
        var lab = new ScriptedLab(lines);

        var timeline = await TimelineRunner.RunAsync(lab, "client", "script", ["rs1", "rs2"], s => handedOut.Add((s.Second, s.Sent, lab.LinesGiven)), _ => { }, null);

        // Nothing could be handed out before request 1's line (the 7th) came; then all of it at once.
        Assert.Equal([(0, 2, 7), (1, 2, 7), (2, 2, 7)], handedOut);
        Assert.Equal(6, timeline.Outcomes.Count);
        Assert.Single(timeline.Failures);
    }

    [Fact]
    public async Task SecondsAreHandedOutAsTheyCompleteAndALateEventIsReportedApart()
    {
        string[] lines =
        [
            $"start {Start} 1 3",
            Line(0, 0, "rs1"),
            Line(1, 1_000, "rs2"),
            Line(2, 2_000, "rs1"),
        ];
        var handedOut = new List<(int Second, int LinesSeen)>();
        var late = new List<TimelineEvent>();
        var lab = new ScriptedLab(lines);
        Action<TimelineEvent>? sink = null;
        var fed = new TaskCompletionSource();

        var run = TimelineRunner.RunAsync(
            lab,
            "client",
            "script",
            ["rs1", "rs2"],
            s =>
            {
                handedOut.Add((s.Second, lab.LinesGiven));
                if (s.Second == 1)
                {
                    // An event of second 0 that arrives now is late.
                    sink!(new TimelineEvent(Start + 400, "rs1", "health down"));
                }
            },
            late.Add,
            (add, _) =>
            {
                sink = add;
                fed.SetResult();
                return Task.CompletedTask;
            });
        await fed.Task;
        var timeline = await run;

        Assert.Equal([(0, 2), (1, 3), (2, 4)], handedOut);
        Assert.Equal("rs1 health down", Assert.Single(late).Label);
        Assert.Equal("rs1 health down", Assert.Single(timeline.Seconds(["rs1", "rs2"])[0].Events).Label);
    }

    [Fact]
    public async Task AClientThatRunsNoTimelineIsAClearError()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TimelineRunner.RunAsync(new ScriptedLab(["sh: curl: not found"]), "client", "script", ["rs1"], _ => { }, _ => { }, null));
        Assert.Contains("the client 'client' ran no timeline", e.Message, StringComparison.Ordinal);
    }

    private static string Line(int sequence, long sentAfterStart, string? server) =>
        $"r {sequence} {Start + sentAfterStart} {Start + sentAfterStart + 5} {(server is null ? "FAILED" : $"server={server} client=10.0.0.2:4000{sequence}")}";

    // A lab whose only node runs a "script" that prints the given lines; nothing else is used.
    private sealed class ScriptedLab(IReadOnlyList<string> lines) : IRunningLab
    {
        public int LinesGiven { get; private set; }

        public LabTopology Topology => throw new NotSupportedException();

        public IReadOnlyList<RunningNode> Nodes => [];

        public RunningNode Node(string name) => throw new NotSupportedException();

        public async IAsyncEnumerable<string> ExecLinesAsync(string node, IReadOnlyList<string> command, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var line in lines)
            {
                await Task.Yield();
                LinesGiven++;
                yield return line;
            }
        }

        public Task<ExecResult> ExecAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StopNodeAsync(string node, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StartNodeAsync(string node, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RestartNodeAsync(string node, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> SetLinkAsync(string node, string? network, bool up, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(string Stdout, string Stderr)> LogsAsync(string node, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
