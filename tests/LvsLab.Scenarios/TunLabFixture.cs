using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The TUN lab with one far real server whose kernel filters reverse paths strictly.</summary>
public sealed class TunStrictRpFilterLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-tunrp";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        TunLab.Create(name, slot, new TunLabOptions { Servers = 1, StrictRpFilter = true });
}
