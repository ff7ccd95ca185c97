using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

/// <summary>Small reports to render, and a structural comparison (records compare lists by reference).</summary>
internal static class Reports
{
    public static readonly DateTimeOffset Started = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static CaseOutcome Case(string id, string mode, CaseVerdict verdict, CaseLevel level = CaseLevel.Must, double seconds = 0.5, string[]? evidence = null, string[]? pcaps = null, string? sentence = null) =>
        new(id, mode, level, sentence ?? $"{id} does its thing", verdict, evidence ?? [], pcaps ?? [], seconds);

    /// <summary>Two forwarders, every verdict.</summary>
    public static ConformanceReport Small() => new(
        [
            new ForwarderResult("lvslab", "stock", [
                Case("DR-ARP-1", "dr", CaseVerdict.Pass, sentence: "The director answers ARP for the VIP"),
                Case("DR-ARP-2", "dr", CaseVerdict.NonStrict, CaseLevel.Should, evidence: ["gratuitous ARP not sent"]),
                Case("NAT-SNAT-1", "nat", CaseVerdict.Pass),
            ], 12.25),
            new ForwarderResult("nftables", "stock", [
                Case("DR-ARP-1", "dr", CaseVerdict.Fail, evidence: ["expected reply from 10.0.0.1", "saw none"], pcaps: ["pcaps/nftables-dr-arp-1.pcap"]),
                Case("DR-ARP-2", "dr", CaseVerdict.Pass, CaseLevel.Should),
                Case("NAT-SNAT-1", "nat", CaseVerdict.Unsupported, evidence: ["mode nat not claimed"]),
                Case("TUN-IPIP-1", "tun", CaseVerdict.Error, evidence: ["lab did not come up"]),
            ], 4),
        ],
        Started);

    public static void Equal(ConformanceReport expected, ConformanceReport actual)
    {
        Assert.Equal(expected.Started, actual.Started);
        Assert.Equal(expected.Started.Offset, actual.Started.Offset);
        Assert.Equal(expected.Shard, actual.Shard);
        Assert.Equal(expected.Forwarders.Count, actual.Forwarders.Count);
        foreach (var (e, a) in expected.Forwarders.Zip(actual.Forwarders))
        {
            Assert.Equal((e.Name, e.Source, e.Seconds), (a.Name, a.Source, a.Seconds));
            Assert.Equal(e.Cases.Count, a.Cases.Count);
            foreach (var (ec, ac) in e.Cases.Zip(a.Cases))
            {
                Assert.Equal((ec.Id, ec.Mode, ec.Level, ec.Sentence, ec.Verdict, ec.Seconds), (ac.Id, ac.Mode, ac.Level, ac.Sentence, ac.Verdict, ac.Seconds));
                Assert.Equal(ec.Evidence, ac.Evidence);
                Assert.Equal(ec.Pcaps, ac.Pcaps);
            }
        }
    }
}
