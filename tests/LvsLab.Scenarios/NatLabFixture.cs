using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The NAT lab with a real server whose default route is the router, not the director.</summary>
public sealed class NatWrongGatewayLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-natgw";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        NatLab.Create(name, slot, new NatLabOptions { Servers = 1, RouteRepliesThroughDirector = false });
}
