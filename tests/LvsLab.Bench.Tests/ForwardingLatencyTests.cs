using System.Net;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Tests;
using PacketDotNet;

namespace LvsLab.Bench.Tests;

/// <summary>Synthetic captures of a forwarder's links, with known times, through <see cref="ForwardingLatency"/>.</summary>
public class ForwardingLatencyTests
{
    internal const string Director = "02:00:00:00:00:0d";
    private const string DirectorBack = "02:00:00:00:01:0d";
    private const string Router = "02:00:00:00:00:01";
    private const string RealServer = "02:00:00:00:01:0b";
    private static readonly DateTime Start = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly IPEndPoint Vip = new(IPAddress.Parse("10.0.0.100"), 80);
    private static readonly IPEndPoint Rip = new(IPAddress.Parse("10.1.0.11"), 8080);
    private static readonly IPAddress Dip = IPAddress.Parse("10.1.0.2");

    private static IPEndPoint Client(int port) => new(IPAddress.Parse("192.0.2.10"), port);

    private static CapturedFrame At(double micros, byte[] frame) => new(Start.AddTicks((long)(micros * 10)), frame);

    // A request as the router hands it to the director, and as the director hands it on in DR (only the MACs change).
    private static byte[] Request(int clientPort, uint sequence, ushort id) =>
        LabWire.Tcp(Router, Director, Client(clientPort), Vip, 63, sequence, 1, ack: true, id: id);

    private static byte[] DrCopy(byte[] request) => LabWire.Routed(request, Director, RealServer, hops: 0);

    // Requests 1000 µs apart from client ports 40000 on, each with its DR copy after latencyOf(i) µs.
    internal static List<CapturedFrame> DrRequests(int count, Func<int, double> latencyOf)
    {
        var frames = new List<CapturedFrame>();
        for (var i = 0; i < count; i++)
        {
            var request = Request(40000 + i, 1000, (ushort)(100 + i));
            frames.Add(At(i * 1000, request));
            frames.Add(At((i * 1000) + latencyOf(i), DrCopy(request)));
        }

        return frames;
    }

