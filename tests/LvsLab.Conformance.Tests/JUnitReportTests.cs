using System.Xml.Linq;
using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class JUnitReportTests
{
    private static XElement Suite(XDocument document, string name) =>
        document.Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == name);

    private static XElement Case(XElement suite, string id) =>
        suite.Elements("testcase").Single(c => ((string)c.Attribute("name")!).StartsWith(id + ":", StringComparison.Ordinal));

    [Fact]
    public void EachForwarderIsASuiteWithTheRightCounts()
    {
        var document = XDocument.Parse(JUnitReport.Render(Reports.Small()));
        Assert.Equal("testsuites", document.Root!.Name.LocalName);
        Assert.Equal(["lvslab", "nftables"], document.Root.Elements("testsuite").Select(s => (string)s.Attribute("name")!));
        var nft = Suite(document, "nftables");
        Assert.Equal(("4", "1", "1", "1", "4"), ((string)nft.Attribute("tests")!, (string)nft.Attribute("failures")!, (string)nft.Attribute("errors")!, (string)nft.Attribute("skipped")!, (string)nft.Attribute("time")!));
        var lvslab = Suite(document, "lvslab");
        Assert.Equal(("3", "0", "0", "0", "12.25"), ((string)lvslab.Attribute("tests")!, (string)lvslab.Attribute("failures")!, (string)lvslab.Attribute("errors")!, (string)lvslab.Attribute("skipped")!, (string)lvslab.Attribute("time")!));
        Assert.Equal("7", (string)document.Root.Attribute("tests")!);
        Assert.Equal(4, nft.Elements("testcase").Count());
    }

    [Fact]
    public void EachVerdictHasItsElement()
    {
        var document = XDocument.Parse(JUnitReport.Render(Reports.Small()));
        var nft = Suite(document, "nftables");
        var lvslab = Suite(document, "lvslab");

        var pass = Case(lvslab, "DR-ARP-1");
        Assert.Equal("lvslab.dr", (string)pass.Attribute("classname")!);
        Assert.Equal("DR-ARP-1: The director answers ARP for the VIP", (string)pass.Attribute("name")!);
        Assert.Equal("0.5", (string)pass.Attribute("time")!);
        Assert.Empty(pass.Elements());

        var fail = Case(nft, "DR-ARP-1").Elements().Single();
        Assert.Equal("failure", fail.Name.LocalName);
        Assert.Equal("expected reply from 10.0.0.1", (string)fail.Attribute("message")!);
        Assert.Equal("expected reply from 10.0.0.1\nsaw none", fail.Value);

        var nonStrict = Case(lvslab, "DR-ARP-2").Elements().Single();
        Assert.Equal("system-out", nonStrict.Name.LocalName);
        Assert.Contains("gratuitous ARP not sent", nonStrict.Value, StringComparison.Ordinal);

        var skipped = Case(nft, "NAT-SNAT-1").Elements().Single();
        Assert.Equal("skipped", skipped.Name.LocalName);
        Assert.Equal("mode nat not claimed", (string)skipped.Attribute("message")!);
        Assert.Equal("nftables.nat", (string)Case(nft, "NAT-SNAT-1").Attribute("classname")!);

        var error = Case(nft, "TUN-IPIP-1").Elements().Single();
        Assert.Equal("error", error.Name.LocalName);
        Assert.Equal("lab did not come up", (string)error.Attribute("message")!);
    }

    [Fact]
    public void MarkupAndControlCharactersInInputStillGiveValidXml()
    {
        var report = new ConformanceReport(
            [new ForwarderResult("a<&\"b", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail, evidence: ["<script>\u0001</script> ]]>"])], 1)],
            Reports.Started);
        var document = XDocument.Parse(JUnitReport.Render(report));
        var suite = document.Root!.Element("testsuite")!;
        Assert.Equal("a<&\"b", (string)suite.Attribute("name")!);
        Assert.Equal("<script>\uFFFD</script> ]]>", suite.Element("testcase")!.Element("failure")!.Value);
    }

    [Fact]
    public void AFailureWithoutEvidenceStillHasAMessage()
    {
        var report = new ConformanceReport([new ForwarderResult("a", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail)], 1)], Reports.Started);
        var failure = XDocument.Parse(JUnitReport.Render(report)).Descendants("failure").Single();
        Assert.Equal("MUST case failed", (string)failure.Attribute("message")!);
    }
}
