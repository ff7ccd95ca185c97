using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class TunFlowTests
{
    private static readonly LabWire Wire = Wires.Tun();

    private static PacketFlow Trace() => new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace();

    [Fact]
    public void DirectorWrapsTheUnchangedPacketAndTheRouterCarriesItToTheFarServer()
    {
        var flow = Trace();

        Assert.Equal(
            [("front", "client", "router"), ("lan", "router", "director"), ("lan", "director", "router"), ("far", "router", "rs2")],
            flow.Request.Select(h => (h.Network, h.From, h.To)));
        var wrap = flow.Request[2];
        Assert.Equal(["src MAC", "dst MAC", "wrapped in IP-in-IP 10.77.1.3→10.78.0.12"], wrap.Changes);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.Wrapped, wrap.Changed);
        Assert.Equal("TUN at director: src MAC, dst MAC, wrapped in IP-in-IP 10.77.1.3→10.78.0.12; inner packet unchanged", wrap.Note);
        Assert.NotNull(wrap.Outer);
        Assert.Equal("IPIP", wrap.Outer.Protocol);
        Assert.Equal(64, wrap.Outer.TimeToLive);
        // The inner packet is the one the router handed the director.
        Assert.Equal(flow.Request[1].Packet, wrap.Packet);
    }

    [Fact]
    public void RouterLowersTheOuterTtlAndLeavesTheInnerPacketAlone()
    {
        var flow = Trace();

        var far = flow.Request[3];
        Assert.Equal(["src MAC", "dst MAC", "outer TTL 64→63"], far.Changes);
        Assert.Equal(63, far.Outer!.TimeToLive);
        Assert.Equal(63, far.Packet.TimeToLive);
        Assert.EndsWith("; inner packet unchanged", far.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void RealServerAnswersFromTheVipStraightToTheClient()
    {
        var flow = Trace();

        Assert.True(flow.ReplyBypassesDirector);
        Assert.Equal([("far", "rs2", "router"), ("front", "router", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.All(flow.Reply, h => Assert.Null(h.Outer));
        Assert.Equal(["client", "router", "director", "rs2"], flow.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void TextShowsTheOuterHeaderUnderTheWrappedHops()
    {
        const string expected = """
            request  client(10.77.0.10:40512) → VIP 10.77.1.100:80, TUN, TCP SYN
             1  front  client → router    02:00:0a:4d:00:0a → 02:00:0a:4d:00:02  10.77.0.10:40512 → 10.77.1.100:80  TTL 64  +0.000 ms  sent by client
             2  lan    router → director  02:00:0a:4d:01:02 → 02:00:0a:4d:01:03  10.77.0.10:40512 → 10.77.1.100:80  TTL 63  +0.040 ms  routed by router: src MAC, dst MAC, TTL 64→63
             3  lan    director → router  02:00:0a:4d:01:03 → 02:00:0a:4d:01:02  10.77.0.10:40512 → 10.77.1.100:80  TTL 63  +0.090 ms  TUN at director: src MAC, dst MAC, wrapped in IP-in-IP 10.77.1.3→10.78.0.12; inner packet unchanged
                                                                                 outer 10.77.1.3 → 10.78.0.12       TTL 64             IP-in-IP
             4  far    router → rs2       02:00:0a:4e:00:02 → 02:00:0a:4e:00:0c  10.77.0.10:40512 → 10.77.1.100:80  TTL 63  +0.120 ms  routed by router: src MAC, dst MAC, outer TTL 64→63; inner packet unchanged
                                                                                 outer 10.77.1.3 → 10.78.0.12       TTL 63             IP-in-IP
            reply    rs2(10.77.1.100:80) → client(10.77.0.10:40512), TCP SYN ACK, bypasses the director
             5  far    rs2 → router       02:00:0a:4e:00:0c → 02:00:0a:4e:00:02  10.77.1.100:80 → 10.77.0.10:40512  TTL 64  +0.200 ms  sent by rs2 from the VIP; bypasses the director
             6  front  router → client    02:00:0a:4d:00:02 → 02:00:0a:4d:00:0a  10.77.1.100:80 → 10.77.0.10:40512  TTL 63  +0.220 ms  routed by router: src MAC, dst MAC, TTL 64→63
            TUN: request: the director (TUN) changed src MAC, dst MAC, wrapped in IP-in-IP 10.77.1.3→10.78.0.12; inner packet unchanged
                 reply: rs2 → client without the director

            """;

        Assert.Equal(expected, FlowText.Render(Trace()));
    }
}
