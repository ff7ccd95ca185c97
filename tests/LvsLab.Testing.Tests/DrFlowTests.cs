using System.Net;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class DrFlowTests
{
    private static readonly LabWire Wire = Wires.Dr();

    private static PacketFlow Trace() => new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace();

    [Fact]
    public void RequestCrossesRouterAndDirectorToOneRealServer()
    {
        var flow = Trace();

        Assert.Equal(
            [("front", "client", "router"), ("lan", "router", "director"), ("lan", "director", "rs2")],
            flow.Request.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal([1, 2, 3], flow.Request.Select(h => h.Number));
        Assert.All(flow.Request, h => Assert.Equal(FlowDirection.Request, h.Direction));
        // Each frame was seen by the taps at both ends of its link: one hop, two taps.
        Assert.Equal(["director", "router:lan"], flow.Request[1].Links);
        Assert.Equal(["director", "rs2"], flow.Request[2].Links);
    }

    [Fact]
    public void DirectorChangesOnlyTheMacsWhileTheRouterAlsoLowersTheTtl()
    {
        var flow = Trace();

        Assert.Empty(flow.Request[0].Changes);
        Assert.Equal(["src MAC", "dst MAC", "TTL 64→63"], flow.Request[1].Changes);
        Assert.Equal(["src MAC", "dst MAC"], flow.Request[2].Changes);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac, flow.Request[2].Changed);
        Assert.Equal("DR at director: src MAC, dst MAC; IP header unchanged", flow.Request[2].Note);
        Assert.Equal(Wire.Mac("director", "lan"), flow.Request[2].SourceMac);
        Assert.Equal(Wire.Mac("rs2", "lan"), flow.Request[2].DestinationMac);
        Assert.Equal(flow.Vip, flow.Request[2].Packet.Destination);
        Assert.Equal(63, flow.Request[2].Packet.TimeToLive);
        Assert.Null(flow.Request[2].Outer);
    }

    [Fact]
    public void ReplyGoesFromTheRealServerToTheRouterAndBypassesTheDirector()
    {
        var flow = Trace();

        Assert.Equal([("lan", "rs2", "router"), ("front", "router", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal([4, 5], flow.Reply.Select(h => h.Number));
        Assert.True(flow.ReplyBypassesDirector);
        Assert.Equal(flow.Vip, flow.Reply[0].Packet.Source);
        Assert.Equal("SYN ACK", flow.ReplyPacket!.Flags);
        Assert.Equal("sent by rs2 from the VIP; bypasses the director", flow.Reply[0].Note);
        Assert.Contains("reply: rs2 → client without the director", flow.Summary);
    }

    [Fact]
    public void NodesAreListedInPathOrderWithTheirMacs()
    {
        var flow = Trace();

        Assert.Equal(["client", "router", "director", "rs2"], flow.Nodes.Select(n => n.Name));
        var router = flow.Nodes[1];
        Assert.Equal([Wire.Mac("router", "front"), Wire.Mac("router", "lan")], router.Interfaces.Select(i => i.Mac));
        Assert.Equal(flow.Vip, flow.Nodes[2].Vip);
        Assert.Equal(flow.Vip, flow.Nodes[3].Vip);
        Assert.Null(flow.Nodes[0].Vip);
    }

    [Fact]
    public void OtherConnectionsArpAndALaterRetransmissionAreLeftOut()
    {
        var flow = Trace();

        Assert.Equal(Wires.ClientPort, flow.Packet.SourcePort);
        Assert.DoesNotContain(flow.Hops, h => h.To == "rs3" || h.From == "rs3");
        Assert.All(flow.Hops, h => Assert.True(h.Offset < TimeSpan.FromMilliseconds(1), $"hop {h.Number} at {h.Offset}"));
        Assert.Equal(5, flow.Hops.Count);
    }

    [Fact]
    public void TupleTracesTheSecondConnection()
    {
        var tuple = new FlowTuple(new IPEndPoint(Wire.Ip("client", "front"), Wires.ClientPort + 2), new IPEndPoint(Wire.Topology.Vip, 80));

        var flow = new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace(tuple);

        Assert.Equal(["client", "router", "director", "rs3"], flow.Nodes.Select(n => n.Name));
        Assert.Empty(flow.Reply);
        Assert.Contains("reply: not seen in the captures", flow.Summary);
    }

    [Fact]
    public void WithoutAMacTableTheNodesAreLearnedFromArpAndTheTaps()
    {
        var learned = new FlowTracer(Wire.Topology, Wire.Captures).Trace();

        Assert.Equal(FlowText.Render(Trace()), FlowText.Render(learned));
    }

    [Fact]
    public void TextShowsEachHopWithMacsAddressesTtlAndWhatChanged()
    {
        const string expected = """
            request  client(10.77.0.10:40512) → VIP 10.77.1.100:80, DR, TCP SYN
             1  front  client → router    02:00:0a:4d:00:0a → 02:00:0a:4d:00:02  10.77.0.10:40512 → 10.77.1.100:80  TTL 64  +0.000 ms  sent by client
             2  lan    router → director  02:00:0a:4d:01:02 → 02:00:0a:4d:01:03  10.77.0.10:40512 → 10.77.1.100:80  TTL 63  +0.040 ms  routed by router: src MAC, dst MAC, TTL 64→63
             3  lan    director → rs2     02:00:0a:4d:01:03 → 02:00:0a:4d:01:0c  10.77.0.10:40512 → 10.77.1.100:80  TTL 63  +0.095 ms  DR at director: src MAC, dst MAC; IP header unchanged
            reply    rs2(10.77.1.100:80) → client(10.77.0.10:40512), TCP SYN ACK, bypasses the director
             4  lan    rs2 → router       02:00:0a:4d:01:0c → 02:00:0a:4d:01:02  10.77.1.100:80 → 10.77.0.10:40512  TTL 64  +0.150 ms  sent by rs2 from the VIP; bypasses the director
             5  front  router → client    02:00:0a:4d:00:02 → 02:00:0a:4d:00:0a  10.77.1.100:80 → 10.77.0.10:40512  TTL 63  +0.170 ms  routed by router: src MAC, dst MAC, TTL 64→63
            DR: request: the director (DR) changed src MAC, dst MAC; IP header unchanged
                reply: rs2 → client without the director

            """;

        Assert.Equal(expected, FlowText.Render(Trace()));
    }
}
