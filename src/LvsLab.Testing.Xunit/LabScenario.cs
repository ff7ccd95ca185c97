using System.Runtime.CompilerServices;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Checks;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// What a scenario does with a fixture's lab, its evidence kept under the artifacts folder by
/// fixture and scenario (<see cref="Artifacts.For"/>): taps, the named checks, a traced request.
/// </summary>
public static class LabScenario
{
    /// <summary>Starts taps on <paramref name="links"/>; their pcaps go to the calling scenario's folder.</summary>
    /// <param name="lab">The fixture.</param>
    /// <param name="links">Taps as <c>node</c> or <c>node:network</c>.</param>
    /// <param name="scenario">The scenario's name (the caller's, by default).</param>
    /// <returns>The running taps.</returns>
    public static TapSet StartTaps(LabFixture lab, string[] links, [CallerMemberName] string scenario = "")
    {
        ArgumentNullException.ThrowIfNull(lab);
        return TapSet.Start(lab.Lab, Folder(lab, scenario), links);
    }

    /// <summary>Runs a named check (<c>lvslab run</c>) against the fixture's lab and writes its verdict and evidence to the test's output.</summary>
    /// <param name="lab">The fixture.</param>
    /// <param name="check">The check's name (see <see cref="LabChecks.All"/>).</param>
    /// <param name="output">The test's output.</param>
    /// <param name="scenario">The scenario's name (the caller's, by default).</param>
    /// <returns>The result.</returns>
    public static async Task<CheckResult> RunCheckAsync(LabFixture lab, string check, ITestOutputHelper output, [CallerMemberName] string scenario = "")
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(output);
        var result = await LabChecks.Find(check).RunAsync(lab.Lab, Folder(lab, $"{scenario}-{check}"));
        output.WriteLine($"{(result.Passed ? "PASS" : "FAIL")} {check}\n  {string.Join("\n  ", result.Evidence)}");
        return result;
    }

    /// <summary>Taps every node, sends one HTTP request to the VIP and traces it; the text and SVG pictures are kept with the pcaps.</summary>
    /// <param name="lab">The fixture.</param>
    /// <param name="scenario">The scenario's name.</param>
    /// <param name="output">The test's output (receives the text picture).</param>
    /// <returns>The traced flow.</returns>
    public static Task<PacketFlow> TraceOneRequestAsync(LabFixture lab, string scenario, ITestOutputHelper output) =>
        TraceOneRequestAsync(lab, scenario, output, ipv6: false);

    /// <summary>
    /// As <see cref="TraceOneRequestAsync(LabFixture, string, ITestOutputHelper)"/>, to the VIP6 of
    /// a dual-stack lab when <paramref name="ipv6"/> is true (<c>lvslab flow --ipv6</c>).
    /// </summary>
    /// <param name="lab">The lab.</param>
    /// <param name="scenario">The name of the folder for the captures, text and SVG.</param>
    /// <param name="output">Where the text goes.</param>
    /// <param name="ipv6">True for the VIP6.</param>
    /// <returns>The flow.</returns>
    public static async Task<PacketFlow> TraceOneRequestAsync(LabFixture lab, string scenario, ITestOutputHelper output, bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(output);
        var folder = Folder(lab, scenario);
        var taps = TapSet.Start(lab.Lab, folder, [.. lab.Lab.Nodes.Select(n => n.Name)]);
        await using (taps)
        {
            var url = ipv6
                ? $"http://[{lab.Topology.Vip6 ?? throw new ArgumentException($"lab '{lab.Topology.Name}' is not dual-stack", nameof(ipv6))}]:{lab.Topology.Port}/"
                : $"http://{lab.Topology.Vip}:{lab.Topology.Port}/";
            var reply = (await HttpProbe.GetAsync(lab.Lab, "client", url, 1))[0];
            Assert.NotNull(reply);
            await taps.StopAsync();
            var flow = FlowTracer.For(lab.Lab, taps.Captures).Trace();
            var text = FlowText.Render(flow);
            output.WriteLine(text);
            await File.WriteAllTextAsync(Path.Combine(folder, "flow.txt"), text);
            await File.WriteAllTextAsync(Path.Combine(folder, "flow.svg"), FlowSvg.Render(flow));
            return flow;
        }
    }

    /// <summary>Empties the router's ARP cache for the VIP, makes it ask, and returns the MAC it learned (empty when none answered).</summary>
    /// <param name="lab">A fixture whose lab has a <c>router</c> on the VIP's network.</param>
    /// <returns>The MAC, as <c>ip neigh</c> prints it.</returns>
    public static async Task<string> AskRouterForVipAsync(LabFixture lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var vip = lab.Topology.Vip.ToString();
        await lab.Lab.ExecAsync("router", ["ip", "neigh", "flush", "to", vip]);
        // One ping makes the router broadcast "who has VIP"; its own answer does not matter.
        await lab.Lab.ExecAsync("router", ["ping", "-c", "1", "-W", "1", vip]);
        var neigh = await lab.Lab.ExecAsync("router", ["ip", "neigh", "show", "to", vip]);
        var words = neigh.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "lladdr");
        return at >= 0 ? words[at + 1] : string.Empty;
    }

    private static string Folder(LabFixture lab, string scenario) =>
        Artifacts.For(lab.GetType().Name.Replace("Fixture", string.Empty, StringComparison.Ordinal), scenario);
}
