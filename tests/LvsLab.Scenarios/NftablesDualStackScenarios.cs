using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;

namespace LvsLab.Scenarios;

/// <summary>The stock DR lab, dual-stack, with the nftables forwarder in the director.</summary>
public sealed class NftablesDualStackDrLabFixture() : StockLabFixture("dr", LabForwarders.Nftables, "t-nftv6dr", ipv6: true);

/// <summary>The stock NAT lab, dual-stack, with the nftables forwarder in the director.</summary>
public sealed class NftablesDualStackNatLabFixture() : StockLabFixture("nat", LabForwarders.Nftables, "t-nftv6nat", ipv6: true);

/// <summary>The IPv6 DR check, unchanged, against the nftables forwarder (its translation of the IPv6 twin of the stock rules).</summary>
public sealed class NftablesDualStackDrScenarios(NftablesDualStackDrLabFixture fixture, ITestOutputHelper output) : IClassFixture<NftablesDualStackDrLabFixture>
{
    [SkippableFact]
    public async Task TheIpv6DirectRoutingCheckPassesAgainstTheNftablesForwarder()
    {
        fixture.SkipIfUnavailable();
        await DualStackScenarios.AssertDirectRoutingOverIpv6Async(
            fixture.Lab,
            Artifacts.For(nameof(NftablesDualStackDrScenarios), nameof(TheIpv6DirectRoutingCheckPassesAgainstTheNftablesForwarder)),
            output);
    }
}

/// <summary>The IPv6 NAT check, unchanged, against the nftables forwarder.</summary>
public sealed class NftablesDualStackNatScenarios(NftablesDualStackNatLabFixture fixture, ITestOutputHelper output) : IClassFixture<NftablesDualStackNatLabFixture>
{
    [SkippableFact]
    public async Task TheIpv6NatCheckPassesAgainstTheNftablesForwarder()
    {
        fixture.SkipIfUnavailable();
        await DualStackNatScenarios.AssertNatOverIpv6Async(
            fixture.Lab,
            Artifacts.For(nameof(NftablesDualStackNatScenarios), nameof(TheIpv6NatCheckPassesAgainstTheNftablesForwarder)),
            output);
    }
}
