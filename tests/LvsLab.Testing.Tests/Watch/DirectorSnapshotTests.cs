using LvsLab.Testing.Timeline;
using LvsLab.Testing.Watch;

namespace LvsLab.Testing.Tests.Watch;

/// <summary>The director's counters read from its stats JSON, health changes between two reads, and the watch frame.</summary>
public sealed class DirectorSnapshotTests
{
    private const long At = 1_700_000_000_000;

    [Fact]
    public void EachRealServerOfEachServiceIsARowNamedByItsNode()
    {
        var snapshot = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 10, 100), ("10.0.0.12", "down", 4, 40)), At, NodeOf);

        Assert.Equal("tcp", snapshot.HealthChecks);
        Assert.Equal(2, snapshot.Rows.Count);
        Assert.Equal(new RealServerRow("TCP 10.0.0.100:80", "10.0.0.11:80", "rs1", 1, "up", 2, 3, 10, 100, 6400), snapshot.Rows[0]);
        Assert.Equal("rs2", snapshot.Rows[1].Node);
        Assert.Equal("down", snapshot.Rows[1].Health);
    }

    [Fact]
    public void AnAddressNoNodeHasIsNamedByItself() =>
        Assert.Equal("10.0.0.99", DirectorSnapshot.Parse(Stats(("10.0.0.99", "up", 0, 0)), At, NodeOf).Rows[0].Node);

    [Fact]
    public void AHealthChangeIsReportedOnceAndOnlyWhenItChanges()
    {
        var before = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0), ("10.0.0.12", "up", 0, 0)), At, NodeOf);
        var after = DirectorSnapshot.Parse(Stats(("10.0.0.11", "down", 0, 0), ("10.0.0.12", "up", 0, 0)), At + 250, NodeOf);

        Assert.Equal([("rs1", "health down")], after.ChangesSince(before));
        Assert.Equal([("rs1", "health up")], before.ChangesSince(after));
        Assert.Empty(after.ChangesSince(after));
    }

    [Fact]
    public void AWeightChangedWithoutAHealthChangeIsADrainOrAReturn()
    {
        var before = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0), ("10.0.0.12", "up", 0, 0)), At, NodeOf);
        var drained = DirectorSnapshot.Parse(WithWeight(Stats(("10.0.0.11", "up", 0, 0), ("10.0.0.12", "up", 0, 0)), "10.0.0.12", 0), At + 250, NodeOf);

        Assert.Equal([("rs2", "weight 1 → 0")], drained.ChangesSince(before));
        Assert.Equal([("rs2", "weight 0 → 1")], before.ChangesSince(drained));
    }

    [Fact]
    public void AWeightThatFollowsTheHealthIsTheHealthChangeAlone()
    {
        var before = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0)), At, NodeOf);
        var takenOut = DirectorSnapshot.Parse(WithWeight(Stats(("10.0.0.11", "down", 0, 0)), "10.0.0.11", 0), At + 250, NodeOf);

        Assert.Equal([("rs1", "health down")], takenOut.ChangesSince(before));
    }

    [Fact]
    public void OneOfAVrrpPairSaysItsStateAndOnlyTheMasterHoldsTheVips()
    {
        var single = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0)), At, NodeOf);
        var backup = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0)).Replace("\"framesIn\": 1,", "\"framesIn\": 1, \"vrrp\": \"backup\",", StringComparison.Ordinal), At, NodeOf);
        var master = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 0, 0)).Replace("\"framesIn\": 1,", "\"framesIn\": 1, \"vrrp\": \"master\",", StringComparison.Ordinal), At + 250, NodeOf);

        Assert.Null(single.Vrrp);
        Assert.True(single.HoldsTheVips);
        Assert.Equal("backup", backup.Vrrp);
        Assert.False(backup.HoldsTheVips);
        Assert.True(master.HoldsTheVips);
        Assert.Equal("vrrp master", master.VrrpChangeSince(backup));
        Assert.Equal("vrrp backup", backup.VrrpChangeSince(master));
        Assert.Null(master.VrrpChangeSince(master));
        Assert.Null(single.VrrpChangeSince(master));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"services\": [{\"protocol\": \"TCP\"}]}")]
    [InlineData("error: no such command")]
    public void TextThatIsNotTheDirectorsStatsIsAFormatError(string text) =>
        Assert.Throws<FormatException>(() => DirectorSnapshot.Parse(text, At, NodeOf));

    [Fact]
    public void TheWatchFrameShowsRatesOverTheIntervalHealthNodesDownAndEvents()
    {
        var before = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 10, 100), ("10.0.0.12", "up", 10, 100)), At, NodeOf);
        var after = DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 30, 300), ("10.0.0.12", "down", 10, 100)), At + 2_000, NodeOf);

        var frame = WatchText.Render("lab dr", before, after, ["rs2 (exited)"], [new TimelineEvent(At + 1_000, "rs2", "stopped")]);
        var lines = frame.Split(Environment.NewLine);

        Assert.Equal("lab dr", lines[0]);
        Assert.Equal("TCP 10.0.0.100:80", lines[2]);
        // 20 connections and 200 packets more over 2 s: 10 a second and 100 a second.
        Assert.Matches(@"^  -> 10\.0\.0\.11:80\s+rs1\s+1 up\s+2\s+3\s+10\s+100\s+6400$", lines[3]);
        Assert.Matches(@"^  -> 10\.0\.0\.12:80\s+rs2\s+1 down\s+2\s+3\s+0\s+0\s+0$", lines[4]);
        Assert.Equal("health checks: tcp", lines[5]);
        Assert.Equal("nodes down: rs2 (exited)", lines[6]);
        Assert.EndsWith("rs2 stopped", lines[7], StringComparison.Ordinal);
    }

    [Fact]
    public void TheFirstFrameHasNoRatesAndAFrameWithoutCountersSaysWhy()
    {
        var first = WatchText.Render("lab dr", null, DirectorSnapshot.Parse(Stats(("10.0.0.11", "up", 10, 100)), At, NodeOf), [], []);
        Assert.Matches(@"rs1\s+1 up\s+2\s+3\s+-\s+-\s+-", first);
        Assert.Contains("nodes down: none", first, StringComparison.Ordinal);

        var blind = WatchText.Render("lab dr", null, null, ["director (exited)"], []);
        Assert.Contains("runs no lvs-director", blind, StringComparison.Ordinal);
        Assert.Contains("nodes down: director (exited)", blind, StringComparison.Ordinal);
    }

    private static string? NodeOf(string address) => address switch
    {
        "10.0.0.11" => "rs1",
        "10.0.0.12" => "rs2",
        _ => null,
    };

    // The same stats with one real server's weight changed.
    private static string WithWeight(string stats, string address, int weight) =>
        stats.Replace($"\"address\": \"{address}\", \"port\": 80, \"method\": \"Route\", \"weight\": 1,", $"\"address\": \"{address}\", \"port\": 80, \"method\": \"Route\", \"weight\": {weight},", StringComparison.Ordinal);

    // The shape of lvs-director stats --json, with the fields a watch reads.
    private static string Stats(params (string Address, string Health, long Scheduled, long Packets)[] reals) => $$"""
        {
          "framesIn": 1, "healthChecks": "tcp",
          "services": [
            { "protocol": "TCP", "address": "10.0.0.100", "port": 80, "firewallMark": 0, "scheduler": "rr",
              "realServers": [ {{string.Join(",", reals.Select(r => $$"""
                { "address": "{{r.Address}}", "port": 80, "method": "Route", "weight": 1, "health": "{{r.Health}}",
                  "activeConnections": 2, "inactiveConnections": 3, "connectionsScheduled": {{r.Scheduled}},
                  "packets": {{r.Packets}}, "bytes": {{r.Packets * 64}}, "replyPackets": 0, "replyBytes": 0 }
                """))}} ]
            }
          ]
        }
        """;
}
