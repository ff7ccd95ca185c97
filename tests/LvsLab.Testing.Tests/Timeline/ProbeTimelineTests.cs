using LvsLab.Testing.Timeline;

namespace LvsLab.Testing.Tests.Timeline;

/// <summary>A timeline second by second, its text, and the lines it is read from.</summary>
public sealed class ProbeTimelineTests
{
    private const long Start = 1_700_000_000_000;

    [Theory]
    [InlineData("r 7 1700000000100 1700000000105 server=rs2 client=10.1.0.2:41234", 7, "rs2")]
    [InlineData("r 8 1700000000150 1700000001150 FAILED", 8, null)]
    [InlineData("r 9 1700000000200 1700000000210 <html>503</html>", 9, null)]
    public void ARequestsLineGivesItsOutcome(string line, int sequence, string? server)
    {
        var outcome = ProbeOutcome.TryParse(line);
        Assert.NotNull(outcome);
        Assert.Equal(sequence, outcome.Sequence);
        Assert.Equal(server, outcome.Server);
        Assert.Equal(server is null, outcome.Failed);
    }

    [Theory]
    [InlineData("start 1700000000000 20 600")]
    [InlineData("r x 1 2 server=rs1 client=1.2.3.4:5")]
    [InlineData("r 1 2")]
    [InlineData("")]
    public void OtherLinesAreNoOutcome(string line) => Assert.Null(ProbeOutcome.TryParse(line));

    [Fact]
    public void RequestsAndEventsFallInTheSecondTheyHappenedIn()
    {
        var timeline = Sample();

        var seconds = timeline.Seconds(["rs1", "rs2", "rs3"]);

        Assert.Equal(4, seconds.Count);
        Assert.Equal(new Dictionary<string, int> { ["rs1"] = 2, ["rs2"] = 1, ["rs3"] = 1 }, seconds[0].Answers);
        Assert.Equal(0, seconds[0].Failed);
        Assert.Equal(2, seconds[1].Failed);
        Assert.Equal(["rs1 stopped"], seconds[1].Events.Select(e => e.Label));
        Assert.Equal(["rs1 health down"], seconds[2].Events.Select(e => e.Label));
        Assert.Equal(0, seconds[3].Answers["rs1"]);
        Assert.Equal(4, seconds[3].Sent);
    }

    [Fact]
    public void TheTextShowsEachSecondAndWhenTheFailuresHappened()
    {
        var timeline = Sample();
        var servers = new[] { "rs1", "rs2", "rs3" };

        Assert.Equal("  TIME    rs1    rs2    rs3 FAILED  EVENTS", TimelineText.Header(servers));
        Assert.Equal("    1s      0      1      1    2 !  rs1 stopped", TimelineText.Line(timeline.Seconds(servers)[1], servers));
        Assert.Equal("    0s      2      1      1      0", TimelineText.Line(timeline.Seconds(servers)[0], servers));
        Assert.Equal(
            "16 requests: rs1 2, rs2 6, rs3 6, failed 2 (12.5 %)" + Environment.NewLine
            + "failures sent from 1.00 s to 1.75 s (0.75 s)" + Environment.NewLine
            + "events: rs1 stopped at 1.01 s, rs1 health down at 2.10 s",
            TimelineText.Summary(timeline));
        Assert.Equal("  (2.1s)  rs1 health down", TimelineText.LateEvent(timeline, timeline.Events[1]));
    }

    [Fact]
    public void TheFirstEventOfAKindIsFoundByNode()
    {
        var timeline = Sample();
        Assert.Equal(Start + 1_010, timeline.FirstEvent("rs1", "stopped")?.AtMs);
        Assert.Null(timeline.FirstEvent("rs1", "stopped", Start + 2_000));
        Assert.Null(timeline.FirstEvent("rs2", "stopped"));
    }

    // Four requests a second for four seconds: rs1 stops at 1.01 s, its two requests that second
    // fail, the health check takes it out at 2.1 s.
    private static ProbeTimeline Sample()
    {
        var timeline = new ProbeTimeline(Start);
        string?[][] answers =
        [
            ["rs1", "rs2", "rs3", "rs1"],
            [null, "rs2", "rs3", null],
            ["rs2", "rs3", "rs2", "rs3"],
            ["rs2", "rs3", "rs2", "rs3"],
        ];
        var sequence = 0;
        for (var s = 0; s < answers.Length; s++)
        {
            for (var i = 0; i < 4; i++)
            {
                var sent = Start + (s * 1000) + (i * 250);
                timeline.Add(new ProbeOutcome(sequence++, sent, sent + 5, answers[s][i]));
            }
        }

        timeline.Add(new TimelineEvent(Start + 2_100, "rs1", "health down"));
        timeline.Add(new TimelineEvent(Start + 1_010, "rs1", "stopped"));
        return timeline;
    }
}
