using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests;

public class DirectorOptionsTests
{
    private static readonly MacAddress Mac1 = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Mac2 = MacAddress.Parse("02:00:00:00:00:02");

    [Fact]
    public void MacAndAddressMakeOnePortNamedEth0WhereEverythingIsOnLink()
    {
        var options = new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp);
        DirectorInterface port = Assert.Single(options.Interfaces);
        Assert.Equal(new DirectorInterface("eth0", DrLab.DirectorMac, DrLab.DirectorIp, 0), port);
        Assert.Null(port.Gateway);
        Assert.Equal(DrLab.DirectorMac, options.Mac);
        Assert.Equal(DrLab.DirectorIp, options.Address);
        Assert.True(port.IsOnLink(Ipv4Address.Parse("203.0.113.9")));
    }

    [Fact]
    public void MacAndAddressArePortZeros()
    {
        var options = NatLab.Options();
        Assert.Equal(TwoPortLab.ExtMac, options.Mac);
        Assert.Equal(TwoPortLab.ExtIp, options.Address);
        Assert.Equal(2, options.Interfaces.Count);
        Assert.Equal(TwoPortLab.RouterIp, options.Interfaces[0].Gateway);
    }

    [Fact]
    public void OptionsWithEqualPortsAreEqual()
    {
        Assert.Equal(NatLab.Options(), NatLab.Options());
        Assert.Equal(NatLab.Options().GetHashCode(), NatLab.Options().GetHashCode());
        Assert.NotEqual(NatLab.Options(), NatLab.Options(withGateway: false));
        Assert.NotEqual(NatLab.Options(), NatLab.Options() with { NeighbourCapacity = 5 });
        Assert.Equal(new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp), new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp));
    }

    [Fact]
    public void PortSubnetDecidesWhatIsOnLink()
    {
        var port = new DirectorInterface("int", Mac1, Ipv4Address.Parse("10.2.0.1"), 24);
        Assert.True(port.IsOnLink(Ipv4Address.Parse("10.2.0.200")));
        Assert.False(port.IsOnLink(Ipv4Address.Parse("10.2.1.1")));
        Assert.True((port with { PrefixLength = 32 }).IsOnLink(Ipv4Address.Parse("10.2.0.1")));
        Assert.False((port with { PrefixLength = 32 }).IsOnLink(Ipv4Address.Parse("10.2.0.2")));
    }

    public static TheoryData<string, DirectorInterface[]> InvalidPorts() => new()
    {
        { "at least one interface", [] },
        { "must be a unicast address", [new DirectorInterface("eth0", MacAddress.Broadcast, DrLab.DirectorIp, 24)] },
        { "must be a unicast address", [new DirectorInterface("eth0", MacAddress.Parse("01:00:5e:00:00:01"), DrLab.DirectorIp, 24)] },
        { "must be a unicast address", [new DirectorInterface("eth0", MacAddress.Zero, DrLab.DirectorIp, 24)] },
        { "two interfaces are named 'eth0'", [new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, 24), new DirectorInterface("eth0", Mac2, DrLab.DirectorIp, 24)] },
        { "outside 0..32", [new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, 33)] },
        { "outside 0..32", [new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, -1)] },
        { "has no name", [new DirectorInterface(" ", Mac1, DrLab.DirectorIp, 24)] },
        { "the MTU 67 of interface 'eth0' is outside 68..65535", [new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, 24) { Mtu = 67 }] },
        { "the MTU 65536 of interface 'eth0' is outside 68..65535", [new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, 24) { Mtu = 65536 }] },
        { "the MTU 0 of interface 'b' is outside 68..65535", [new DirectorInterface("a", Mac1, DrLab.DirectorIp, 24), new DirectorInterface("b", Mac2, DrLab.DirectorIp, 24) { Mtu = 0 }] },
    };

    [Theory]
    [MemberData(nameof(InvalidPorts))]
    public void InvalidPortsAreRefused(string message, DirectorInterface[] ports)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new DirectorOptions(ports));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MtuDefaultsTo1500AndTakesPartInEquality()
    {
        var port = new DirectorInterface("eth0", Mac1, DrLab.DirectorIp, 24);
        Assert.Equal(1500, port.Mtu);
        Assert.Equal(1500, Assert.Single(new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp).Interfaces).Mtu);
        Assert.NotEqual(port, port with { Mtu = 9000 });
        Assert.Equal(port with { Mtu = 9000 }, port with { Mtu = 9000 });
        Assert.NotEqual(new DirectorOptions([port]), new DirectorOptions([port with { Mtu = 1400 }]));
        Assert.Equal([68, 65535], new DirectorOptions([port with { Mtu = 68 }, new DirectorInterface("eth1", Mac2, DrLab.DirectorIp, 24) { Mtu = 65535 }]).Interfaces.Select(p => p.Mtu));
    }

    [Fact]
    public void TwoPortsMayShareNothingButMustDifferInName()
    {
        var options = new DirectorOptions(
        [
            new DirectorInterface("a", Mac1, Ipv4Address.Parse("10.1.0.2"), 24),
            new DirectorInterface("b", Mac2, Ipv4Address.Parse("10.2.0.1"), 24, Ipv4Address.Parse("10.2.0.254")),
        ]);
        Assert.Equal(["a", "b"], options.Interfaces.Select(p => p.Name));
    }
}
