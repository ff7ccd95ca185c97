using Xunit;

namespace LvsLab.Tests.Shared;

/// <summary>
/// Linked into each test project whose tests assert that code allocates 0 bytes: those counts
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) are exact only without a background
/// collector, which moves a thread's count while the thread allocates nothing.
/// </summary>
public class ZeroAllocationMeasurementTests
{
    /// <summary>The project runs with the background collector off (its csproj's <c>ConcurrentGarbageCollection</c>): the latency mode is then Batch, not Interactive.</summary>
    [Fact]
    public void AllocationIsMeasuredWithoutABackgroundCollector() =>
        Assert.True(
            System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch && !System.Runtime.GCSettings.IsServerGC,
            "zero-allocation assertions need <ConcurrentGarbageCollection>false</ConcurrentGarbageCollection> in the test project");
}
