using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Tests;

/// <summary>The <c>health:</c> key of topology files: the director's real-server checks.</summary>
public sealed class HealthCheckFileTests
{
    private const string File = "h.lab.yml";

    private static string Lab(string health) => $"""
        name: h
        mode: dr
        vip: lan.100
        {health}
        networks:
          lan: {"{"} subnet: auto {"}"}
        nodes:
          director:
            role: director
            interfaces: {"{"} lan: 3 {"}"}
            environment: {"{"} LVS_INTERFACE: eth0 {"}"}
        realServers:
          count: 2
          first: {"{"} lan: 11 {"}"}
          loopback: [ vip ]

        """;

    [Theory]
    [InlineData("dr")]
    [InlineData("nat")]
    [InlineData("tun")]
    public void StockLabsCheckTheirRealServersByDefault(string kind)
    {
        var director = StockLabs.Load(kind, "x", 1).NodesWith(NodeRole.Director).Single();
        Assert.Equal("tcp", director.Environment["LVS_HEALTH"]);
        Assert.Equal("500", director.Environment["LVS_HEALTH_INTERVAL_MS"]);
        Assert.Equal("400", director.Environment["LVS_HEALTH_TIMEOUT_MS"]);
        Assert.Equal("2", director.Environment["LVS_HEALTH_FALL"]);
        Assert.Equal("2", director.Environment["LVS_HEALTH_RISE"]);
        Assert.Equal(TimeSpan.FromMilliseconds(1400), HealthCheck.LabDefault.Window);
    }

    [Fact]
    public void AFileWithoutHealthChecksNothing()
    {
        var director = LabFile.Parse(Lab(""), File).Node("director");
        Assert.DoesNotContain("LVS_HEALTH", director.Environment.Keys);
        Assert.Equal("eth0", director.Environment["LVS_INTERFACE"]);
    }

    [Fact]
    public void HealthNoneTurnsThemOff()
    {
        var director = LabFile.Parse(Lab("health: none"), File).Node("director");
        Assert.Equal("none", director.Environment["LVS_HEALTH"]);
        Assert.DoesNotContain("LVS_HEALTH_INTERVAL_MS", director.Environment.Keys);
    }

    [Fact]
    public void FieldsTuneTheChecksAndUnsetOnesKeepTheLabDefault()
    {
        var director = LabFile.Parse(Lab("health: { check: http, interval: 1.5s, fall: 3 }"), File).Node("director");
        Assert.Equal("http", director.Environment["LVS_HEALTH"]);
        Assert.Equal("1500", director.Environment["LVS_HEALTH_INTERVAL_MS"]);
        Assert.Equal("400", director.Environment["LVS_HEALTH_TIMEOUT_MS"]);
        Assert.Equal("3", director.Environment["LVS_HEALTH_FALL"]);
        Assert.Equal("2", director.Environment["LVS_HEALTH_RISE"]);
    }

    [Fact]
    public void OnlyDirectorsGetTheChecks()
    {
        var lab = LabFile.Parse(Lab("health: tcp"), File);
        Assert.All(lab.NodesWith(NodeRole.RealServer), rs => Assert.DoesNotContain("LVS_HEALTH", rs.Environment.Keys));
    }

    [Theory]
    [InlineData("health: ping", "h.lab.yml:4: health: unknown health check 'ping' (allowed: tcp, http, none)")]
    [InlineData("health: { interval: fast }", "h.lab.yml:4: health.interval: expected a duration such as 500ms or 2s, found 'fast'")]
    [InlineData("health: { interval: 10ms }", "h.lab.yml:4: health.interval: interval 10ms is outside 50ms..60s")]
    [InlineData("health: { timeout: 20s }", "h.lab.yml:4: health.timeout: timeout 20s is outside 10ms..10s")]
    [InlineData("health: { fall: 0 }", "h.lab.yml:4: health.fall: fall 0 is outside 1..100")]
    [InlineData("health: { rise: many }", "h.lab.yml:4: health.rise: expected an integer, found 'many'")]
    [InlineData("health: { every: 1s }", "h.lab.yml:4: health.every: unknown key 'every' (allowed: check, interval, timeout, fall, rise)")]
    public void BadHealthIsRefusedWithItsLine(string line, string expected)
    {
        var error = Assert.Throws<TopologyFileException>(() => LabFile.Parse(Lab(line), File));
        Assert.Equal([expected], error.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("0.25s", 250)]
    public void DurationsReadAsWritten(string text, double milliseconds)
    {
        Assert.True(HealthCheck.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-1s")]
    [InlineData("1m")]
    public void NonDurationsAreRefused(string text) => Assert.False(HealthCheck.TryParseDuration(text, out _));
}
