using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// The negative control of DR's ARP rule: a real server that holds the VIP on lo without
/// <c>arp_ignore=1</c>/<c>arp_announce=2</c> answers ARP for it too, and the check that passes
/// on the proper DR lab catches it here.
/// </summary>
public sealed class ArpProblemScenarios(ArpProblemLabFixture fixture, ITestOutputHelper output) : IClassFixture<ArpProblemLabFixture>
{
    [Fact]
    public async Task TheArpVipCheckFailsHereNamingTheRealServerThatAnswered()
    {
        var result = await LabScenario.RunCheckAsync(fixture, "arp-vip", output);
        Assert.False(result.Passed);
        Assert.Contains(result.Evidence, line => line.EndsWith("(rs1)", StringComparison.Ordinal));
        Assert.Contains(result.Evidence, line => line.EndsWith("(director)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RealServerWithoutArpSysctlsAlsoAnswersArpForTheVip()
    {
        await using var taps = LabScenario.StartTaps(fixture, ["router:lan"]);

        await LabScenario.AskRouterForVipAsync(fixture);
        await taps.StopAsync();

        var answered = ArpEvidence.Owners(taps.On("router:lan"), fixture.Topology.Vip);
        Assert.Contains(fixture.Lab.Node("director").On("lan").Mac, answered);
        Assert.Contains(fixture.Lab.Node("rs1").On("lan").Mac, answered);
    }
}
