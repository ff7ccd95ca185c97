using LvsLab.Director.Vrrp;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Vrrp;

public class VrrpConfigurationTests
{
    private static readonly Ipv4Address Primary = Ipv4Address.Parse("10.250.0.1");
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.250.0.100");

    [Theory]
    [InlineData(100, 100, 609, 3_609)]
    [InlineData(255, 100, 3, 3_003)]
    [InlineData(254, 100, 7, 3_007)]
    [InlineData(1, 100, 996, 3_996)]
    [InlineData(100, 1, 6, 36)]
    [InlineData(100, 4095, 24_953, 147_803)]
    [InlineData(200, 50, 109, 1_609)]
    public void TimersFollowRfc5798InMilliseconds(byte priority, int interval, long skew, long masterDown)
    {
        // Skew_Time = ((256 − priority) × interval) / 256, Master_Down_Interval = 3 × interval
        // + Skew_Time; intervals in centiseconds, results in milliseconds rounded down.
        Assert.Equal(skew, VrrpTimers.SkewTime(priority, interval));
        Assert.Equal(masterDown, VrrpTimers.MasterDownInterval(priority, interval));
    }

    [Fact]
    public void HigherPrioritiesNeverWaitLonger()
    {
        for (int interval = 1; interval <= 4095; interval += 7)
        {
            for (int priority = 2; priority <= 255; priority++)
            {
                Assert.True(VrrpTimers.MasterDownInterval((byte)priority, interval) <= VrrpTimers.MasterDownInterval((byte)(priority - 1), interval));
            }
        }
    }

    [Fact]
    public void OptionsHaveTheRfcDefaults()
    {
        var options = new VrrpRouterOptions(1, 100, Primary, [Vip]);

        Assert.True(options.Preempt);
        Assert.Equal(100, options.AdvertisementInterval);
        Assert.False(options.IsOwner);
        Assert.Equal([Vip], options.VirtualAddresses);
    }

    [Fact]
    public void OptionsRejectWhatVrrpCannotCarry()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VrrpRouterOptions(0, 100, Primary, [Vip]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VrrpRouterOptions(1, 0, Primary, [Vip]));
        Assert.Throws<ArgumentException>(() => new VrrpRouterOptions(1, 100, Ipv4Address.Any, [Vip]));
        Assert.Throws<ArgumentException>(() => new VrrpRouterOptions(1, 100, Primary, []));
        Assert.Throws<ArgumentException>(() => new VrrpRouterOptions(1, 100, Primary, [Vip, Vip]));
        Assert.Throws<ArgumentException>(() => new VrrpRouterOptions(1, 100, Primary, Enumerable.Range(0, 256).Select(i => new Ipv4Address((uint)(0x0AFA0000 + i)))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VrrpRouterOptions(1, 100, Primary, [Vip]) { AdvertisementInterval = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VrrpRouterOptions(1, 100, Primary, [Vip]) { AdvertisementInterval = 4096 });
        Assert.Equal(4095, new VrrpRouterOptions(1, 100, Primary, [Vip]) { AdvertisementInterval = 4095 }.AdvertisementInterval);
    }
}
