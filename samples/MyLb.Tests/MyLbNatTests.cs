using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Scenarios;
using LvsLab.Testing.Xunit;
using Xunit;
using Xunit.Abstractions;

// Labs share one Docker engine: one class at a time keeps each capture to its own traffic.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MyLb.Tests;

/// <summary>LvsLab's NAT lab with mylb (samples/mylb) in the director, as its description says.</summary>
public sealed class MyLbNatLab : NatLabFixture
{
    /// <inheritdoc/>
    public override string Forwarder => Path.Combine(AppContext.BaseDirectory, "mylb.forwarder.yml");
}

/// <summary>
/// Every check of LvsLab's NAT suite against mylb, inherited as they are, and one check of our
/// own written with LvsLab's packet expectations.
/// </summary>
public sealed class MyLbNatTests(MyLbNatLab lab, ITestOutputHelper output) : NatSuite(lab, output), IClassFixture<MyLbNatLab>
{
    [SkippableFact]
    public async Task AConnectionToAPortThatIsNoServiceReachesNoRealServer()
    {
        Fixture.SkipIfUnavailable();
        var servers = RealServers.Select(n => n.Name).ToArray();
        await using var taps = StartTaps(servers);

        var reply = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}:8080/", 1, maxSeconds: 3);
        await taps.StopAsync();

        Assert.Null(reply[0]);
        var toPort8080 = new FrameFilter($"{Cip} → any:8080", f => f.IsIp(Cip, null) && f.Tcp is { DestinationPort: 8080 });
        foreach (var server in servers)
        {
            PacketAssert.NoPacket(taps.On(server), toPort8080);
        }

        Output.WriteLine($"no frame for {Vip}:8080 reached {string.Join(", ", servers)}");
    }
}
