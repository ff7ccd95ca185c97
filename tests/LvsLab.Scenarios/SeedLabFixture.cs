using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The seed document's layer-2/3 lab, with its own addresses.</summary>
public sealed class SeedLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-seed";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("seed", name, slot);
}
