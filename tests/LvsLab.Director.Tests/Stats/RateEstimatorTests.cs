using LvsLab.Director.Stats;
using Xunit;

namespace LvsLab.Director.Tests.Stats;

public class RateEstimatorTests
{
    private const long Interval = RateEstimator.DefaultIntervalMilliseconds;

    [Fact]
    public void TheFirstSampleOnlySetsTheBaseline()
    {
        var estimator = new RateEstimator();

        estimator.Sample(new TrafficTotals(500, 90_000, 80_000, 9_000_000, 8_000_000), 123_456);

        Assert.Equal(default, estimator.Rates);
    }

    [Fact]
    public void EachSampleMovesTheAverageAQuarterOfTheWayToTheIntervalsRate()
    {
        var estimator = new RateEstimator();
        estimator.Sample(new TrafficTotals(0, 0, 0, 0, 0), 0);

        // 2 s at 10 conn/s, 1000 pps in, 500 pps out, 100 kB/s in, 2 kB/s out: a quarter of each.
        estimator.Sample(new TrafficTotals(20, 2000, 1000, 200_000, 4000), 2000);
        Assert.Equal(new TrafficRates(2.5, 250, 125, 25_000, 500), estimator.Rates);

        // The same rates again: 2.5 + (10 - 2.5) / 4, 250 + (1000 - 250) / 4, ...
        estimator.Sample(new TrafficTotals(40, 4000, 2000, 400_000, 8000), 4000);
        Assert.Equal(new TrafficRates(4.375, 437.5, 218.75, 43_750, 875), estimator.Rates);

        // Nothing happens for 2 s: each average loses a quarter.
        estimator.Sample(new TrafficTotals(40, 4000, 2000, 400_000, 8000), 6000);
        Assert.Equal(new TrafficRates(3.28125, 328.125, 164.0625, 32_812.5, 656.25), estimator.Rates);
    }

