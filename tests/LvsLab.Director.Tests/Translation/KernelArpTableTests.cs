using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Translation;

public class KernelArpTableTests
{
    [Fact]
    public void OnlyCompleteEntriesAreRead()
    {
        var table = KernelArpTable.Parse("""
            IP address       HW type     Flags       HW address            Mask     Device
            10.77.1.11       0x1         0x2         02:42:0a:4d:01:0b     *        eth0
            10.77.1.12       0x1         0x0         00:00:00:00:00:00     *        eth0
            """);
        var entry = Assert.Single(table);
        Assert.Equal(Ipv4Address.Parse("10.77.1.11"), entry.Key);
        Assert.Equal(MacAddress.Parse("02:42:0a:4d:01:0b"), entry.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("IP address HW type Flags HW address Mask Device")]
    [InlineData("heading\n10.77.1.11 0x1 0x2")]
    [InlineData("heading\nnot-an-address 0x1 0x2 02:42:0a:4d:01:0b * eth0")]
    [InlineData("heading\n10.77.1.11 0x1 0x2 not-a-mac * eth0")]
    public void LinesThatAreNoEntryAreSkipped(string text) => Assert.Empty(KernelArpTable.Parse(text));
}
