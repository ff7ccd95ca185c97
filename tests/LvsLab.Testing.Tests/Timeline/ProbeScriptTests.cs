using System.Diagnostics;
using System.Net;
using LvsLab.Testing.Timeline;

namespace LvsLab.Testing.Tests.Timeline;

/// <summary>
/// The client's timeline loop, run here by <c>/bin/sh</c> with a stand-in <c>curl</c>: requests
/// go out no earlier than due, each as its own process, and each leaves one line.
/// </summary>
public sealed class ProbeScriptTests : IDisposable
{
    // A stand-in curl: answers as real server rs1 or rs2 by the second's parity; "fail" in the
    // URL makes every request fail; "slow" makes the first one hang past the next ones.
    private const string FakeCurl = """
        #!/bin/sh
        url=""; for a in "$@"; do url="$a"; done
        case "$url" in *fail*) exit 28 ;; esac
        case "$url" in *slow*) [ -e "$CURL_DIR/slow-done" ] || { touch "$CURL_DIR/slow-done"; sleep 0.5; } ;; esac
        echo "server=rs$(( $(date +%s) % 2 + 1 )) client=10.0.0.2:40000"
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("lvslab-timeline-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void EveryRequestLeavesOneLineAndNoneGoesOutBeforeItIsDue()
    {
        var lines = Run(ProbeScript.Http("http://10.0.0.100:80/", 50, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)));

        var start = long.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"start {start} 50 20", lines[0]);
        Assert.StartsWith("end ", lines[^1], StringComparison.Ordinal);
        var outcomes = lines.Select(ProbeOutcome.TryParse).OfType<ProbeOutcome>().OrderBy(o => o.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, 20), outcomes.Select(o => o.Sequence));
        Assert.All(outcomes, o => Assert.True(o.SentMs >= start + (o.Sequence * 20), $"request {o.Sequence} sent {o.SentMs - start} ms after the start, due at {o.Sequence * 20}"));
        Assert.All(outcomes, o => Assert.True(o.DoneMs >= o.SentMs));
        Assert.All(outcomes, o => Assert.Matches("^rs[12]$", o.Server));
    }

    [Fact]
    public void ARequestThatFailsIsMarkedFailed()
    {
        var outcomes = Run(ProbeScript.Http("http://10.0.0.100:80/fail", 20, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)))
            .Select(ProbeOutcome.TryParse).OfType<ProbeOutcome>().ToList();

        var only = Assert.Single(outcomes, o => o.Sequence == 0);
        Assert.True(only.Failed);
        Assert.Null(only.Server);
    }

    [Fact]
    public void ARequestThatHangsDoesNotHoldTheNextOnesBack()
    {
        var outcomes = Run(ProbeScript.Http("http://10.0.0.100:80/slow", 20, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)))
            .Select(ProbeOutcome.TryParse).OfType<ProbeOutcome>().ToList();

        var first = outcomes.Single(o => o.Sequence == 0);
        var second = outcomes.Single(o => o.Sequence == 1);
        Assert.True(second.SentMs < first.DoneMs, $"request 1 went out {second.SentMs - first.SentMs} ms after request 0, which ended after {first.DoneMs - first.SentMs} ms");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ProbeScript.MaxRate + 1)]
    public void ARateOutOfRangeIsRefused(int rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeScript.Http("http://10.0.0.100/", rate, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

    [Fact]
    public void AUrlWithAQuoteIsRefused() =>
        Assert.Throws<ArgumentException>(() => ProbeScript.Http("http://10.0.0.100/'; reboot '", 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

    [Fact]
    public void TheUdpScriptSendsWithSocatToTheAddressItself()
    {
        var script = ProbeScript.Udp(IPAddress.Parse("10.0.0.100"), 53, 10, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
        Assert.Contains("socat -t 0.5 - UDP4:10.0.0.100:53", script, StringComparison.Ordinal);
        Assert.Contains(ProbeScript.Marker, script, StringComparison.Ordinal);
    }

    private List<string> Run(string script)
    {
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "curl"), FakeCurl.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        File.WriteAllText(Path.Combine(dir, "script"), script);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"chmod +x {bin}/curl && PATH={bin}:$PATH CURL_DIR={dir} sh {dir}/script");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
