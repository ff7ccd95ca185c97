using System.Diagnostics;
using LvsLab.Lab.Runtime;

namespace LvsLab.Lab.Tests;

public sealed class EventuallyTests
{
    [Fact]
    public async Task ConditionThatNeverHoldsGivesUpAfterTheWholeTimeout()
    {
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.TrueAsync(_ => Task.FromResult(false), TimeSpan.FromMilliseconds(600), "nothing"));

        Assert.Contains("waiting for nothing", error.Message, StringComparison.Ordinal);

        // Margins: it cannot give up before its 600 ms (less a poll's rounding, 100 ms); the upper
        // bound only says it gave up at all rather than waiting on — 4.4 s above the timeout, for
        // a loaded machine's scheduling.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ConditionThatBecomesTrueReturns()
    {
        var calls = 0;

        await Eventually.TrueAsync(_ => Task.FromResult(++calls >= 3), TimeSpan.FromSeconds(5), "three calls");

        Assert.Equal(3, calls);
    }
}
