using LvsLab.Testing.Capture;
using LvsLab.Testing.Checks;

namespace LvsLab.Scenarios;

/// <summary>
/// The named checks (<c>lvslab run</c>) against the suite's labs: each passes where LVS works as
/// it should and fails in the labs built to break it, so the same checks bite from the command
/// line.
/// </summary>
[Collection(DrLabCollection.Name)]
public sealed class LabCheckScenarios(DrLabFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ANatCheckSaysItDoesNotApplyToADrLab()
    {
        var result = await LabScenario.RunCheckAsync(fixture, "only-vip", output);
        Assert.False(result.Passed);
        Assert.Contains("applies to nat labs", result.Evidence[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task LvslabRunPrintsTheVerdictTheEvidenceAndTheCaptures()
    {
        var folder = Artifacts.For("LabCheck", nameof(LvslabRunPrintsTheVerdictTheEvidenceAndTheCaptures));
        var run = await CliRunner.RunAsync(["run", "replies-bypass", "--name", fixture.Topology.Name, "--artifacts", folder], output);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("PASS  replies-bypass:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 VIP→client frames", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"capture: {folder}", run.Stdout, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync(["run", "--list"], output);
        Assert.Equal(0, list.ExitCode);
        Assert.All(LabChecks.All, c => Assert.Contains(c.Name, list.Stdout, StringComparison.Ordinal));

        var unknown = await CliRunner.RunAsync(["run", "no-such-check", "--name", fixture.Topology.Name], output);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no check named 'no-such-check' (checks: spread, true-client, arp-vip, replies-bypass, only-vip)", unknown.Stderr, StringComparison.Ordinal);
    }
}
