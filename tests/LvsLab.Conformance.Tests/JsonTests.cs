using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class JsonTests
{
    [Fact]
    public void AReportReadsBackEqual()
    {
        var report = Reports.Small() with { Shard = "1/2", Started = new DateTimeOffset(2025, 5, 1, 14, 3, 4, 567, TimeSpan.FromHours(2)) };
        var weird = new ConformanceReport(
            [new ForwarderResult("x \"quoted\" <b>", "file: forwarders/x.forwarder.yml", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Fail, seconds: 0.1 + 0.2, evidence: ["tab\there", "ünïcode ✓", ""])], 1.0 / 3)],
            Reports.Started);
        foreach (var r in new[] { report, weird })
        {
            Reports.Equal(r, ReportJsonReader.Parse(ReportJsonWriter.ToJson(r)));
        }
    }

    [Fact]
    public void TheShapeIsCamelCaseWithLowercaseWords()
    {
        var json = ReportJsonWriter.ToJson(Reports.Small());
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("shard").ValueKind);
        var nft = root.GetProperty("forwarders")[1];
        Assert.Equal("nftables", nft.GetProperty("name").GetString());
        Assert.Equal(4, nft.GetProperty("seconds").GetDouble());
        var first = nft.GetProperty("cases")[0];
        Assert.Equal("fail", first.GetProperty("verdict").GetString());
        Assert.Equal("must", first.GetProperty("level").GetString());
        Assert.Equal("pcaps/nftables-dr-arp-1.pcap", first.GetProperty("pcaps")[0].GetString());
        Assert.Equal("non-strict", root.GetProperty("forwarders")[0].GetProperty("cases")[1].GetProperty("verdict").GetString());
        Assert.Equal("should", root.GetProperty("forwarders")[0].GetProperty("cases")[1].GetProperty("level").GetString());
    }

    [Fact]
    public void AFileReadsBackAndNamesItselfInErrors()
    {
        var folder = Directory.CreateTempSubdirectory("conform-json-").FullName;
        try
        {
            var path = Path.Combine(folder, "report.json");
            File.WriteAllText(path, ReportJsonWriter.ToJson(Reports.Small()));
            Reports.Equal(Reports.Small(), ReportJsonReader.Read(path));
            File.WriteAllText(path, "{\"started\": 3}");
            var error = Assert.Throws<ConformanceReportException>(() => ReportJsonReader.Read(path));
            Assert.Equal($"{path}: started: expected a string, found a number", error.Message);
            var missing = Path.Combine(folder, "absent.json");
            Assert.StartsWith($"{missing}: cannot be read", Assert.Throws<ConformanceReportException>(() => ReportJsonReader.Read(missing)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("\"verdict\": \"fail\"", "\"verdict\": \"maybe\"", "report.json: forwarders[1].cases[0].verdict: unknown 'maybe' (pass, fail, non-strict, unsupported or error)")]
    [InlineData("\"level\": \"should\"", "\"level\": \"may\"", "report.json: forwarders[0].cases[1].level: unknown 'may' (must or should)")]
    [InlineData("\"seconds\": 4,", "\"seconds\": \"4\",", "report.json: forwarders[1].seconds: expected a number, found a string")]
    [InlineData("\"seconds\": 4,", "\"seconds\": -4,", "report.json: forwarders[1].seconds: not a number of seconds >= 0: -4")]
    [InlineData("\"shard\": null", "\"shard\": \"3/2\"", "report.json: shard: not I/N with 1 <= I <= N: '3/2'")]
    [InlineData("\"shard\": null", "\"shard\": 1", "report.json: shard: expected a string, found a number")]
    [InlineData("\"id\": \"NAT-SNAT-1\"", "\"id\": \"DR-ARP-1\"", "report.json: forwarders[0].cases[2].id: 'DR-ARP-1' is also forwarders[0].cases[0]")]
    [InlineData("\"name\": \"nftables\"", "\"name\": \"lvslab\"", "report.json: forwarders[1].name: 'lvslab' is also forwarders[0]")]
    [InlineData("\"name\": \"nftables\"", "\"name\": \"\"", "report.json: forwarders[1].name: empty")]
    [InlineData("\"pcaps\": [\n            \"pcaps/nftables-dr-arp-1.pcap\"", "\"pcaps\": [\n            7", "report.json: forwarders[1].cases[0].pcaps[0]: expected a string, found a number")]
    [InlineData("\"started\"", "\"begun\"", "report.json: (top): missing 'started'")]
    [InlineData("\"2025-05-01T12:00:00.0000000+00:00\"", "\"yesterday\"", "report.json: started: not a date and time: 'yesterday'")]
    public void MalformedFieldsAreNamedByTheirPath(string replace, string with, string message)
    {
        var json = ReportJsonWriter.ToJson(Reports.Small());
        var index = json.IndexOf(replace, StringComparison.Ordinal);
        if (replace.StartsWith("\"seconds\": 4", StringComparison.Ordinal) || replace.StartsWith("\"name\": \"nftables\"", StringComparison.Ordinal) || replace.StartsWith("\"verdict\": \"fail\"", StringComparison.Ordinal))
        {
            index = json.IndexOf(replace, json.IndexOf("nftables", StringComparison.Ordinal) - 12, StringComparison.Ordinal);
        }

        Assert.True(index >= 0, $"'{replace}' not in {json}");
        var broken = string.Concat(json.AsSpan(0, index), with, json.AsSpan(index + replace.Length));
        var error = Assert.Throws<ConformanceReportException>(() => ReportJsonReader.Parse(broken));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AMissingCaseFieldNamesTheCase()
    {
        var json = ReportJsonWriter.ToJson(Reports.Small()).Replace("\"sentence\": \"The director answers ARP for the VIP\",", string.Empty, StringComparison.Ordinal);
        var error = Assert.Throws<ConformanceReportException>(() => ReportJsonReader.Parse(json, "shard-1/report.json"));
        Assert.Equal("shard-1/report.json: forwarders[0].cases[0]: missing 'sentence'", error.Message);
    }

    [Theory]
    [InlineData("{\"started\": ", "report.json: not JSON at line 1, column 13")]
    [InlineData("[]", "report.json: (top): expected an object, found an array")]
    [InlineData("{\"started\": \"2025-05-01T12:00:00Z\", \"forwarders\": {}}", "report.json: forwarders: expected an array, found an object")]
    [InlineData("{\"started\": \"2025-05-01T12:00:00Z\", \"forwarders\": [null]}", "report.json: forwarders[0]: expected an object, found null")]
    public void TextThatIsNotAReportIsRefusedClearly(string json, string start)
    {
        var error = Assert.Throws<ConformanceReportException>(() => ReportJsonReader.Parse(json));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondsJsonCannotHoldAreRefusedNamingTheCase()
    {
        var report = new ConformanceReport([new ForwarderResult("a", "stock", [Reports.Case("DR-ARP-1", "dr", CaseVerdict.Pass, seconds: double.NaN)], 1)], Reports.Started);
        var error = Assert.Throws<ArgumentException>(() => ReportJsonWriter.ToJson(report));
        Assert.StartsWith("a DR-ARP-1: seconds is NaN", error.Message, StringComparison.Ordinal);
    }
}
