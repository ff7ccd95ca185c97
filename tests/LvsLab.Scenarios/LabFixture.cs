using System.Diagnostics;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;

namespace LvsLab.Scenarios;

/// <summary>
/// One lab shared by a test class: swept leftovers first, then the lab, owned by this test
/// process (so a killed run's lab is swept by the next), taken down at the end.
/// </summary>
public abstract class LabFixture : IAsyncLifetime
{
    private IRunningLab? lab;

    /// <summary>The runtime.</summary>
    public DockerLabRuntime Runtime { get; } = new();

    /// <summary>The running lab.</summary>
    public IRunningLab Lab => lab ?? throw new InvalidOperationException("the lab is not up");

    /// <summary>How long the lab took to come up (images cached or not).</summary>
    public TimeSpan UpTime { get; private set; }

    /// <summary>The lab's topology.</summary>
    public LabTopology Topology => Lab.Topology;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await Runtime.SweepAsync();
        var slot = await Runtime.FreeSlotAsync();
        var topology = CreateTopology(UniqueName(NamePrefix), slot);
        var watch = Stopwatch.StartNew();
        lab = await Runtime.UpAsync(topology, LabOwner.CurrentProcess());
        UpTime = watch.Elapsed;
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (lab is not null)
        {
            await lab.DisposeAsync();
        }
    }

    /// <summary>A lab name unique to this run.</summary>
    /// <param name="prefix">A short prefix.</param>
    /// <returns>The name.</returns>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The short prefix of the lab's name.</summary>
    protected abstract string NamePrefix { get; }

    /// <summary>The topology to bring up.</summary>
    /// <param name="name">The lab's name.</param>
    /// <param name="slot">Its address slot.</param>
    /// <returns>The topology.</returns>
    protected abstract LabTopology CreateTopology(string name, int slot);
}
