using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Translation;

public class HostInterfaceTests
{
    private static readonly HostInterface Eth0 = new("eth0", MacAddress.Parse("02:00:00:00:00:03"), Ipv4Address.Parse("10.77.1.3"), 24);

    [Fact]
    public void WithoutAnIpv6AddressNoIpv6AddressIsOnLink()
    {
        Assert.Null(Eth0.Address6);
        Assert.False(Eth0.IsOnLink(Ipv6Address.Parse("fd00:10:77:1::11")));
        Assert.Equal("eth0 without IPv6", Eth0.ToIpv6String());
    }

    [Theory]
    [InlineData("fd00:10:77:1::11", 64, true)]
    [InlineData("fd00:10:77:1:ffff:ffff:ffff:ffff", 64, true)]
    [InlineData("fd00:10:77:2::11", 64, false)]
    [InlineData("fd00:10:77:1::11", 120, true)]
    [InlineData("fd00:10:77:1::1:11", 120, false)]
    [InlineData("fd00:10:77:1::3", 128, true)]
    [InlineData("fd00:10:77:1::11", 128, false)]
    [InlineData("2001:db8::1", 1, false)]
    [InlineData("fc00::1", 1, true)]
    public void AnIpv6AddressIsOnLinkWhenItSharesTheInterfacesPrefix(string address, int prefixLength, bool onLink)
    {
        HostInterface eth0 = Eth0 with { Address6 = Ipv6Address.Parse("fd00:10:77:1::3"), PrefixLength6 = prefixLength };
        Assert.Equal(onLink, eth0.IsOnLink(Ipv6Address.Parse(address)));
    }

    [Fact]
    public void TheIpv6PrefixIs64UnlessSetAndTheIpv4TextIsUnchanged()
    {
        HostInterface eth0 = Eth0 with { Address6 = Ipv6Address.Parse("fd00:10:77:1::3") };
        Assert.Equal(64, eth0.PrefixLength6);
        Assert.Equal("eth0 fd00:10:77:1::3/64", eth0.ToIpv6String());
        Assert.Equal("eth0 10.77.1.3/24", eth0.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(129)]
    public void AnIpv6PrefixLengthOutside1To128IsRefused(int prefixLength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Eth0 with { PrefixLength6 = prefixLength });
}
