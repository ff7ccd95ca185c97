using LvsLab.Director.Tests.Fixtures;
using Xunit;
using static LvsLab.Director.Tests.Fixtures.DrLab;

namespace LvsLab.Director.Tests;

/// <summary>The engine's expiry sweep: started once a second, a bounded slice per frame or per <see cref="DirectorEngine.Maintain"/>.</summary>
public class ExpirySweepEngineTests
{
    private readonly byte[] _output = new byte[2048];

    // Connections from 1,000 client ports through the UDP service, all at time 0.
    private DirectorEngine Filled(int connections)
    {
        DirectorEngine engine = Engine();
        for (int i = 0; i < connections; i++)
        {
            engine.Process(0, Frames.Udp(ClientIp, (ushort)(10000 + i), Vip, 53), _output, 0);
        }

        Assert.Equal(connections, engine.Connections.Count);
        return engine;
    }

    [Fact]
    public void AFrameSweepsNoMoreThanItsSliceAndFramesFinishTheSweep()
    {
        DirectorEngine engine = Filled(1000);
        long later = engine.Connections.Timeouts.UdpMilliseconds + 1;
        byte[] arp = Frames.ArpRequest(ClientMac, ClientIp, Vip);

        // Every frame takes one slice of the table; the sweep ends once every slot was looked at.
        int frames = 0;
        while (engine.Connections.Count > 0)
        {
            int before = engine.Connections.Count;
            engine.Process(0, arp, _output, later);
            frames++;
            Assert.InRange(before - engine.Connections.Count, 0, DirectorEngine.ExpirySliceSlots);
        }

        Assert.Equal((1000 + DirectorEngine.ExpirySliceSlots - 1) / DirectorEngine.ExpirySliceSlots, frames);
        Assert.Equal(default, engine.GetRealServerConnections(1, 0));
    }

    [Fact]
    public void AnIdleEngineIsSweptByMaintain()
    {
        DirectorEngine engine = Filled(300);
        long later = engine.Connections.Timeouts.UdpMilliseconds + 1;
        engine.Maintain(later, 100);
        Assert.Equal(200, engine.Connections.Count);
        engine.Maintain(later, 100);
        engine.Maintain(later, 100);
        Assert.Equal(0, engine.Connections.Count);
    }

    [Fact]
    public void NoSweepStartsBeforeItIsDue()
    {
        DirectorEngine engine = Filled(10);

        // The first frame (at 0) ran a sweep; the next is due a second later. One connection
        // is given a 1 ms timeout by its next packet (timeouts apply from then on).
        engine.Connections.Timeouts = engine.Connections.Timeouts with { UdpMilliseconds = 1 };
        engine.Process(0, Frames.Udp(ClientIp, 10000, Vip, 53), _output, 1);
        engine.Maintain(DirectorEngine.ExpirySweepIntervalMilliseconds - 1, 1000);
        Assert.Equal(10, engine.Connections.Count);
        engine.Maintain(DirectorEngine.ExpirySweepIntervalMilliseconds + 10, 1000);
        Assert.Equal(9, engine.Connections.Count);
    }
}
