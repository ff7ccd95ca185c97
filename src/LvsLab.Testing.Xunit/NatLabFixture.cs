using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Xunit;

/// <summary>The NAT lab: client and director on the front network, three real servers behind the director.</summary>
public class NatLabFixture : LabFixture
{
    /// <inheritdoc/>
    public override string Forwarder => LabForwarders.FromEnvironment();

    /// <inheritdoc/>
    protected override string NamePrefix => "t-nat";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load("nat", name, slot);
}
