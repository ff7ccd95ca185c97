using System.Net;
using System.Runtime.CompilerServices;
using LvsLab.Lab.Model;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// What every suite works with: its fixture's lab, the test's output, the lab's VIP, client and
/// real servers, and taps whose pcaps are kept per scenario.
/// </summary>
/// <param name="fixture">The lab.</param>
/// <param name="output">The test's output.</param>
public abstract class LabSuite(LabFixture fixture, ITestOutputHelper output)
{
    /// <summary>The lab.</summary>
    protected LabFixture Fixture => fixture;

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    /// <summary>The VIP.</summary>
    protected IPAddress Vip => fixture.Topology.Vip;

    /// <summary>The client's address.</summary>
    protected IPAddress Cip => fixture.Topology.Node("client").AddressOn("front");

    /// <summary>The real servers.</summary>
    protected IReadOnlyList<LabNode> RealServers => fixture.Topology.NodesWith(NodeRole.RealServer);

    /// <summary>Starts taps on <paramref name="links"/>, their pcaps kept with the calling scenario's.</summary>
    /// <param name="links">Taps as <c>node</c> or <c>node:network</c>.</param>
    /// <param name="scenario">The scenario (the caller, by default).</param>
    /// <returns>The running taps.</returns>
    protected TapSet StartTaps(string[] links, [CallerMemberName] string scenario = "") => LabScenario.StartTaps(fixture, links, scenario);
}
