using System.Diagnostics;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// One lab shared by a test class (<c>IClassFixture</c>) or collection: swept leftovers first,
/// then the lab, owned by this test process (so a killed run's lab is swept by the next), taken
/// down at the end. Derive from it, or from <see cref="DrLabFixture"/>, <see cref="NatLabFixture"/>
/// and <see cref="TunLabFixture"/>, and override <see cref="Forwarder"/> to put your own
/// forwarder in the director.
/// </summary>
public abstract class LabFixture : IAsyncLifetime
{
    private IRunningLab? lab;
    private ForwarderDescription? description;

    /// <summary>The runtime.</summary>
    public DockerLabRuntime Runtime { get; } = new();

    /// <summary>The running lab.</summary>
    public IRunningLab Lab => lab ?? throw new InvalidOperationException("the lab is not up");

    /// <summary>How long the lab took to come up (images cached or not).</summary>
    public TimeSpan UpTime { get; private set; }

    /// <summary>The lab's topology.</summary>
    public LabTopology Topology => Lab.Topology;

    /// <summary>What forwards in the director, as named (see <see cref="ForwarderCatalog.Resolve"/>); the C# director unless a fixture says otherwise.</summary>
    public virtual string Forwarder => LabForwarders.LvsLab;

    /// <summary>The forwarder's description: what it claims, how it is ready.</summary>
    public ForwarderDescription Description => description ??= ForwarderCatalog.Resolve(Forwarder);

    /// <summary>Why this lab cannot run on this machine (then it is not brought up and its tests skip), or null.</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>Skips the calling test, with the reason, when the lab cannot run here.</summary>
    public void SkipIfUnavailable() => Skip.If(UnavailableReason is not null, UnavailableReason);

    /// <summary>Skips the calling test when the forwarder does not offer lvs-director's control socket (counters, run-time rules), which it uses.</summary>
    public void SkipUnlessLvsDirector() => SkipUnlessClaims(ForwarderCapabilities.LvsDirectorControl);

    /// <summary>Skips the calling test when the forwarder does not claim every one of <paramref name="capabilities"/>.</summary>
    /// <param name="capabilities">What the test needs (<see cref="ForwarderCapabilities"/>).</param>
    public void SkipUnlessClaims(params string[] capabilities)
    {
        SkipIfUnavailable();
        var missing = capabilities.Where(c => !Description.Claims(c)).ToList();
        Skip.If(missing.Count > 0, $"needs {string.Join(" and ", missing.Select(m => $"'{m}' ({ForwarderCapabilities.Known[m]})"))}, which the forwarder '{Description.Name}' does not claim");
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        if (Description.UnavailableReason() is { } reason)
        {
            UnavailableReason = reason;
            return;
        }

        await Runtime.SweepAsync();
        var slot = await Runtime.FreeSlotAsync();
        var topology = ApplyForwarder(CreateTopology(UniqueName(NamePrefix), slot));
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

    /// <summary>Puts the forwarder in the topology's directors (every director by default; a fixture may mix).</summary>
    /// <param name="topology">The topology <see cref="CreateTopology"/> made.</param>
    /// <returns>The topology to bring up.</returns>
    protected virtual LabTopology ApplyForwarder(LabTopology topology) => Description.ApplyTo(topology);

    /// <summary>The topology to bring up.</summary>
    /// <param name="name">The lab's name.</param>
    /// <param name="slot">Its address slot.</param>
    /// <returns>The topology.</returns>
    protected abstract LabTopology CreateTopology(string name, int slot);
}
