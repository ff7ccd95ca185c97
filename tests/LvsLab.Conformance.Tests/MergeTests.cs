using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class MergeTests
{
    [Fact]
    public void TwoShardsMergeIntoTheUnshardedReport()
    {
        var whole = Reports.Small();
        var lvslab = whole.Forwarders[0];
        var nft = whole.Forwarders[1];

        // Shard 2 holds lvslab's other cases and names nftables first; shard 1 started later.
        var shard1 = new ConformanceReport(
            [
                new ForwarderResult("lvslab", "stock", [lvslab.Cases[2], lvslab.Cases[0]], 10),
                new ForwarderResult("nftables", "stock", [nft.Cases[3], nft.Cases[1]], 1.5),
            ],
            Reports.Started.AddMinutes(1),
            "1/2");
        var shard2 = new ConformanceReport(
            [
                new ForwarderResult("nftables", "stock", [nft.Cases[2], nft.Cases[0]], 2.5),
                new ForwarderResult("lvslab", "stock", [lvslab.Cases[1]], 2.25),
            ],
            Reports.Started,
            "2/2");

        var merged = ConformanceMerge.Merge([shard1, shard2]);

        Reports.Equal(whole, merged);
        Assert.Null(merged.Shard);
        Assert.Equal(ReportJsonWriter.ToJson(whole), ReportJsonWriter.ToJson(merged));
    }

    [Fact]
    public void AForwarderOnlyInALaterShardComesAfterTheOthers()
    {
        var a = new ConformanceReport([new ForwarderResult("a", "stock", [Reports.Case("DR-X-1", "dr", CaseVerdict.Pass)], 1)], Reports.Started, "1/2");
        var b = new ConformanceReport([new ForwarderResult("b", "image:b:1", [Reports.Case("DR-X-1", "dr", CaseVerdict.Pass)], 1)], Reports.Started, "2/2");
        var merged = ConformanceMerge.Merge([a, b]);
        Assert.Equal(["a", "b"], merged.Forwarders.Select(f => f.Name));
        Assert.Equal("image:b:1", merged.Forwarders[1].Source);
    }

    [Fact]
    public void TheSameCaseTwiceForAForwarderIsAnErrorNamingBoth()
    {
        var a = new ConformanceReport([new ForwarderResult("lvslab", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Pass)], 1)], Reports.Started, "1/3");
        var b = new ConformanceReport([new ForwarderResult("lvslab", "stock", [Reports.Case("DR-ARP-2", "dr", CaseVerdict.Pass)], 1)], Reports.Started, "2/3");
        var c = new ConformanceReport([new ForwarderResult("lvslab", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail)], 1)], Reports.Started, "3/3");
        var error = Assert.Throws<ConformanceReportException>(() => ConformanceMerge.Merge([a, b, c]));
        Assert.Equal("cannot merge: forwarder 'lvslab' has case DR-ARP-1 in report 1 (shard 1/3) and again in report 3 (shard 3/3)", error.Message);
    }

    [Fact]
    public void TheSameCaseForTwoForwardersIsNoConflict()
    {
        var a = new ConformanceReport([new ForwarderResult("a", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Pass)], 1)], Reports.Started);
        var b = new ConformanceReport([new ForwarderResult("b", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Pass)], 1)], Reports.Started);
        Assert.Equal(2, ConformanceMerge.Merge([a, b]).Forwarders.Count);
    }

    [Fact]
    public void NothingToMergeIsRefused() =>
        Assert.Throws<ArgumentException>(() => ConformanceMerge.Merge([]));
}
