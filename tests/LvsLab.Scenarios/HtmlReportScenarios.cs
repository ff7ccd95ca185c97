using System.Diagnostics;
using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;
using LvsLab.Testing.Capture;
using SkiaSharp;

namespace LvsLab.Scenarios;

/// <summary>
/// The conformance report's HTML page as a person sees it: rendered by headless Chromium (CI
/// installs Debian's chromium), the matrix in the DOM with every verdict, and a screenshot kept
/// with the artifacts that is a picture, not a blank page.
/// </summary>
public sealed class HtmlReportScenarios(ITestOutputHelper output)
{
    private static readonly string? Chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
        .Select(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
        .FirstOrDefault(path => path is not null);

    [SkippableFact]
    public async Task TheHtmlReportRendersInHeadlessChromiumWithEveryVerdict()
    {
        Skip.If(Chromium is null, "no chromium on this machine (.ci/run installs Debian's chromium)");
        var folder = Artifacts.For(nameof(HtmlReportScenarios), nameof(TheHtmlReportRendersInHeadlessChromiumWithEveryVerdict));
        var verdicts = Enum.GetValues<CaseVerdict>();
        var cases = verdicts.Select((v, i) => new CaseOutcome($"DR-T{i + 1}-1", "dr", v == CaseVerdict.NonStrict ? CaseLevel.Should : CaseLevel.Must, $"case {i + 1}", v, [$"evidence of {v}"], [], 0.1)).ToList();
        var report = new ConformanceReport([new ForwarderResult("example", "stock", cases, 1)], DateTimeOffset.UtcNow);
        ReportFiles.WriteAll(report, folder);
        var page = new Uri(Path.Combine(folder, "report.html")).AbsoluteUri;
        var screenshot = Path.Combine(folder, "report.png");

        var dom = await RunAsync(["--dump-dom", page]);
        await RunAsync([$"--screenshot={screenshot}", "--window-size=1280,800", "--hide-scrollbars", page]);

        foreach (var outcome in cases)
        {
            Assert.Contains(outcome.Id, dom, StringComparison.Ordinal);
        }

        foreach (var word in new[] { "pass", "FAIL", "non-strict", "ERROR" })
        {
            Assert.Contains(word, dom, StringComparison.Ordinal);
        }

        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.NotNull(bitmap);
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 4)
        {
            for (var x = 0; x < bitmap.Width; x += 4)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        output.WriteLine($"{screenshot}: {bitmap.Width}×{bitmap.Height}, {colours.Count} colours sampled");
        Assert.True(colours.Count >= 8, $"the screenshot looks blank: {colours.Count} colours");
    }

    private async Task<string> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(Chromium!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await stderr}");
        output.WriteLine($"chromium {string.Join(' ', arguments)}: exit 0");
        return await stdout;
    }
}
