using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Xunit;

/// <summary>The DR lab: client → router → LAN with the director and three real servers (rr).</summary>
public class DrLabFixture : LabFixture
{
    /// <inheritdoc/>
    public override string Forwarder => LabForwarders.FromEnvironment();

    /// <inheritdoc/>
    protected override string NamePrefix => "t-dr";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("dr", name, slot);
}
