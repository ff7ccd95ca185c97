using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Xunit;

/// <summary>The TUN lab: one real server on the director's LAN, two on a far subnet behind the router.</summary>
public class TunLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-tun";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("tun", name, slot);
}
