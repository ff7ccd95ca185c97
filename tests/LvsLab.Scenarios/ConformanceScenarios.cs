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
        var forwarders = new[] { ForwarderCatalog.Resolve("lvslab"), ForwarderCatalog.Resolve("nftables"), ForwarderCatalog.Resolve("xdp") };
        var report = await RunAsync(nameof(TheStockForwardersPassEveryMustCaseTheyClaim), ConformanceUnit.Plan(forwarders, ConformanceCatalog.All));

        var lvslab = report.Forwarders[0];
        var nftables = report.Forwarders[1];
        var xdp = report.Forwarders[2];
        Assert.All(lvslab.Cases, c => Assert.True(c.Verdict == CaseVerdict.Pass, $"lvslab {c.Id}: {c.Verdict}\n{string.Join('\n', c.Evidence)}"));
        Assert.Equal(ConformanceCatalog.All.Count, lvslab.Cases.Count);

        // nftables claims DR and NAT: TUN is unsupported, every MUST case passes; of the SHOULD
        // cases, DR-BAD-1 is not met: its netdev ingress chain rewrites and sends a frame before
        // any IP layer has looked at its header checksum.
        // Cases needing a capability it does not claim (persistence) are unsupported too.
        var nftablesClaims = ForwarderCatalog.Resolve("nftables");
        Assert.All(nftables.Cases, c => Assert.True(
            c.Mode == "tun" || ConformanceCatalog.Select(c.Id)[0].Capabilities.Any(x => !nftablesClaims.Claims(x)) ? c.Verdict == CaseVerdict.Unsupported
            : c.Id == "DR-BAD-1" ? c.Verdict == CaseVerdict.NonStrict
            : c.Verdict == CaseVerdict.Pass,
            $"nftables {c.Id}: {c.Verdict}\n{string.Join('\n', c.Evidence)}"));

        // xdp claims DR only and the sh scheduler only (it picks a real server by a hash: rr and
        // wrr are approximated, so their exact-count cases are unsupported, as is persistence).
        // Every case that checks no scheduling passes, DR-BAD-1 included: the XDP program checks
        // the IPv4 header checksum and the lengths before it forwards.
        var xdpClaims = ForwarderCatalog.Resolve("xdp");
        Assert.All(xdp.Cases, c => Assert.True(
            c.Mode != "dr" || c.Id is "DR-RR-1" or "DR-WRR-1" or "DR-PERSIST-1" ? c.Verdict == CaseVerdict.Unsupported : c.Verdict == CaseVerdict.Pass,
            $"xdp {c.Id}: {c.Verdict}\n{string.Join('\n', c.Evidence)}"));
        Assert.Equal(["DR-ARP-1", "DR-BAD-1", "DR-CLIENT-1", "DR-FWD-1", "DR-NONVIP-1", "DR-RET-1", "DR-SH-1"], xdp.Cases.Where(c => c.Verdict == CaseVerdict.Pass).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.True(xdpClaims.Supports("dr") && !xdpClaims.Supports("nat") && !xdpClaims.Schedules("rr"));
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
            var caughtBy = mutant.Cases.Where(c => c.FoundFault).Select(c => c.Id).ToList();
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

/// <summary><c>lvslab conform</c> on bad input: one line naming the problem, exit 2, no lab started.</summary>
public sealed class ConformBadInputScenarios(ITestOutputHelper output)
{
    [Theory]
    [InlineData("--forwarder haproxy", "lvslab conform: unknown forwarder 'haproxy' (known: lvslab, lvslab-pcap, nftables, ipvs, xdp,")]
    [InlineData("--cases XX-*", "lvslab conform: no case matches 'XX-*' (cases: DR-ARP-1,")]
    [InlineData("--modes dr,dsr", "lvslab conform: --modes: unknown mode 'dsr' (modes: dr, nat, tun)")]
    [InlineData("--shard 3/2", "lvslab conform: --shard '3/2': I/N with 1 ≤ I ≤ N, e.g. 1/2")]
    [InlineData("--forwarder mutant:teleport", "lvslab conform: unknown mutant 'teleport' (mutants: arp-silent,")]
    public async Task BadInputIsOneLineNamingItAndExitTwo(string arguments, string expected)
    {
        var result = await CliRunner.RunAsync(["conform", .. arguments.Split(' '), "--out", Path.Combine(Path.GetTempPath(), "lvslab-conform-bad")], output);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedDescriptionIsRefusedWithFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.forwarder.yml");
        await File.WriteAllTextAsync(path, "name: x\nimage: y\nmodes: [dr, q]\nreadiness: { log: ready }\n");
        try
        {
            var result = await CliRunner.RunAsync(["conform", "--forwarder", path], output);
            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"lvslab conform: {path}:3: modes: unknown 'q' (known: dr, nat, tun)", result.Stderr.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
