namespace LvsLab.Bench.Tests;

public class BenchReportTests
{
    private const string AbOutput = """
        This is ApacheBench, Version 2.3 <$Revision: 1903618 $>

        Server Software:        nginx/1.22.1
        Document Path:          /
        Concurrency Level:      8
        Time taken for tests:   0.072 seconds
        Complete requests:      500
        Failed requests:        2
        Requests per second:    6942.31 [#/sec] (mean)

        Percentage of the requests served within a certain time (ms)
          50%      1
          66%      1
          99%      2
         100%      3 (longest request)
        """;

    [Fact]
    public void AnAbReportGivesRateFailuresAndPercentiles()
    {
        var result = ApacheBenchResult.Parse(AbOutput);
        Assert.Equal(new ApacheBenchResult(500, 2, 6942.31, 1, 2), result);
    }

    [Fact]
    public void TextThatIsNotAnAbReportIsRefusedNamingWhatIsMissing()
    {
        var error = Assert.Throws<FormatException>(() => ApacheBenchResult.Parse("apr_socket_recv: Connection refused (111)"));
        Assert.StartsWith("no 'Complete requests' in ab's output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportShowsTheMedianOfEachForwardersRuns()
    {
        ApacheBenchResult Rate(double rate) => new(100, 0, rate, 1, 2);
        var samples = new List<BenchSample>
        {
            new("dr", "lvslab", 1, Rate(100), 200, 0),
            new("dr", "nftables", 1, Rate(500), null, null),
            new("dr", "lvslab", 2, Rate(300), 240, 1),
            new("dr", "nftables", 2, Rate(400), null, null),
            new("dr", "lvslab", 3, Rate(200), 220, 0),
        };
        string report = BenchReport.Markdown(samples, ["machine: test"], "ab -n 100");
        Assert.Contains("| dr | lvslab | 3 | 200 | 1 | 2 | 0 | 220.0 | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("| dr | nftables | 2 | 450 | 1 | 2 | 0 | n/a | n/a |", report, StringComparison.Ordinal);
        Assert.Contains("- machine: test", report, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() =>
        Assert.Equal(2.5, BenchReport.Median([4, 1, 3, 2]));
}

public class UdpRateReportTests
{
    [Fact]
    public void TheHighestRateWithinTheLossLimitIsReportedWithTheNextOnesLoss()
    {
        var samples = new List<UdpRateSample>
        {
            new("dr", "lvslab", 5000, 10000, 10000, 20),
            new("dr", "lvslab", 10000, 20000, 19990, 23, 9876),
            new("dr", "lvslab", 20000, 40000, 39000, 25),
            new("dr", "nftables", 5000, 10000, 9000, null),
        };
        string table = BenchReport.UdpMarkdown(samples);
        Assert.Contains("| dr | lvslab | 1 | 10000 | 9876 | 0.05 % | 20000: 2.5 % | 23.0 | n/a | n/a |", table, StringComparison.Ordinal);
        Assert.Contains("| dr | nftables | 1 | none | - | - | 5000: 10.0 % | n/a | n/a | n/a |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedRunsReportTheMedianRunByLossWithItsOwnFiguresAndEveryGc()
    {
        // Three runs at 50000/s: 0 %, 0.05 % and 3 % lost; the median run (0.05 %) is within the
        // limit, so 50000 is the highest rate, shown with that run's achieved rate and CPU.
        var samples = new List<UdpRateSample>
        {
            new("dr", "lvslab", 50000, 100000, 100000, 9.0, 49000, 30, 0, Run: 1),
            new("dr", "lvslab", 50000, 100000, 97000, 11.0, 47000, 32, 0, Run: 2),
            new("dr", "lvslab", 50000, 100000, 99950, 10.0, 48000, 31, 1, Run: 3),
            new("dr", "lvslab", 100000, 200000, 190000, 8.0, 90000, 25, 0, Run: 1),
        };

        Assert.Equal(3, BenchReport.MedianRun(samples.Take(3)).Run);
        var table = BenchReport.UdpMarkdown(samples);
        Assert.Contains("| dr | lvslab | 3 | 50000 | 48000 | 0.05 % | 100000: 5.0 % | 10.0 | 31.0 | 1 |", table, StringComparison.Ordinal);
        Assert.Equal([50000, 100000], BenchReport.MedianRuns(samples).Select(s => s.OfferedPerSecond));
    }

    [Fact]
    public void TheLatencyTableShowsPairsAndPercentiles()
    {
        var latency = ForwardingLatency.Measure([], "02:42:0a:4d:01:03");
        var table = BenchReport.LatencyMarkdown([new LatencySample("dr", "lvslab", 10000, latency)]);
        Assert.Contains("| dr | lvslab | 10000 | 0 | 0 |", table, StringComparison.Ordinal);
    }
}
