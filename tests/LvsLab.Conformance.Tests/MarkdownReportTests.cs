using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class MarkdownReportTests
{
    [Fact]
    public void PipesInCellsAreEscaped()
    {
        var report = new ConformanceReport(
            [new ForwarderResult("a|b", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Pass, sentence: "replies | forwards\nacross lines")], 1)],
            Reports.Started);
        var markdown = MarkdownReport.Render(report);
        Assert.Contains("| ID | level | mode | case | a\\|b |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| DR-ARP-1 | MUST | dr | replies \\| forwards across lines | pass |\n", markdown, StringComparison.Ordinal);
        Assert.Equal("x\\\\\\|y", MarkdownReport.Cell("x\\|y"));
    }

    [Fact]
    public void EveryTableRowHasAsManyCellsAsTheHeader()
    {
        var lines = MarkdownReport.Render(Reports.Small()).Split('\n').Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal(7, l.Replace("\\|", string.Empty, StringComparison.Ordinal).Count(c => c == '|')));
        Assert.Equal("| TUN-IPIP-1 | MUST | tun | TUN-IPIP-1 does its thing |  | **ERROR** |", lines[^1]);
    }

    [Fact]
    public void TheHeaderHasEachForwardersTotalsAndTime()
    {
        var markdown = MarkdownReport.Render(Reports.Small());
        Assert.Contains("- **lvslab** (stock): 2 pass, 0 fail, 1 non-strict, 0 unsupported, 0 error; conforms; 12.2 s\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- **nftables** (stock): 1 pass, 1 fail, 0 non-strict, 1 unsupported, 1 error; does not conform; 4.0 s\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingNonStrictAndErrorCellsEachHaveASectionWithEvidenceAndPcaps()
    {
        var markdown = MarkdownReport.Render(Reports.Small());
        var sections = markdown.Split("\n### ")[1..];
        Assert.Equal(3, sections.Length);
        Assert.StartsWith("lvslab: DR-ARP-2 (dr, SHOULD): non-strict\n", sections[0], StringComparison.Ordinal);
        Assert.StartsWith("nftables: DR-ARP-1 (dr, MUST): FAIL\n", sections[1], StringComparison.Ordinal);
        Assert.Contains("```\nexpected reply from 10.0.0.1\nsaw none\n```\n", sections[1], StringComparison.Ordinal);
        Assert.Contains("- `pcaps/nftables-dr-arp-1.pcap`\n", sections[1], StringComparison.Ordinal);
        Assert.StartsWith("nftables: TUN-IPIP-1 (tun, MUST): ERROR\n", sections[2], StringComparison.Ordinal);
        Assert.DoesNotContain("NAT-SNAT-1 (nat", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void EvidenceWithBackticksGetsALongerFence()
    {
        var report = new ConformanceReport(
            [new ForwarderResult("a", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail, evidence: ["```", "x"])], 1)],
            Reports.Started);
        Assert.Contains("\n````\n```\nx\n````\n", MarkdownReport.Render(report), StringComparison.Ordinal);
    }
}
