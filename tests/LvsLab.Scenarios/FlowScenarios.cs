using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>Traces one real request through each stock lab and checks what the picture says each method rewrites.</summary>
internal static class FlowEvidence
{
    /// <summary>Taps every node, sends one request, traces it; the text and SVG are kept with the pcaps.</summary>
    public static async Task<PacketFlow> TraceOneRequestAsync(LabFixture fixture, string scenario, ITestOutputHelper output)
    {
        var folder = Artifacts.For(fixture.GetType().Name.Replace("Fixture", string.Empty, StringComparison.Ordinal), scenario);
        var taps = TapSet.Start(fixture.Lab, folder, [.. fixture.Lab.Nodes.Select(n => n.Name)]);
        await using (taps)
        {
            var reply = (await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{fixture.Topology.Vip}:{fixture.Topology.Port}/", 1))[0];
            Assert.NotNull(reply);
            await taps.StopAsync();
            var flow = FlowTracer.For(fixture.Lab, taps.Captures).Trace();
            var text = FlowText.Render(flow);
            output.WriteLine(text);
            await File.WriteAllTextAsync(Path.Combine(folder, "flow.txt"), text);
            await File.WriteAllTextAsync(Path.Combine(folder, "flow.svg"), FlowSvg.Render(flow));
            return flow;
        }
    }
}
