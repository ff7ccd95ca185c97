using Xunit;

namespace LvsLab.Packets.Tests;

public class AddressTests
{
    [Theory]
    [InlineData("02:42:ac:11:00:02", 0x0242ac110002UL)]
    [InlineData("FF:FF:FF:FF:FF:FF", 0xffffffffffffUL)]
    [InlineData("00-00-5e-00-53-01", 0x00005e005301UL)]
    public void MacAddressParsesColonAndHyphenForms(string text, ulong value)
    {
        Assert.True(MacAddress.TryParse(text, out MacAddress mac));
        Assert.Equal(value, mac.Value);
        Assert.Equal(mac, MacAddress.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("02:42:ac:11:00")]
    [InlineData("02:42:ac:11:00:0g")]
    [InlineData("02:42-ac:11:00:02")]
    [InlineData("02:42:ac:11:00:02:")]
    [InlineData("0242ac110002")]
    public void MacAddressRejectsMalformedText(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => MacAddress.Parse(text));
    }

    [Fact]
    public void MacAddressFormatsLowerCaseColonForm()
    {
        Assert.Equal("02:42:ac:11:00:02", MacAddress.Parse("02:42:AC:11:00:02").ToString());
        Assert.Equal("ff:ff:ff:ff:ff:ff", MacAddress.Broadcast.ToString());
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(MacAddress.Parse("01:00:5e:00:00:01").IsMulticast);
        Assert.False(MacAddress.Parse("02:42:ac:11:00:02").IsMulticast);
    }

    [Fact]
    public void MacAddressReadsAndWritesWireOrder()
    {
        byte[] bytes = [0xAA, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0xBB];
        MacAddress mac = MacAddress.ReadFrom(bytes.AsSpan(1));
        Assert.Equal("02:42:ac:11:00:02", mac.ToString());

        byte[] output = new byte[8];
        mac.WriteTo(output.AsSpan(1));
        Assert.Equal(new byte[] { 0, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0 }, output);
    }

    [Theory]
    [InlineData("10.0.0.1", 0x0A000001u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("192.168.0.199", 0xC0A800C7u)]
    public void Ipv4AddressParsesDottedDecimal(string text, uint value)
    {
        Assert.True(Ipv4Address.TryParse(text, out Ipv4Address address));
        Assert.Equal(value, address.Value);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.1.1")]
    [InlineData("10.0.0.-1")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.0001")]
    [InlineData("10..0.1")]
    [InlineData("host")]
    [InlineData("::1")]
    public void Ipv4AddressRejectsMalformedText(string text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Ipv4Address.Parse(text));
    }

    [Fact]
    public void Ipv4AddressReadsAndWritesBigEndian()
    {
        byte[] bytes = [10, 0, 0, 100];
        Ipv4Address address = Ipv4Address.ReadFrom(bytes);
        Assert.Equal(new Ipv4Address(10, 0, 0, 100), address);
        byte[] output = new byte[4];
        address.WriteTo(output);
        Assert.Equal(bytes, output);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.0", 24, true)]
    [InlineData("10.0.1.1", "10.0.0.0", 24, false)]
    [InlineData("10.0.1.1", "10.0.0.0", 16, true)]
    [InlineData("192.168.1.1", "10.0.0.0", 0, true)]
    [InlineData("10.0.0.1", "10.0.0.1", 32, true)]
    [InlineData("10.0.0.2", "10.0.0.1", 32, false)]
    [InlineData("172.17.0.5", "172.16.0.0", 12, true)]
    public void Ipv4AddressIsInSubnet(string address, string network, int prefix, bool expected) =>
        Assert.Equal(expected, Ipv4Address.Parse(address).IsInSubnet(Ipv4Address.Parse(network), prefix));

    [Fact]
    public void Ipv4AddressRejectsPrefixOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Address.Any.IsInSubnet(Ipv4Address.Any, 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Address.Any.IsInSubnet(Ipv4Address.Any, -1));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("255.255.255.255")]
    public void Ipv4AddressFormatsAsUtf8WithoutAllocating(string text)
    {
        var address = Ipv4Address.Parse(text);
        Span<byte> into = stackalloc byte[15];
        _ = address.TryFormat(into, out _, default, null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool formatted = address.TryFormat(into, out int written, default, null);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(formatted);
        Assert.Equal(0, allocated);
        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(into[..written]));
        Assert.False(address.TryFormat(into[..(text.Length - 1)], out _, default, null));
    }
}