    [Fact]
    public void DrPairsEachRequestWithItsCopyWhateverTheOrderOfTheInput()
    {
        var frames = DrRequests(10, i => (i + 1) * 10);

        // ARP, and a frame between two other hosts on the link: neither in nor out.
        frames.Add(At(5, LabWire.Arp(ArpOperation.Request, Router, IPAddress.Parse("10.0.0.1"), "00:00:00:00:00:00", Vip.Address, "ff:ff:ff:ff:ff:ff")));
        frames.Add(At(6, LabWire.Arp(ArpOperation.Response, Director, Vip.Address, Router, IPAddress.Parse("10.0.0.1"), Router)));
        frames.Add(At(7, LabWire.Tcp(RealServer, Router, Vip, Client(40000), 64, 5, 1001, ack: true)));
        frames.Reverse();

        var latency = ForwardingLatency.Measure(frames, Director);

        Assert.Equal((10, 0, 0, 3), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound, latency.Ignored));
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], latency.LatenciesMicroseconds);
        Assert.Equal((50, 90, 100, 100), (latency.P50, latency.P90, latency.P99, latency.Max));
    }

    [Fact]
    public void NatPairsRequestsByTheirSourceAndRepliesByTheirDestination()
    {
        // The request: VIP:80 → RIP:8080 and TTL − 1, in on the front link, out on the back.
        var request = LabWire.Tcp(Router, Director, Client(40000), Vip, 63, 1000, syn: true, id: 0x2222);
        var forwarded = LabWire.Tcp(DirectorBack, RealServer, Client(40000), Rip, 62, 1000, syn: true, id: 0x2222);

        // Two replies with identification 0 (as Linux sends SYN-ACKs), to two client ports: the
        // client's port is what tells them apart. The source RIP:8080 becomes VIP:80.
        var reply1 = LabWire.Tcp(RealServer, DirectorBack, Rip, Client(40000), 64, 7000, 1001, syn: true, ack: true, id: 0);
        var reply2 = LabWire.Tcp(RealServer, DirectorBack, Rip, Client(40002), 64, 7000, 1001, syn: true, ack: true, id: 0);
        var rewritten1 = LabWire.Tcp(Director, Router, Vip, Client(40000), 63, 7000, 1001, syn: true, ack: true, id: 0);
        var rewritten2 = LabWire.Tcp(Director, Router, Vip, Client(40002), 63, 7000, 1001, syn: true, ack: true, id: 0);

        var latency = ForwardingLatency.Measure(
            [At(0, request), At(30, forwarded), At(100, reply1), At(105, reply2), At(110, rewritten1), At(150, rewritten2)],
            Director,
            DirectorBack);

        Assert.Equal((3, 0, 0), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound));
        Assert.Equal([10, 30, 45], latency.LatenciesMicroseconds);
    }

    [Fact]
    public void NatRewritesOfUdpPairToo()
    {
        var query = LabWire.Udp(Router, Director, Client(5000), Vip, 63, [1, 2, 3], id: 7);
        var forwarded = LabWire.Udp(DirectorBack, RealServer, Client(5000), Rip, 62, [1, 2, 3], id: 7);
        var answer = LabWire.Udp(RealServer, DirectorBack, Rip, Client(5000), 64, [9, 9], id: 8);
        var rewritten = LabWire.Udp(Director, Router, Vip, Client(5000), 63, [9, 9], id: 8);

        var latency = ForwardingLatency.Measure([At(0, query), At(12, forwarded), At(50, answer), At(57, rewritten)], Director, DirectorBack);

        Assert.Equal([7, 12], latency.LatenciesMicroseconds);
    }

    [Fact]
    public void TunPairsTheRequestWithTheInnerPacketOfItsTunnelPacket()
    {
        var tcp = Request(40000, 1000, 0x1111);
        var udp = LabWire.Udp(Router, Director, Client(5000), new IPEndPoint(Vip.Address, 53), 63, [1, 2, 3], id: 0x1112);
        var tunnelled = (byte[] frame) => LabWire.IpInIp(Director, RealServer, Dip, Rip.Address, 64, frame);

        var latency = ForwardingLatency.Measure([At(0, tcp), At(10, udp), At(25, tunnelled(tcp)), At(50, tunnelled(udp))], Director);

        Assert.Equal((2, 0, 0), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound));
        Assert.Equal([25, 40], latency.LatenciesMicroseconds);
    }

    [Fact]
    public void FramesMissingFromTheCaptureAreCountedNotPaired()
    {
        // Five requests; the copies of the second and fourth were not captured.
        var frames = DrRequests(5, _ => 20);
        frames.RemoveAt(7);
        frames.RemoveAt(3);

        // A copy whose original the capture lost.
        frames.Add(At(7000, DrCopy(Request(41000, 1000, 300))));

        var latency = ForwardingLatency.Measure(frames, Director);

        Assert.Equal((3, 2, 1), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound));
        Assert.Equal([20, 20, 20], latency.LatenciesMicroseconds);
    }

    [Fact]
    public void AFrameTheForwarderSendsOfItsOwnIsAnUnmatchedOutbound()
    {
        // A health check: the director's own SYN to a real server.
        var probe = LabWire.Tcp(DirectorBack, RealServer, new IPEndPoint(Dip, 33000), Rip, 64, 42, syn: true, id: 9);

        var latency = ForwardingLatency.Measure([At(0, probe)], Director, DirectorBack);

        Assert.Equal((0, 0, 1), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound));
        Assert.True(double.IsNaN(latency.P50));
    }

    [Fact]
    public void WhenAnIdentityRepeatsTheCopyPairsWithTheLatestEarlierOriginal()
    {
        // The identification wrapped: the same UDP identity twice, the first copy lost, then the
        // same identity again after both were paired.
        var datagram = LabWire.Udp(Router, Director, Client(5000), Vip, 63, [1], id: 77);
        var copy = LabWire.Routed(datagram, Director, RealServer, hops: 0);

        var latency = ForwardingLatency.Measure([At(0, datagram), At(1000, datagram), At(1010, copy), At(5000, datagram), At(5004, copy)], Director);

        Assert.Equal((2, 1, 0), (latency.Paired, latency.UnmatchedInbound, latency.UnmatchedOutbound));
        Assert.Equal([4, 10], latency.LatenciesMicroseconds);
    }

    [Fact]
    public void OnlyAFrameToTheForwarderPairsWithALaterFrameFromIt()
    {
        var request = Request(40000, 1000, 0x3333);
        var copy = DrCopy(request);

        // The same packet reaching the forwarder twice is not its own copy; a copy seen before
        // the original is not one either.
        var twiceIn = ForwardingLatency.Measure([At(0, request), At(50, request), At(80, copy)], Director);
        var outFirst = ForwardingLatency.Measure([At(0, copy), At(10, request)], Director);

        Assert.Equal((1, 1, 0), (twiceIn.Paired, twiceIn.UnmatchedInbound, twiceIn.UnmatchedOutbound));
        Assert.Equal([30], twiceIn.LatenciesMicroseconds);
        Assert.Equal((0, 1, 1), (outFirst.Paired, outFirst.UnmatchedInbound, outFirst.UnmatchedOutbound));
    }

    [Fact]
    public void PercentilesAreByNearestRank()
    {
        var latency = ForwardingLatency.Measure(DrRequests(4, i => (i + 1) * 5), Director.ToUpperInvariant().Replace(':', '-'));

        Assert.Equal([5, 10, 15, 20], latency.LatenciesMicroseconds);
        Assert.Equal((5, 10, 15, 20, 20), (latency.Percentile(0), latency.Percentile(50), latency.Percentile(51), latency.Percentile(75.1), latency.Percentile(100)));
        Assert.Throws<ArgumentOutOfRangeException>(() => latency.Percentile(101));
        Assert.Equal("4 paired, 0 unmatched in, 0 unmatched out; added latency µs: p50 10, p90 20, p99 20, max 20", latency.ToString());
    }
}