    [Fact]
    public void ASteadyRateIsApproachedGeometrically()
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 0);
        for (int n = 1; n <= 50; n++)
        {
            long packets = 2000L * n;
            estimator.Sample(new TrafficTotals(n, packets, packets, packets * 100, packets * 100), n * Interval);

            // Starting from 0, the gap to 1000 pps after n samples is (3/4)^n of 1000.
            double gap = 1000 * Math.Pow(0.75, n);
            Assert.Equal(1000 - gap, estimator.Rates.PacketsInPerSecond, 9);
            Assert.Equal(1000 - gap, estimator.Rates.PacketsOutPerSecond, 9);
            Assert.Equal(100_000 - (100 * gap), estimator.Rates.BytesInPerSecond, 6);
            Assert.Equal(0.5 - (gap / 2000), estimator.Rates.ConnectionsPerSecond, 9);
        }

        Assert.InRange(estimator.Rates.PacketsInPerSecond, 999.999, 1000);
    }

    [Fact]
    public void AStepChangeClosesAQuarterOfTheGapPerSample()
    {
        var estimator = new RateEstimator();
        long packets = 0;
        long now = 0;
        estimator.Sample(default, now);
        for (int i = 0; i < 100; i++)
        {
            packets += 2000;
            now += Interval;
            estimator.Sample(new TrafficTotals(0, packets, 0, 0, 0), now);
        }

        double before = estimator.Rates.PacketsInPerSecond;
        Assert.Equal(1000, before, 6);

        // The rate triples: 3000 pps.
        for (int k = 1; k <= 8; k++)
        {
            packets += 6000;
            now += Interval;
            estimator.Sample(new TrafficTotals(0, packets, 0, 0, 0), now);
            Assert.Equal(3000 - ((3000 - before) * Math.Pow(0.75, k)), estimator.Rates.PacketsInPerSecond, 9);
        }

        // And stops: the average decays by a quarter per sample, never below 0.
        double peak = estimator.Rates.PacketsInPerSecond;
        now += Interval;
        estimator.Sample(new TrafficTotals(0, packets, 0, 0, 0), now);
        Assert.Equal(peak * 0.75, estimator.Rates.PacketsInPerSecond, 9);
    }

    [Fact]
    public void IrregularIntervalsUseTheTimeThatActuallyElapsed()
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 10_000);

        // 1 s early: 500 packets in 1 s is 500 pps.
        estimator.Sample(new TrafficTotals(0, 500, 0, 0, 0), 11_000);
        Assert.Equal(125, estimator.Rates.PacketsInPerSecond);

        // 3 s late: 1500 packets in 3 s is still 500 pps.
        estimator.Sample(new TrafficTotals(0, 2000, 0, 0, 0), 14_000);
        Assert.Equal(125 + ((500 - 125) / 4.0), estimator.Rates.PacketsInPerSecond);

        // 250 ms: 1000 packets is 4000 pps.
        estimator.Sample(new TrafficTotals(0, 3000, 0, 0, 0), 14_250);
        Assert.Equal(218.75 + ((4000 - 218.75) / 4), estimator.Rates.PacketsInPerSecond);
    }

    [Fact]
    public void ASteadyRateGivesTheSameAverageWhateverTheTickJitter()
    {
        var regular = new RateEstimator();
        var jittery = new RateEstimator();
        regular.Sample(default, 0);
        jittery.Sample(default, 0);
        long[] jitter = [0, 150, -300, 20, 999, -999, 1, 0];
        for (int n = 1; n <= jitter.Length; n++)
        {
            long regularNow = n * Interval;
            long jitteryNow = regularNow + jitter[n - 1];

            // 1000 packets and 1.5 MB per second, whenever the sample is taken.
            regular.Sample(new TrafficTotals(0, regularNow, 0, regularNow * 1500, 0), regularNow);
            jittery.Sample(new TrafficTotals(0, jitteryNow, 0, jitteryNow * 1500, 0), jitteryNow);
        }

        Assert.Equal(regular.Rates.PacketsInPerSecond, jittery.Rates.PacketsInPerSecond, 9);
        Assert.Equal(regular.Rates.BytesInPerSecond, jittery.Rates.BytesInPerSecond, 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-2000)]
    public void ASampleThatIsNotLaterThanThePreviousOneIsIgnored(long offset)
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 50_000);

        estimator.Sample(new TrafficTotals(99, 99_999, 99_999, 99_999, 99_999), 50_000 + offset);
        Assert.Equal(default, estimator.Rates);

        // The next good sample is measured from the last accepted one: 2000 packets in 2 s.
        estimator.Sample(new TrafficTotals(0, 2000, 0, 0, 0), 52_000);
        Assert.Equal(new TrafficRates(0, 250, 0, 0, 0), estimator.Rates);

        // Also after the baseline: a repeated timestamp changes nothing.
        estimator.Sample(new TrafficTotals(0, 900_000, 0, 0, 0), 52_000 + Math.Min(offset, 0));
        Assert.Equal(new TrafficRates(0, 250, 0, 0, 0), estimator.Rates);
    }

    [Fact]
    public void CountersThatGoBackwardsRebaselineWithoutNegativeRates()
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 0);
        estimator.Sample(new TrafficTotals(20, 2000, 2000, 200_000, 200_000), 2000);
        Assert.Equal(new TrafficRates(2.5, 250, 250, 25_000, 25_000), estimator.Rates);

        // ipvsadm -Z: the counters restart near 0; the rates restart from 0, as the kernel's zeroing does.
        estimator.Sample(new TrafficTotals(1, 100, 100, 10_000, 10_000), 4000);
        Assert.Equal(default, estimator.Rates);

        // Measured from the new baseline.
        estimator.Sample(new TrafficTotals(21, 2100, 2100, 210_000, 210_000), 6000);
        Assert.Equal(new TrafficRates(2.5, 250, 250, 25_000, 25_000), estimator.Rates);
    }

    [Fact]
    public void OneCounterGoingBackwardsIsAReset()
    {
        var estimator = new RateEstimator();
        estimator.Sample(new TrafficTotals(10, 10, 10, 10, 10), 0);

        estimator.Sample(new TrafficTotals(30, 2010, 2010, 2010, 9), 2000);
        Assert.Equal(default, estimator.Rates);

        estimator.Sample(new TrafficTotals(50, 4010, 4010, 4010, 2009), 4000);
        Assert.Equal(new TrafficRates(2.5, 250, 250, 250, 250), estimator.Rates);
    }

    [Fact]
    public void ResetForgetsTheBaselineAndTheRates()
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 0);
        estimator.Sample(new TrafficTotals(0, 2000, 0, 0, 0), 2000);
        Assert.NotEqual(default, estimator.Rates);

        estimator.Reset();
        Assert.Equal(default, estimator.Rates);

        // A fresh baseline: a much higher counter is not a burst.
        estimator.Sample(new TrafficTotals(0, 1_000_000, 0, 0, 0), 4000);
        Assert.Equal(default, estimator.Rates);
        estimator.Sample(new TrafficTotals(0, 1_002_000, 0, 0, 0), 6000);
        Assert.Equal(250, estimator.Rates.PacketsInPerSecond);
    }

    [Fact]
    public void SamplingDoesNotAllocate()
    {
        var estimator = new RateEstimator();
        estimator.Sample(default, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i <= 10_000; i++)
        {
            var totals = new TrafficTotals(i, i * 10L, i * 9L, i * 1000L, i * 900L);
            estimator.Sample(totals, i * Interval);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(estimator.Rates.PacketsInPerSecond > 0);
    }
}
