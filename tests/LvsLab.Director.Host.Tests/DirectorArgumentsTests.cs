using Xunit;

namespace LvsLab.Director.Host.Tests;

public class DirectorArgumentsTests
{
    [Fact]
    public void SyncIsOnEveryHalfSecondUnlessSaidOtherwise()
    {
        var defaults = DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--vrrp", "51,150"]);
        Assert.True(defaults.Sync);
        Assert.Equal(500, defaults.SyncPeriodMilliseconds);
        var off = DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--vrrp", "51,150", "--sync", "off", "--sync-period", "200"]);
        Assert.False(off.Sync);
        Assert.Equal(200, off.SyncPeriodMilliseconds);
    }

    [Theory]
    [InlineData("--sync", "maybe", "--sync 'maybe': on or off")]
    [InlineData("--sync-period", "10", "--sync-period '10': milliseconds, 50 to 60000")]
    [InlineData("--sync-period", "1s", "--sync-period '1s'")]
    [InlineData("--fault", "no-such", "--fault 'no-such': unknown")]
    [InlineData("--vrrp-address", "10.0.0.300", "--vrrp-address '10.0.0.300' is not an IPv4 address")]
    [InlineData("--vrrp-address", "10.0.0.254", "--vrrp-address needs --vrrp")]
    [InlineData("--eviction", "random", "--eviction 'random': embryonic-first (the default: half-open connections go first) or lru")]
    public void ABadValueIsNamed(string option, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => DirectorArguments.Parse(["run", "--rules", "r.ipvs", option, value]));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNoGratuitousArpFaultHasAName() =>
        Assert.Equal(DirectorFaults.NoGratuitousArp, DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--fault", "no-gratuitous-arp"]).Faults);

    [Fact]
    public void FloatingAddressesAreRepeatedBesideVrrp()
    {
        var pair = DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--vrrp", "51,150", "--vrrp-address", "10.0.1.254", "--vrrp-address", "10.0.2.254"]);
        Assert.Equal(["10.0.1.254", "10.0.2.254"], pair.FloatingAddresses.Select(a => a.ToString()));
        Assert.Empty(DirectorArguments.Parse(["run", "--rules", "r.ipvs"]).FloatingAddresses);
    }

    [Fact]
    public void EmbryonicConnectionsAreEvictedFirstUnlessLruIsAskedFor()
    {
        Assert.Equal(Connections.ConnectionEviction.EmbryonicFirst, DirectorArguments.Parse(["run", "--rules", "r.ipvs"]).ConnectionEviction);
        Assert.Equal(Connections.ConnectionEviction.LeastRecentlyUsed, DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--eviction", "lru"]).ConnectionEviction);
    }
}
