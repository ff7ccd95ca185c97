using System.Text.Json;

namespace LvsLab.Bench.Tests;

/// <summary>The bench as data: one row per mode, forwarder and offered rate, with the median run and the latency joined in.</summary>
public sealed class BenchJsonTests
{
    [Fact]
    public void EachRateIsOneRowOfItsMedianRunWithTheLatencyMeasuredAtThatRate()
    {
        UdpRateSample Step(string forwarder, int rate, long received, int run, double? cpu, long? gcs) =>
            new("dr", forwarder, rate, 20_000, received, cpu, rate * 0.99, 9.5 + run, gcs, run);
        var udp = new[]
        {
            Step("lvslab", 10_000, 20_000, 1, 3.1, 0),
            Step("lvslab", 10_000, 19_000, 2, 3.3, 1),
            Step("lvslab", 10_000, 19_990, 3, 3.2, 0) with { WakeupsPerSecond = 4_100, FramesPerWakeup = 2.4, FramesPerSendCall = 1.7 },
            Step("nftables", 10_000, 20_000, 1, null, null),
        };
        var latency = new[] { new LatencySample("dr", "lvslab", 10_000, ForwardingLatency.Measure(ForwardingLatencyTests.DrRequests(10, i => (i + 1) * 10), ForwardingLatencyTests.Director)) };

        var rows = BenchJson.Rows(udp, latency);

        Assert.Equal(2, rows.Count);
        var lvslab = rows[0];
        Assert.Equal(("dr", "lvslab", 10_000, 3), (lvslab.Mode, lvslab.Forwarder, lvslab.Offered, lvslab.Runs));
        // The median run by loss is run 3 (0.05 %): its figures, with the GCs of every run.
        Assert.Equal(19_990, lvslab.Delivered);
        Assert.Equal(0.05, lvslab.LossPercent!.Value, 6);
        Assert.Equal(3.2, lvslab.ForwarderCpuUsPerPacket);
        Assert.Equal(12.5, lvslab.MachineCpuUsPerPacket);
        Assert.Equal(1, lvslab.Gcs);
        Assert.Equal((50, 100), (lvslab.LatencyP50Us, lvslab.LatencyP99Us));
        Assert.Equal((4_100, 2.4, 1.7), (lvslab.WakeupsPerSecond, lvslab.FramesPerWakeup, lvslab.FramesPerSendCall));
        var nft = rows[1];
        Assert.Equal(("nftables", 0.0), (nft.Forwarder, nft.LossPercent));
        Assert.Null(nft.ForwarderCpuUsPerPacket);
        Assert.Null(nft.Gcs);
        Assert.Null(nft.LatencyP50Us);
        Assert.Null(nft.FramesPerSendCall);
    }

    [Fact]
    public void ALatencyCaptureAtARateWithoutUdpStepsIsARowOfItsOwn()
    {
        var latency = new LatencySample("nat", "nftables", 5_000, ForwardingLatency.Measure(ForwardingLatencyTests.DrRequests(4, _ => 7), ForwardingLatencyTests.Director));

        var row = Assert.Single(BenchJson.Rows([], [latency]));

        Assert.Equal(("nat", "nftables", 5_000, 0), (row.Mode, row.Forwarder, row.Offered, row.Runs));
        Assert.Null(row.Sent);
        Assert.Equal(7, row.LatencyP50Us);
    }

    [Fact]
    public void TheJsonHasEveryFieldInCamelCaseWithNullsWrittenOut()
    {
        var rows = BenchJson.Rows([new UdpRateSample("dr", "nftables", 50_000, 100_000, 100_000, null, 49_000, 8.9, null, 1)], []);

        using var json = JsonDocument.Parse(BenchJson.Serialize(rows));

        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray().ToList());
        string[] fields =
        [
            "mode", "forwarder", "offered", "runs", "sent", "delivered", "achievedPerSecond", "lossPercent", "machineCpuUsPerPacket",
            "forwarderCpuUsPerPacket", "gcs", "latencyP50Us", "latencyP99Us", "wakeupsPerSecond", "framesPerWakeup", "framesPerSendCall",
        ];
        Assert.Equal(fields, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(50_000, row.GetProperty("offered").GetInt32());
        Assert.Equal(8.9, row.GetProperty("machineCpuUsPerPacket").GetDouble());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("gcs").ValueKind);
    }
}
