using System.Buffers.Binary;
using System.Net;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Flow;
using LvsLab.Testing.Scenarios;
using PacketDotNet;

namespace LvsLab.Testing.Xunit;

/// <summary>
/// LVS-TUN with real packets (seed idea 8): the director wraps the client's packet unchanged in
/// IP-in-IP to a real server that may sit in another subnet; the server unwraps it, holds the
/// VIP, and answers the client directly, never through the director.
/// </summary>
/// <remarks>
/// Forwarder-agnostic: only packets captured outside the forwarder and the client's own view.
/// Derive a class from it with a <see cref="TunLabFixture"/> as its class or collection Fixture.
/// </remarks>
public abstract class TunSuite(LabFixture fixture, ITestOutputHelper output) : LabSuite(fixture, output)
{
    [SkippableTheory]
    [InlineData("spread")]
    [InlineData("true-client")]
    [InlineData("replies-bypass")]
    public async Task TheTunChecksPassOnTheTunLab(string check)
    {
        Fixture.SkipIfUnavailable();
        Assert.True((await LabScenario.RunCheckAsync(Fixture, check, Output)).Passed);
    }

    [SkippableFact]
    public async Task TheTunPictureShowsThePacketWrappedUnchangedAndTheReplyBypassingTheDirector()
    {
        Fixture.SkipIfUnavailable();
        var flow = await LabScenario.TraceOneRequestAsync(Fixture, nameof(TheTunPictureShowsThePacketWrappedUnchangedAndTheReplyBypassingTheDirector), Output);
        var atDirector = flow.Request.Single(h => h.From == "director");
        Assert.True(atDirector.Changed.HasFlag(FlowFields.Wrapped), atDirector.Changed.ToString());
        Assert.False(atDirector.Changed.HasFlag(FlowFields.DestinationAddress));
        Assert.NotNull(atDirector.Outer);
        Assert.True(flow.ReplyBypassesDirector);
    }

    /// <summary>The director's address on the LAN.</summary>
    protected IPAddress Dip => Fixture.Topology.Node("director").AddressOn("lan");

