using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The TUN lab: one real server on the director's LAN, two on a far subnet behind the router.</summary>
public sealed class TunLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-tun";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("tun", name, slot);
}

/// <summary>The TUN lab with one far real server whose kernel filters reverse paths strictly.</summary>
public sealed class TunStrictRpFilterLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-tunrp";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        TunLab.Create(name, slot, new TunLabOptions { Servers = 1, StrictRpFilter = true });
}
