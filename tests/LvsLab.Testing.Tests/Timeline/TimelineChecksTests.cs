using LvsLab.Testing.Timeline;

namespace LvsLab.Testing.Tests.Timeline;

/// <summary>The timeline checks pass a server that left the rotation in time and came back, and catch one that did not.</summary>
public sealed class TimelineChecksTests
{
    private const long Start = 1_700_000_000_000;
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(2_400);

    [Fact]
    public void FailuresThatEndWithinTheBoundPass()
    {
        var result = TimelineChecks.FailuresEndWithin(Run(takenOutAfterMs: 1_200), "rs1", Bound);
        Assert.True(result.Passed, string.Join("\n", result.Evidence));
        Assert.Contains(result.Evidence, e => e.StartsWith("rs1 stopped at 2.30 s, started at 8.00 s", StringComparison.Ordinal));
    }

    [Fact]
    public void FailuresThatGoOnPastTheBoundAreCaught()
    {
        // Without health checks the director keeps sending rs1 its share until it is back.
        var result = TimelineChecks.FailuresEndWithin(Run(takenOutAfterMs: null), "rs1", Bound);
        Assert.False(result.Passed);
        Assert.Contains(result.Evidence, e => e.Contains("later than the bound", StringComparison.Ordinal) && !e.Contains(", 0 of them", StringComparison.Ordinal));
    }

    [Fact]
    public void ATimelineThatEndsBeforeTheBoundCannotPass()
    {
        var timeline = new ProbeTimeline(Start);
        timeline.Add(new ProbeOutcome(0, Start, Start + 5, "rs2"));
        timeline.Add(new TimelineEvent(Start + 100, "rs1", "stopped"));
        var result = TimelineChecks.FailuresEndWithin(timeline, "rs1", Bound);
        Assert.False(result.Passed);
        Assert.Contains(result.Evidence, e => e.Contains("too short", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAStopEventTheCheckFailsAndSaysSo()
    {
        var result = TimelineChecks.FailuresEndWithin(new ProbeTimeline(Start), "rs1", Bound);
        Assert.False(result.Passed);
        Assert.Equal(["no 'rs1 stopped' event in the timeline"], result.Evidence);
    }

    [Fact]
    public void AServerBackInRotationWithoutFailuresPassesAndOneThatNeverAnswersIsCaught()
    {
        Assert.True(TimelineChecks.ServesAgainAfterStart(Run(takenOutAfterMs: 1_200), "rs1").Passed);

        var neverBack = Run(takenOutAfterMs: 1_200, answersAfterStart: false);
        var result = TimelineChecks.ServesAgainAfterStart(neverBack, "rs1");
        Assert.False(result.Passed);
        Assert.Contains("rs1 answered none of them", result.Evidence);
    }

    // Twelve seconds at ten requests a second, round robin over rs1..rs3; rs1 stops at 2.3 s and
    // starts at 8 s. Its requests fail until it is taken out (never, for null), then go to rs2.
    private static ProbeTimeline Run(int? takenOutAfterMs, bool answersAfterStart = true)
    {
        var timeline = new ProbeTimeline(Start);
        string[] servers = ["rs1", "rs2", "rs3"];
        for (var i = 0; i < 120; i++)
        {
            var at = i * 100L;
            var server = servers[i % 3];
            string? answer = server;
            if (server == "rs1" && at >= 2_300 && at < 8_000)
            {
                answer = takenOutAfterMs is { } t && at >= 2_300 + t ? "rs2" : null;
            }
            else if (server == "rs1" && at >= 8_000 && !answersAfterStart)
            {
                answer = "rs2";
            }

            timeline.Add(new ProbeOutcome(i, Start + at, Start + at + 3, answer));
        }

        timeline.Add(new TimelineEvent(Start + 2_300, "rs1", "stopped"));
        timeline.Add(new TimelineEvent(Start + 8_000, "rs1", "started"));
        return timeline;
    }
}
