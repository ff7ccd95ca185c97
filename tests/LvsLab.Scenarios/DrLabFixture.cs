using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>The DR lab with one real server lacking the ARP sysctls: the "ARP problem".</summary>
public sealed class ArpProblemLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-arp";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        DrLab.Create(name, slot, new DrLabOptions { Servers = 1, ArpSysctls = false });
}

/// <summary>The suites that share one DR lab.</summary>
[CollectionDefinition(Name)]
public sealed class DrLabCollection : ICollectionFixture<DrLabFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dr lab";
}
