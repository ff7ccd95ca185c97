using LvsLab.Conformance.Catalog;
using LvsLab.Conformance.Results;
using LvsLab.Conformance.Running;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Topologies;

namespace LvsLab.Conformance.Tests;

public class CatalogueTests
{
    [Fact]
    public void EveryCaseHasAUniqueIdOfItsModeASentenceAndAReference()
    {
        Assert.Equal(ConformanceCatalog.All.Count, ConformanceCatalog.All.Select(c => c.Id).Distinct().Count());
        Assert.All(ConformanceCatalog.All, c =>
        {
            Assert.Matches("^(DR|NAT|TUN)-[A-Z]+-[0-9]+$", c.Id);
            Assert.StartsWith(c.Mode.ToUpperInvariant() + "-", c.Id, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(c.Sentence));
            Assert.False(string.IsNullOrWhiteSpace(c.Reference));
            Assert.All(c.Capabilities, capability => Assert.True(ForwarderCapabilities.Known.ContainsKey(capability), capability));
            Assert.Equal(c.Variant is null, c.Rules is null);
        });
    }

    [Fact]
    public void EveryMustCaseIsTargetedByAMutant()
    {
        var targeted = ForwarderCatalog.Mutants.SelectMany(m => ConformanceCatalog.Select(m.Cases)).Select(c => c.Id).ToHashSet();
        var untargeted = ConformanceCatalog.All.Where(c => c.Level == CaseLevel.Must && !targeted.Contains(c.Id)).Select(c => c.Id).ToList();
        Assert.True(untargeted.Count == 0, $"MUST cases no mutant targets: {string.Join(", ", untargeted)}");
    }

    [Fact]
    public void APlanRunsTheStockLabFirstThenOneLabPerVariant()
    {
        var units = ConformanceUnit.Plan([ForwarderCatalog.Resolve("lvslab")], ConformanceCatalog.Select("DR-*"));

        Assert.Null(units[0].Variant);
        Assert.Equal(["wrr 3:2:1", "sh", "rr -p 60"], units.Skip(1).Select(u => u.Variant));
        Assert.All(units, u => Assert.All(u.Cases, c => Assert.Equal(u.Variant, c.Variant)));
        Assert.Equal(ConformanceCatalog.Select("DR-*").Count, units.Sum(u => u.Cases.Count));
    }

    [Fact]
    public void ShardsSplitTheUnitsWithoutOverlapOrLoss()
    {
        var units = ConformanceUnit.Plan([ForwarderCatalog.Resolve("lvslab"), ForwarderCatalog.Resolve("nftables")], ConformanceCatalog.All);
        var shards = Enumerable.Range(1, 3).Select(i => ConformanceUnit.Shard(units, i, 3)).ToList();

        Assert.Equal(units.Count, shards.Sum(s => s.Count));
        Assert.Equal(units.ToHashSet(), shards.SelectMany(s => s).ToHashSet());
    }

    [Fact]
    public void TheWeightedVariantGivesTheStockServiceWeightsThreeTwoOne()
    {
        var topology = StockLabs.Load("dr", "t", 5);
        var wrr = ConformanceCatalog.Select("DR-WRR-1")[0];

        var rules = wrr.Rules!(topology).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal($"-A -t {topology.Vip}:80 -s wrr", rules[0]);
        Assert.Equal(["-w 3", "-w 2", "-w 1"], rules.Skip(1).Select(r => r[r.IndexOf("-w", StringComparison.Ordinal)..]));
        Assert.All(rules.Skip(1), r => Assert.Contains(" -g ", r, StringComparison.Ordinal));
        Assert.EndsWith("-p 60", ConformanceCatalog.Select("DR-PERSIST-1")[0].Rules!(topology).Split('\n')[0], StringComparison.Ordinal);
    }
}
