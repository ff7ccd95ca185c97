using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Translation;

public class KernelIpv6NeighbourTableTests
{
    [Fact]
    public void EntriesInAValidStateWithAnLladdrAreRead()
    {
        var table = KernelIpv6NeighbourTable.Parse("""
            fd00:10:77:1::11 dev eth0 lladdr 02:42:0a:4d:01:0b REACHABLE
            fd00:10:77:1::1 dev eth0 lladdr 02:42:0a:4d:01:01 router STALE
            fd00:10:77:1::12 dev eth0 lladdr 02:42:0a:4d:01:0c DELAY
            fd00:10:77:1::13 dev eth0 lladdr 02:42:0a:4d:01:0d PROBE
            fd00:10:77:1::14 dev eth0 lladdr 02:42:0a:4d:01:0e PERMANENT
            fe80::42:aff:fe4d:10f dev eth1 lladdr 02:42:0a:4d:01:0f REACHABLE
            """);
        Assert.Equal(6, table.Count);
        Assert.Equal(MacAddress.Parse("02:42:0a:4d:01:0b"), table[Ipv6Address.Parse("fd00:10:77:1::11")]);
        Assert.Equal(MacAddress.Parse("02:42:0a:4d:01:01"), table[Ipv6Address.Parse("fd00:10:77:1::1")]);
        Assert.Equal(MacAddress.Parse("02:42:0a:4d:01:0e"), table[Ipv6Address.Parse("fd00:10:77:1::14")]);
        Assert.Equal(MacAddress.Parse("02:42:0a:4d:01:0f"), table[Ipv6Address.Parse("fe80::42:aff:fe4d:10f")]);
    }

    [Fact]
    public void TheOutputOfIpWithTrailingSpacesAndCrLfIsRead()
    {
        // iproute2 ends each entry with a space after the state.
        var table = KernelIpv6NeighbourTable.Parse("fd00:10:77:1::12 dev eth0 lladdr 02:00:00:00:06:12 REACHABLE \r\nfd00:10:77:1::11 dev eth0 lladdr 02:00:00:00:06:11 PERMANENT \r\n");
        Assert.Equal(
            [Ipv6Address.Parse("fd00:10:77:1::11"), Ipv6Address.Parse("fd00:10:77:1::12")],
            table.Keys.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("fd00:10:77:1::12 dev eth0 INCOMPLETE")]
    [InlineData("fd00:10:77:1::12 dev eth0 FAILED")]
    [InlineData("fd00:10:77:1::12 dev eth0 lladdr 02:42:0a:4d:01:0c FAILED")]
    [InlineData("fd00:10:77:1::12 dev eth0 lladdr 02:42:0a:4d:01:0c NONE")]
    [InlineData("fd00:10:77:1::12 dev eth0 lladdr 02:42:0a:4d:01:0c")]
    [InlineData("fd00:10:77:1::12 dev eth0 lladdr")]
    [InlineData("fd00:10:77:1::12 dev eth0 lladdr not-a-mac REACHABLE")]
    [InlineData("10.77.1.12 dev eth0 lladdr 02:42:0a:4d:01:0c REACHABLE")]
    [InlineData("not-an-address dev eth0 lladdr 02:42:0a:4d:01:0c REACHABLE")]
    [InlineData("fd00:10:77:1::12 dev ib0 lladdr 80:00:00:48:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01 REACHABLE")]
    public void LinesThatAreNoUsableEntryAreSkipped(string text) => Assert.Empty(KernelIpv6NeighbourTable.Parse(text));

    [Fact]
    public void AnAddressOnTwoDevicesKeepsTheLastLine()
    {
        var table = KernelIpv6NeighbourTable.Parse("fd00::11 dev eth0 lladdr 02:00:00:00:00:01 STALE\nfd00::11 dev eth1 lladdr 02:00:00:00:00:02 REACHABLE\n");
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), Assert.Single(table).Value);
    }
}
