using LvsLab.Conformance.Catalog;
using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;
using LvsLab.Conformance.Running;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Forwarders;
using LvsLab.Testing.Capture;

namespace LvsLab.Scenarios;

/// <summary>
/// The conformance suite checked both ways, with real labs: the stock forwarders pass every MUST
/// case they claim, and every mutant (lvs-director with one deliberate fault) is caught by a
/// case that targets it, while every MUST case catches at least one mutant. Reports and pcaps
/// are kept with the other artifacts.
/// </summary>
public sealed class ConformanceScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task TheStockForwardersPassEveryMustCaseTheyClaim()
    {
        var forwarders = new[] { ForwarderCatalog.Resolve("lvslab"), ForwarderCatalog.Resolve("nftables") };
        var report = await RunAsync(nameof(TheStockForwardersPassEveryMustCaseTheyClaim), ConformanceUnit.Plan(forwarders, ConformanceCatalog.All));

        var lvslab = report.Forwarders[0];
        var nftables = report.Forwarders[1];
        Assert.All(lvslab.Cases, c => Assert.True(c.Verdict == CaseVerdict.Pass, $"lvslab {c.Id}: {c.Verdict}\n{string.Join('\n', c.Evidence)}"));
        Assert.Equal(ConformanceCatalog.All.Count, lvslab.Cases.Count);

        // nftables claims DR and NAT: TUN is unsupported, everything else passes.
        Assert.All(nftables.Cases, c => Assert.True(
            c.Mode == "tun" ? c.Verdict == CaseVerdict.Unsupported : c.Verdict == CaseVerdict.Pass,
            $"nftables {c.Id}: {c.Verdict}\n{string.Join('\n', c.Evidence)}"));
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public async Task EveryMutantIsCaughtAndEveryMustCaseCatchesOne()
    {
        var units = ForwarderCatalog.Mutants
            .SelectMany(m => ConformanceUnit.Plan([ForwarderCatalog.Resolve(ForwarderCatalog.MutantPrefix + m.Fault)], ConformanceCatalog.Select(m.Cases)))
            .ToList();
        var report = await RunAsync(nameof(EveryMutantIsCaughtAndEveryMustCaseCatchesOne), units);

        foreach (var mutant in report.Forwarders)
        {
            var caughtBy = mutant.Cases.Where(c => c.Verdict == CaseVerdict.Fail).Select(c => c.Id).ToList();
            output.WriteLine($"{mutant.Name}: caught by {string.Join(", ", caughtBy)}");
            Assert.True(caughtBy.Count > 0, $"{mutant.Name} escaped every case that targets it");
            Assert.DoesNotContain(mutant.Cases, c => c.Verdict == CaseVerdict.Error);
        }

        var caught = report.Forwarders.SelectMany(f => f.Cases).Where(c => c.Verdict == CaseVerdict.Fail).Select(c => c.Id).ToHashSet();
        var uncaught = ConformanceCatalog.All.Where(c => c.Level == CaseLevel.Must && !caught.Contains(c.Id)).Select(c => c.Id).ToList();
        Assert.True(uncaught.Count == 0, $"MUST cases that catch no mutant: {string.Join(", ", uncaught)}");
        Assert.Equal(1, report.ExitCode);
    }

    private async Task<ConformanceReport> RunAsync(string scenario, IReadOnlyList<ConformanceUnit> units)
    {
        var folder = Artifacts.For(nameof(ConformanceScenarios), scenario);
        var started = DateTimeOffset.UtcNow;
        var lines = new List<string>();
        var results = await new ConformanceRunner(new DockerLabRuntime(), folder).RunAsync(units, new SyncProgress(lines.Add), CancellationToken.None);
        var report = new ConformanceReport(results, started);
        ReportFiles.WriteAll(report, folder);
        output.WriteLine(string.Join('\n', lines));
        output.WriteLine(TerminalMatrix.Render(report));
        return report;
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
