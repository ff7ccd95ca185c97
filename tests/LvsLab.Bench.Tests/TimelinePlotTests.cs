using LvsLab.Testing.Timeline;

namespace LvsLab.Bench.Tests;

/// <summary>The timeline picture: a bar per second, a colour per server, failures in red, events marked and named.</summary>
public sealed class TimelinePlotTests : IDisposable
{
    private const long Start = 1_700_000_000_000;
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];
    private readonly string folder = Directory.CreateTempSubdirectory("timelineplot-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TheSvgNamesEveryEventAndEveryServerAndHasARedBarForFailures()
    {
        var path = Path.Combine(folder, "t.svg");

        TimelinePlot.Save(path, Sample(), ["rs1", "rs2", "rs3"], "lab dr: stop rs1");

        var svg = File.ReadAllText(path);
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("rs1 stopped (2.3 s)", svg, StringComparison.Ordinal);
        Assert.Contains("rs1 health down (3.5 s)", svg, StringComparison.Ordinal);
        Assert.Contains("rs1 started (6.2 s)", svg, StringComparison.Ordinal);
        Assert.Contains("lab dr: stop rs1", svg, StringComparison.Ordinal);
        Assert.Contains("#D62728", svg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void APngIsWrittenForAPngFile()
    {
        var path = Path.Combine(folder, "t.png");

        TimelinePlot.Save(path, Sample(), null, "lab dr");

        Assert.Equal(PngSignature, File.ReadAllBytes(path)[..8]);
    }

    [Fact]
    public void AnotherExtensionIsRefusedAndNothingIsWritten()
    {
        var path = Path.Combine(folder, "t.jpg");
        var e = Assert.Throws<ArgumentException>(() => TimelinePlot.Save(path, Sample(), null, "lab dr"));
        Assert.Contains("t.jpg", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ATimelineWithoutFailuresDrawsNoRedBar()
    {
        var timeline = new ProbeTimeline(Start);
        timeline.Add(new ProbeOutcome(0, Start + 10, Start + 20, "rs1"));
        var path = Path.Combine(folder, "ok.svg");

        TimelinePlot.Save(path, timeline, ["rs1"], "lab dr");

        // The legend keeps its red swatch for "failed"; no bar adds another.
        var svg = File.ReadAllText(path);
        var withFailures = Path.Combine(folder, "bad.svg");
        TimelinePlot.Save(withFailures, Sample(), ["rs1"], "lab dr");
        Assert.True(Count(File.ReadAllText(withFailures), "#D62728") > Count(svg, "#D62728"));
    }

    private static int Count(string text, string what) =>
        (text.Length - text.Replace(what, string.Empty, StringComparison.OrdinalIgnoreCase).Length) / what.Length;

    // Ten seconds at six requests a second over three servers; rs1 stops at 2.3 s, is taken out at 3.5 s, starts at 6.2 s.
    private static ProbeTimeline Sample()
    {
        var timeline = new ProbeTimeline(Start);
        var servers = new[] { "rs1", "rs2", "rs3" };
        for (var i = 0; i < 60; i++)
        {
            var sent = Start + (i * 1000 / 6);
            var server = servers[i % 3];
            var failed = server == "rs1" && sent - Start is >= 2_300 and < 3_500;
            var skipped = server == "rs1" && sent - Start is >= 3_500 and < 6_500;
            timeline.Add(new ProbeOutcome(i, sent, sent + 5, failed ? null : skipped ? "rs2" : server));
        }

        timeline.Add(new TimelineEvent(Start + 2_300, "rs1", "stopped"));
        timeline.Add(new TimelineEvent(Start + 3_500, "rs1", "health down"));
        timeline.Add(new TimelineEvent(Start + 6_200, "rs1", "started"));
        return timeline;
    }
}
