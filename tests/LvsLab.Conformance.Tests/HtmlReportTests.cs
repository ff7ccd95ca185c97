using System.Text.RegularExpressions;
using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class HtmlReportTests
{
    [Fact]
    public void ScriptInEvidenceIsEscaped()
    {
        var report = new ConformanceReport(
            [new ForwarderResult("<b>x</b>", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail, evidence: ["<script>alert('x')</script> & \"q\""], pcaps: ["caps/<img src=x>.pcap", "javascript:alert(1)"])], 1)],
            Reports.Started);
        var html = HtmlReport.Render(report);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", html, StringComparison.Ordinal);
        Assert.Contains("href=\"javascript%3Aalert%281%29\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNonPassCellLinksToItsOwnAnchor()
    {
        var html = HtmlReport.Render(Reports.Small());
        var links = Regex.Matches(html, "<td class=\"v ([a-z-]+)\"><a href=\"#([^\"]+)\">").Select(m => (Class: m.Groups[1].Value, Anchor: m.Groups[2].Value)).ToList();
        Assert.Equal(["fail", "non-strict", "unsupported", "error"], links.Select(l => l.Class));
        Assert.Equal(4, links.Select(l => l.Anchor).Distinct().Count());
        foreach (var (_, anchor) in links)
        {
            Assert.Single(Regex.Matches(html, $"id=\"{Regex.Escape(anchor)}\""));
        }

        Assert.Equal(3, Regex.Matches(html, "<td class=\"v pass\">pass</td>").Count);
        Assert.Contains("<a href=\"pcaps/nftables-dr-arp-1.pcap\">nftables-dr-arp-1.pcap</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePageIsSelfContained()
    {
        var html = HtmlReport.Render(Reports.Small());
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.Contains("Started 2025-05-01 12:00:00Z", html, StringComparison.Ordinal);
    }
}
