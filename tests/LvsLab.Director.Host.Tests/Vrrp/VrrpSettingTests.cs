using LvsLab.Director.Host.Vrrp;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Host.Tests.Vrrp;

public class VrrpSettingTests
{
    [Theory]
    [InlineData("51,150", 51, 150, 100, true)]
    [InlineData("51,150,100ms", 51, 150, 10, true)]
    [InlineData("1,255,1s,nopreempt", 1, 255, 100, false)]
    [InlineData("255, 1, nopreempt, 40950ms", 255, 1, 4095, false)]
    [InlineData("7,100,10ms", 7, 100, 1, true)]
    public void TheSettingGivesTheRoutersOptions(string text, int vrid, int priority, int centiseconds, bool preempt)
    {
        var setting = VrrpSetting.Parse(text);
        Assert.Equal(new VrrpSetting((byte)vrid, (byte)priority, centiseconds, preempt), setting);
        var options = setting.Options(Ipv4Address.Parse("10.0.0.3"), [Ipv4Address.Parse("10.0.0.100")]);
        Assert.Equal((byte)vrid, options.VirtualRouterId);
        Assert.Equal(centiseconds, options.AdvertisementInterval);
        Assert.Equal(preempt, options.Preempt);
    }

    [Theory]
    [InlineData("51", "VRID,PRIORITY")]
    [InlineData("51,150,100ms,nopreempt,x", "VRID,PRIORITY")]
    [InlineData("0,150", "virtual router id '0'")]
    [InlineData("256,150", "virtual router id '256'")]
    [InlineData("51,0", "priority '0'")]
    [InlineData("51,-1", "priority '-1'")]
    [InlineData("51,150,5ms", "interval '5ms'")]
    [InlineData("51,150,105ms", "interval '105ms'")]
    [InlineData("51,150,41s", "interval '41s'")]
    [InlineData("51,150,100", "interval '100'")]
    [InlineData("51,150,preempt", "interval 'preempt'")]
    public void ABadSettingNamesTheBadPart(string text, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => VrrpSetting.Parse(text));
        Assert.Contains($"--vrrp '{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDirectorsCommandLineTakesIt()
    {
        var arguments = DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--vrrp", "51,150,100ms"]);
        Assert.Equal(new VrrpSetting(51, 150, 10, true), arguments.Vrrp);
        Assert.Null(DirectorArguments.Parse(["run", "--rules", "r.ipvs"]).Vrrp);
        Assert.Throws<ArgumentException>(() => DirectorArguments.Parse(["run", "--rules", "r.ipvs", "--vrrp"]));
    }

    [Theory]
    [InlineData(0x0800, 112, true)]
    [InlineData(0x0800, 6, false)]
    [InlineData(0x0806, 112, false)]
    public void OnlyIpv4FramesOfProtocol112AreVrrp(int etherType, int protocol, bool expected)
    {
        var frame = new byte[60];
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        frame[14] = 0x45;
        frame[23] = (byte)protocol;
        Assert.Equal(expected, VrrpSpeaker.IsVrrp(frame));
        Assert.False(VrrpSpeaker.IsVrrp(frame.AsSpan(0, 33)));
    }
}
