using System.Globalization;
using ScottPlot;

namespace LvsLab.Bench;

/// <summary>
/// The bench as a picture: one PNG, two panels. Above, the UDP packet-rate search: packets
/// delivered per second against packets offered per second (both axes logarithmic), a line per
/// mode and forwarder, beside the line where everything offered arrives. Below, TCP connections
/// per second: a bar per mode and forwarder at the median of its runs, each run a dot. A forwarder
/// has one colour in both panels.
/// </summary>
/// <remarks>
/// SkiaSharp's Linux library here is the one without fontconfig: it reads the fonts under
/// <c>/usr/share/fonts</c> (Debian's <c>fonts-dejavu-core</c>, say), and the first sans-serif
/// family found there is used. On a machine with no fonts at all the picture is still drawn, without its text.
/// </remarks>
public static class BenchPlot
{
    private static readonly IPalette Colours = new ScottPlot.Palettes.Category10();

    // A sans-serif family among the installed fonts, or null (then SkiaSharp's default: the first family found).
    private static readonly string? SansSerif = SkiaSharp.SKFontManager.Default.FontFamilies
        .Where(f => f.Contains("Sans", StringComparison.Ordinal) && !f.Contains("Mono", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>Renders the bench and saves it as a PNG.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tcp">Every ab run.</param>
    /// <param name="udp">Every step of the UDP search (may be empty).</param>
    /// <param name="title">The figure's title (the machine, say).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(string path, IReadOnlyList<BenchSample> tcp, IReadOnlyList<UdpRateSample> udp, string title, int width = 1000, int height = 1000)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tcp);
        ArgumentNullException.ThrowIfNull(udp);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 200);
        var forwarders = udp.Select(s => s.Forwarder).Concat(tcp.Select(s => s.Forwarder)).Distinct(StringComparer.Ordinal).ToList();
        Color ColourOf(string forwarder) => Colours.GetColor(forwarders.IndexOf(forwarder));

        using var udpPanel = UdpPanel(udp, ColourOf, title);
        using var tcpPanel = TcpPanel(tcp, ColourOf);
        Plot[] panels = [udpPanel, tcpPanel];
        var figure = new Multiplot(udpPanel);
        figure.AddPlot(tcpPanel);
        if (SansSerif is { } font)
        {
            foreach (var panel in panels)
            {
                panel.Font.Set(font);
            }
        }

        figure.Layout = new ScottPlot.MultiplotLayouts.Rows();
        figure.SavePng(path, width, height);
    }

    private static Plot UdpPanel(IReadOnlyList<UdpRateSample> udp, Func<string, Color> colourOf, string title)
    {
        var plot = new Plot();
        plot.Title($"{title}\nUDP, 64-byte packets: delivered against offered");
        plot.XLabel("offered, packets/s");
        plot.YLabel("delivered, packets/s");
        if (udp.Count == 0)
        {
            return Empty(plot, "no UDP search in this run");
        }

        var groups = udp.GroupBy(s => (s.Mode, s.Forwarder)).ToList();
        for (var i = 0; i < groups.Count; i++)
        {
            // Lines drawn first are drawn wider, so that one lying on another still shows.
            var group = groups[i];
            var steps = group.OrderBy(s => s.OfferedPerSecond).ToList();
            var line = plot.Add.Scatter(
                steps.Select(s => Math.Log10(s.OfferedPerSecond)).ToArray(),
                steps.Select(s => Math.Log10(Math.Max(1, Delivered(s)))).ToArray(),
                colourOf(group.Key.Forwarder));
            line.LegendText = $"{group.Key.Mode} {group.Key.Forwarder}";
            line.LineWidth = 2 + (groups.Count - 1 - i);
            line.MarkerSize = 7 + (2 * (groups.Count - 1 - i));
            line.LinePattern = group.Key.Mode == "nat" ? LinePattern.Dashed : LinePattern.Solid;
            line.MarkerShape = group.Key.Mode == "nat" ? MarkerShape.FilledSquare : MarkerShape.FilledCircle;
        }

        // Everything offered arrives: the line delivered = offered.
        double low = Math.Log10(udp.Min(s => s.OfferedPerSecond)), high = Math.Log10(udp.Max(s => s.OfferedPerSecond));
        var ideal = plot.Add.Line(low, low, high, high);
        ideal.Color = Colors.Gray;
        ideal.LinePattern = LinePattern.Dotted;
        ideal.LegendText = "delivered = offered";

        var lowest = Math.Log10(Math.Max(1, udp.Min(Delivered)));
        plot.Axes.Bottom.SetTicks(LogTicks(low, high), LogLabels(low, high));
        plot.Axes.Left.SetTicks(LogTicks(Math.Min(lowest, low), high), LogLabels(Math.Min(lowest, low), high));
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot TcpPanel(IReadOnlyList<BenchSample> tcp, Func<string, Color> colourOf)
    {
        var plot = new Plot();
        plot.Title("TCP: connections/s through each forwarder (bar: median of the runs; dots: the runs)");
        plot.YLabel("connections/s");
        if (tcp.Count == 0)
        {
            return Empty(plot, "no TCP runs");
        }

        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var position = 0.0;
        foreach (var mode in tcp.GroupBy(s => s.Mode))
        {
            foreach (var forwarder in mode.GroupBy(s => s.Forwarder))
            {
                var rates = forwarder.Select(s => s.Result.RequestsPerSecond).ToArray();
                var median = BenchReport.Median(rates);
                bars.Add(new Bar
                {
                    Position = position,
                    Value = median,
                    FillColor = colourOf(forwarder.Key),
                    Label = median.ToString("F0", CultureInfo.InvariantCulture),
                });
                var runs = plot.Add.ScatterPoints(Enumerable.Repeat(position, rates.Length).ToArray(), rates, Colors.Black);
                runs.MarkerSize = 4;
                ticks.Add(new Tick(position, $"{mode.Key}\n{forwarder.Key}"));
                position++;
            }

            position++; // a gap between modes
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontName = SansSerif ?? barPlot.ValueLabelStyle.FontName;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return plot;
    }

    private static Plot Empty(Plot plot, string note)
    {
        plot.Add.Annotation(note, Alignment.MiddleCenter);
        plot.Axes.Bottom.SetTicks([], []);
        plot.Axes.Left.SetTicks([], []);
        plot.HideGrid();
        return plot;
    }

    // Packets per second that arrived: the achieved sending rate (the offered one when unknown) less the loss.
    private static double Delivered(UdpRateSample sample) =>
        (sample.AchievedPerSecond > 0 ? sample.AchievedPerSecond : sample.OfferedPerSecond) * (1 - sample.Loss);

    // 1, 2 and 5 times the powers of ten from just below 10^low to just above 10^high, as log10.
    private static double[] LogTicks(double low, double high)
    {
        var ticks = new List<double>();
        for (var decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (var step in (ReadOnlySpan<double>)[1, 2, 5])
            {
                var tick = decade + Math.Log10(step);
                if (tick >= low - 0.35 && tick <= high + 0.35)
                {
                    ticks.Add(tick);
                }
            }
        }

        return [.. ticks];
    }

    private static string[] LogLabels(double low, double high) =>
        [.. LogTicks(low, high).Select(t => Math.Round(Math.Pow(10, t)) switch
        {
            >= 1_000_000 and var v => string.Create(CultureInfo.InvariantCulture, $"{v / 1_000_000:0.#}M"),
            >= 1_000 and var v => string.Create(CultureInfo.InvariantCulture, $"{v / 1_000:0.#}k"),
            var v => v.ToString("0", CultureInfo.InvariantCulture),
        })];
}
