using System.Globalization;
using LvsLab.Testing.Timeline;
using ScottPlot;

namespace LvsLab.Bench;

/// <summary>
/// A timeline as a picture: one stacked bar per second, a colour per real server and red for
/// failed requests, and a vertical line at each event (a node stopped or started, a real server's
/// health or weight changed) with its label, so that a failover, a drain or a restart shows at a glance.
/// Saved as SVG or PNG, by the file's extension.
/// </summary>
public static class TimelinePlot
{
    private static readonly IPalette Colours = new ScottPlot.Palettes.Category10();
    private static readonly Color FailedColour = Color.FromHex("#d62728");

    private static readonly string? SansSerif = SkiaSharp.SKFontManager.Default.FontFamilies
        .Where(f => f.Contains("Sans", StringComparison.Ordinal) && !f.Contains("Mono", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>Renders <paramref name="timeline"/> and saves it.</summary>
    /// <param name="path">The file: <c>.svg</c> or <c>.png</c>.</param>
    /// <param name="timeline">The timeline.</param>
    /// <param name="servers">The real servers, in colour order (null: those that answered).</param>
    /// <param name="title">The picture's title.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <exception cref="ArgumentException">The file is neither .svg nor .png.</exception>
    public static void Save(string path, ProbeTimeline timeline, IReadOnlyList<string>? servers, string title, int width = 1000, int height = 450)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeline);
        var extension = Path.GetExtension(path).ToUpperInvariant();
        if (extension is not (".SVG" or ".PNG"))
        {
            throw new ArgumentException($"'{path}': a timeline picture is .svg or .png", nameof(path));
        }

        using var plot = Render(timeline, servers ?? timeline.Servers, title);
        if (extension == ".SVG")
        {
            plot.SaveSvg(path, width, height);
        }
        else
        {
            plot.SavePng(path, width, height);
        }
    }

    private static Plot Render(ProbeTimeline timeline, IReadOnlyList<string> servers, string title)
    {
        var plot = new Plot();
        if (SansSerif is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Title(title);
        plot.XLabel("seconds since the first request");
        plot.YLabel("requests sent in the second");
        var seconds = timeline.Seconds(servers);
        var bars = new List<Bar>();
        foreach (var second in seconds)
        {
            double top = 0;
            for (var i = 0; i < servers.Count; i++)
            {
                var n = second.Answers.GetValueOrDefault(servers[i]);
                if (n > 0)
                {
                    bars.Add(Segment(second.Second, top, top + n, Colours.GetColor(i)));
                    top += n;
                }
            }

            if (second.Failed > 0)
            {
                bars.Add(Segment(second.Second, top, top + second.Failed, FailedColour));
            }
        }

        if (bars.Count > 0)
        {
            plot.Add.Bars(bars);
        }

        var highest = seconds.Count == 0 ? 1 : Math.Max(1, seconds.Max(s => s.Sent));
        var events = timeline.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var x = (e.AtMs - timeline.StartMs) / 1000.0;
            var colour = e.What is "stopped" or "health down" ? FailedColour
                : e.What is "started" or "health up" ? Color.FromHex("#2ca02c")
                : Color.FromHex("#9467bd");
            var line = plot.Add.VerticalLine(x, 1.5f, colour);
            line.LinePattern = LinePattern.Dashed;
            // Labels step down the space above the bars so that events close together do not overwrite each other.
            var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"{e.Label} ({x:F1} s)"), x, highest * (1.46 - 0.08 * (i % 4)));
            label.LabelFontColor = colour;
            label.LabelFontSize = 12;
            label.LabelAlignment = Alignment.UpperLeft;
        }

        for (var i = 0; i < servers.Count; i++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = servers[i], FillColor = Colours.GetColor(i) });
        }

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "failed", FillColor = FailedColour });
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.SetLimits(0, Math.Max(1, seconds.Count), 0, highest * 1.5);
        return plot;
    }

    private static Bar Segment(int second, double bottom, double top, Color colour) => new()
    {
        Position = second + 0.5,
        ValueBase = bottom,
        Value = top,
        Size = 0.9,
        FillColor = colour,
        LineWidth = 0,
    };
}
