using System.Text;
using Xunit;

namespace LvsLab.Packets.Tests.Ipv6;

public class IpAddressTests
{
    [Theory]
    [InlineData("10.0.0.1", true, "10.0.0.1")]
    [InlineData("fd00:10:77:1::100", false, "fd00:10:77:1::100")]
    [InlineData("::ffff:10.0.0.1", true, "10.0.0.1")]
    [InlineData("2001:DB8:0:0:0:0:0:1", false, "2001:db8::1")]
    public void ParsesEitherFamilyAndAMappedAddressIsIpVersion4(string text, bool ipv4, string canonical)
    {
        IpAddress address = IpAddress.Parse(text);
        Assert.Equal(ipv4, address.IsIpv4);
        Assert.Equal(canonical, address.ToString());

        Span<byte> utf8 = stackalloc byte[64];
        Assert.True(address.TryFormat(utf8, out int written, default, null));
        Assert.Equal(canonical, Encoding.ASCII.GetString(utf8[..written]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("fd00:::1")]
    [InlineData("[fd00::1]")]
    public void RefusesWhatIsNeither(string text) => Assert.False(IpAddress.TryParse(text, out _));

    [Fact]
    public void AnIpVersion4AddressEqualsItsConversionAndKeepsItsValue()
    {
        Ipv4Address v4 = Ipv4Address.Parse("192.168.7.9");
        IpAddress address = v4;
        Assert.Equal(v4, address.Ipv4);
        Assert.Equal((IpAddress)Ipv6Address.MapFrom(v4), address);
        Assert.Equal(v4.Value, address.Fold32());
        Assert.Equal("192.168.7.9:80", address.ToString(80));
        Assert.Equal("[fd00::1]:80", IpAddress.Parse("fd00::1").ToString(80));
    }

    [Fact]
    public void NetworksCountTheirPrefixInTheirOwnFamily()
    {
        Assert.Equal(IpAddress.Parse("10.1.2.0"), IpAddress.Parse("10.1.2.3").Network(24));
        Assert.Equal(IpAddress.Parse("fd00:10:77:1::"), IpAddress.Parse("fd00:10:77:1:2:3:4:5").Network(64));
        Assert.Throws<ArgumentOutOfRangeException>(() => IpAddress.Parse("10.1.2.3").Network(33));
        Assert.Throws<ArgumentOutOfRangeException>(() => IpAddress.Parse("fd00::1").Network(129));
    }

    [Fact]
    public void FoldingAnIpVersion6AddressUsesEveryWord()
    {
        IpAddress a = IpAddress.Parse("fd00:10:77:1::11");
        IpAddress b = IpAddress.Parse("fd00:10:77:2::11");
        Assert.NotEqual(a.Fold32(), b.Fold32());
        Assert.NotEqual(a.GetHashCode(), b.GetHashCode());
        Assert.True(a < b);
    }

    [Fact]
    public void FormattingAllocatesNothing()
    {
        IpAddress v6 = IpAddress.Parse("fd00:10:77:1::100");
        IpAddress v4 = IpAddress.Parse("10.77.1.100");
        byte[] buffer = new byte[64];
        _ = v6.TryFormat(buffer, out _, default, null);
        _ = v4.TryFormat(buffer, out _, default, null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = v6.TryFormat(buffer, out _, default, null);
            _ = v4.TryFormat(buffer, out _, default, null);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