    [SkippableFact]
    public async Task CurlReachesEveryRealServerIncludingThoseBehindTheRouter()
    {
        Fixture.SkipIfUnavailable();
        var paths = new List<string>();
        foreach (var rs in RealServers)
        {
            paths.Add((await Fixture.Lab.ExecAsync(rs.Name, ["cat", TunLab.PathFile])).Stdout.Trim());
        }

        Output.WriteLine($"decapsulation: {string.Join(", ", paths)}; kernel ipip module present: {Directory.Exists("/sys/module/ipip")}");
        Assert.All(paths, p => Assert.Equal(Directory.Exists("/sys/module/ipip") ? "kernel-ipip" : "user-space", p));
        await using var taps = StartTaps(["client"]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.All(replies.GroupBy(r => r!.Server), g => Assert.Equal(2, g.Count()));
        Assert.Equal(RealServers.Select(n => n.Name).Order(), replies.Select(r => r!.Server).Distinct().Order());
        Assert.All(replies, r => Assert.Equal(Cip, r!.Client));
        Assert.Contains(RealServers, n => n.Interfaces[0].Network == "far");
    }

    [SkippableFact]
    public async Task DirectorWrapsTheClientsPacketUnchangedInIpInIp()
    {
        Fixture.SkipIfUnavailable();
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        await using var taps = StartTaps(["router:lan", "director", far.Name]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 3);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        var directorMac = Fixture.Lab.Node("director").On("lan").Mac;
        var routerMac = Fixture.Lab.Node("router").On("lan").Mac;
        var sentFrames = taps.On("router:lan").Where(f => f.IsIp(Cip, Vip) && f.SourceMac == routerMac && f.DestinationMac == directorMac).ToList();
        var sentByRouter = sentFrames.Select(f => f.AfterEthernet.ToArray()).ToList();
        // Every IP-in-IP frame that left the director is a frame the router sent it, wrapped as
        // TUN wraps (outer DIP → RIP, protocol 4, TTL 64, its identification free; the inner
        // packet byte for byte), towards the real server on the LAN or the router for the far one.
        var models = RealServers.Select(n =>
        {
            var onLan = n.Interfaces.FirstOrDefault(i => i.Network == "lan");
            var nextHop = onLan is not null ? Fixture.Lab.Node(n.Name).On("lan").Mac : routerMac;
            return new TunnelRewrite(Dip, n.Interfaces[0].Address, directorMac, nextHop, n.Name);
        }).ToList();
        var wrapped = PacketAssert.NoOtherPackets(
            taps.On("director"),
            [.. sentFrames.SelectMany(f => models.Select(m => m.Expect(f.Data)))],
            new FrameFilter("IP-in-IP from the director", f => f.SourceMac == directorMac && f.Ip is { Protocol: PacketDotNet.ProtocolType.IPv4 }));
        Assert.NotEmpty(wrapped.Matches);

        // The far server receives the tunnel through the router, still director → RIP, protocol 4.
        var farAddress = far.Interfaces[0].Address;
        var arrived = taps.On(far.Name).Where(f => f.IsIp(Dip, farAddress) && f.Ip!.Protocol == PacketDotNet.ProtocolType.IPv4).ToList();
        Assert.NotEmpty(arrived);
        Assert.All(arrived, f => Assert.Equal(Fixture.Lab.Node("router").On("far").Mac, f.SourceMac));
        Assert.All(arrived, f => Assert.Contains(sentByRouter, s => s.AsSpan().SequenceEqual(Inner(f))));
        Output.WriteLine($"{wrapped.Matches.Count} wrapped packets left the director; {arrived.Count} reached {far.Name} across the router");
    }

    [SkippableFact]
    public async Task RepliesCrossSubnetsWithoutTheDirector()
    {
        Fixture.SkipIfUnavailable();
        var far = RealServers.First(n => n.Interfaces[0].Network == "far");
        await using var taps = StartTaps(["director", far.Name]);

        var replies = await HttpProbe.GetAsync(Fixture.Lab, "client", $"http://{Vip}/", 6);
        await taps.StopAsync();

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.DoesNotContain(taps.On("director"), f => f.IsIp(Vip, null));
        var leaving = taps.On(far.Name).Where(f => f.IsIp(Vip, Cip)).ToList();
        Assert.NotEmpty(leaving);
        Assert.All(leaving, f => Assert.Equal(Fixture.Lab.Node("router").On("far").Mac, f.DestinationMac));
    }

    [SkippableFact]
    public async Task UploadLargerThanTheTunnelMtuSucceedsAfterTheDirectorsFragmentationNeeded()
    {
        Fixture.SkipUnlessClaims(ForwarderCapabilities.FragmentationNeeded);
        await using var taps = StartTaps(["client", "director"]);

        var upload = await Fixture.Lab.ExecAsync("client", ["sh", "-c", $"head -c 1048576 /dev/zero | socat -t 20 - TCP4:{Vip}:{TunLab.UploadPort}"]);
        await taps.StopAsync();

        Output.WriteLine($"server counted: {upload.Stdout.Trim()} {upload.Stderr.Trim()}");
        Assert.Equal("1048576", upload.Stdout.Trim());
        var directorMac = Fixture.Lab.Node("director").On("lan").Mac;
        var icmp = taps.On("director").Where(f => f.SourceMac == directorMac && f.Ethernet.Extract<IcmpV4Packet>() is { } i && i.TypeCode == IcmpV4TypeCode.UnreachableFragmentationNeeded).ToList();
        Assert.NotEmpty(icmp);
        foreach (var frame in icmp)
        {
            Assert.Equal(Cip, frame.Ip!.DestinationAddress);
            var message = frame.Ethernet.Extract<IcmpV4Packet>()!.Bytes;
            // RFC 1191: the next-hop MTU sits in the low 16 bits of the second word.
            Assert.Equal(1480, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6, 2)));
        }

        Assert.Contains(taps.On("client"), f => f.Ethernet.Extract<IcmpV4Packet>() is { TypeCode: IcmpV4TypeCode.UnreachableFragmentationNeeded });
    }

    /// <summary>The inner packet of a captured IP-in-IP frame (after the outer header, up to the outer total length).</summary>
    /// <param name="frame">A frame carrying protocol 4.</param>
    /// <returns>The inner IP packet's bytes.</returns>
    protected static byte[] Inner(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.AfterEthernet[(frame.Ip!.HeaderLength * 4)..frame.Ip.TotalLength].ToArray();
    }
}
