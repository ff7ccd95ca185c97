using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Xunit;

/// <summary>A stock lab (its topology file) with a given forwarder in the director.</summary>
/// <param name="kind">The stock lab: dr, nat, tun, seed.</param>
/// <param name="forwarder">The forwarder (see <see cref="LabForwarders"/>).</param>
/// <param name="prefix">The short prefix of the lab's name.</param>
/// <param name="ipv6">Whether the lab is dual-stack (<c>lvslab up KIND --ipv6</c>).</param>
public abstract class StockLabFixture(string kind, string forwarder, string prefix, bool ipv6 = false) : LabFixture
{
    /// <inheritdoc/>
    public override string Forwarder => forwarder;

    /// <inheritdoc/>
    protected override string NamePrefix => prefix;

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => StockLabs.Load(kind, name, slot, ipv6: ipv6);
}
