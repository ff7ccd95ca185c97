using System.Net;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class Ipv6DrFlowTests
{
    private static readonly LabWire Wire = Wires6.Dr();

    private static PacketFlow Trace() => new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace();

    [Fact]
    public void ClientsIpv6SynIsTracedToOneRealServer()
    {
        var flow = Trace();

        Assert.Equal(
            [("front", "client", "router"), ("lan", "router", "director"), ("lan", "director", "rs2")],
            flow.Request.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal(["director", "router:lan"], flow.Request[1].Links);
        Assert.Equal(["director", "rs2"], flow.Request[2].Links);
        Assert.Equal(Wire.Topology.Vip6, flow.Vip);
        Assert.Equal("VIP6", flow.VipName);
        Assert.True(flow.Packet.IsIpv6);
        Assert.Equal(Wire.Ip6("client", "front"), flow.Packet.Source);
    }

    [Fact]
    public void DirectorChangesOnlyTheMacsWhileTheRouterLowersTheHopLimit()
    {
        var flow = Trace();

        Assert.Empty(flow.Request[0].Changes);
        Assert.Equal(["src MAC", "dst MAC", "hop limit 64→63"], flow.Request[1].Changes);
        Assert.Equal(["src MAC", "dst MAC"], flow.Request[2].Changes);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac, flow.Request[2].Changed);
        Assert.Equal("DR at director: src MAC, dst MAC; IP header unchanged", flow.Request[2].Note);
        Assert.Equal(Wire.Mac("rs2", "lan"), flow.Request[2].DestinationMac);
        Assert.Equal(Wire.Topology.Vip6, flow.Request[2].Packet.Destination);
        Assert.Equal(63, flow.Request[2].Packet.TimeToLive);
        Assert.Equal("hop limit", flow.Request[2].Packet.TimeToLiveName);
        Assert.Equal(0, flow.Request[2].Packet.Identification);
        Assert.Null(flow.Request[2].Outer);
    }

    [Fact]
    public void ReplyGoesFromTheRealServerToTheRouterAndBypassesTheDirector()
    {
        var flow = Trace();

        Assert.Equal([("lan", "rs2", "router"), ("front", "router", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.True(flow.ReplyBypassesDirector);
        Assert.Equal(Wire.Topology.Vip6, flow.Reply[0].Packet.Source);
        Assert.Equal("sent by rs2 from the VIP6; bypasses the director", flow.Reply[0].Note);
        Assert.Equal(["src MAC", "dst MAC", "hop limit 64→63"], flow.Reply[1].Changes);
        Assert.Contains("reply: rs2 → client without the director", flow.Summary);
    }

    [Fact]
    public void NodesShowTheirIpv6AddressesAndTheVip6()
    {
        var flow = Trace();

        Assert.Equal(["client", "router", "director", "rs2"], flow.Nodes.Select(n => n.Name));
        Assert.Equal([Wire.Ip6("router", "front"), Wire.Ip6("router", "lan")], flow.Nodes[1].Interfaces.Select(i => i.Address));
        Assert.Equal(Wire.Topology.Vip6, flow.Nodes[2].Vip);
        Assert.Equal(Wire.Topology.Vip6, flow.Nodes[3].Vip);
        Assert.Null(flow.Nodes[0].Vip);
    }

    [Fact]
    public void TheClientsIpv4ConnectionIsADifferentFlowWithTtl()
    {
        var ipv6 = Trace();
        var tuple = new FlowTuple(new IPEndPoint(Wire.Ip("client", "front"), Wires.ClientPort + 2), new IPEndPoint(Wire.Topology.Vip, 80));

        var ipv4 = new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace(tuple);

        Assert.Equal(5, ipv6.Hops.Count);
        Assert.DoesNotContain(ipv6.Hops, h => h.To == "rs3");
        Assert.Equal(["client", "router", "director", "rs3"], ipv4.Nodes.Select(n => n.Name));
        Assert.Equal(Wire.Topology.Vip, ipv4.Vip);
        Assert.Equal(["src MAC", "dst MAC", "TTL 64→63"], ipv4.Request[1].Changes);
        Assert.Equal(Wire.Ip("router", "lan"), ipv4.Nodes[1].Interfaces[1].Address);
    }

    [Fact]
    public void WithoutAMacTableTheNodesAreLearnedFromIpv6PacketsAndTheTaps()
    {
        var learned = new FlowTracer(Wire.Topology, Wire.Captures).Trace();

        Assert.Equal(FlowText.Render(Trace()), FlowText.Render(learned));
    }

    [Fact]
    public void TheRoutersNeighbourSolicitationNamesItsMac()
    {
        // Only the director's tap, no MAC table: the router's MAC is known from the solicitation it
        // sent from its own IPv6 address on the LAN; the director's from its tap; rs2's stays raw.
        var captures = new Dictionary<string, IReadOnlyList<CapturedFrame>> { ["director"] = Wire.Captures["director"] };

        var flow = new FlowTracer(Wire.Topology, captures).Trace(f => f.Tcp is { Synchronize: true, Acknowledgment: false });

        Assert.Equal([("router", "director"), ("director", Wire.Mac("rs2", "lan"))], flow.Request.Select(h => (h.From, h.To)));
    }

    [Fact]
    public void NoSynFromTheClientNamesItsIpv4AndIpv6Addresses()
    {
        var captures = new Dictionary<string, IReadOnlyList<CapturedFrame>> { ["rs1"] = Wire.Captures["rs1"] };

        var error = Assert.Throws<FlowTraceException>(() => new FlowTracer(Wire.Topology, captures, Wire.Macs).Trace());

        Assert.StartsWith("no TCP SYN from the client (10.77.0.10, fd00:10:77::10) in the captures of lab 'dr6'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextSaysHopLimitAndBracketsTheIpv6Endpoints()
    {
        const string expected = """
            request  client([fd00:10:77::10]:40512) → VIP6 [fd00:10:77:1::100]:80, DR, TCP SYN
             1  front  client → router    02:00:0a:4d:00:0a → 02:00:0a:4d:00:02  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 64  +0.000 ms  sent by client
             2  lan    router → director  02:00:0a:4d:01:02 → 02:00:0a:4d:01:03  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 63  +0.040 ms  routed by router: src MAC, dst MAC, hop limit 64→63
             3  lan    director → rs2     02:00:0a:4d:01:03 → 02:00:0a:4d:01:0c  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 63  +0.095 ms  DR at director: src MAC, dst MAC; IP header unchanged
            reply    rs2([fd00:10:77:1::100]:80) → client([fd00:10:77::10]:40512), TCP SYN ACK, bypasses the director
             4  lan    rs2 → router       02:00:0a:4d:01:0c → 02:00:0a:4d:01:02  [fd00:10:77:1::100]:80 → [fd00:10:77::10]:40512  hop limit 64  +0.150 ms  sent by rs2 from the VIP6; bypasses the director
             5  front  router → client    02:00:0a:4d:00:02 → 02:00:0a:4d:00:0a  [fd00:10:77:1::100]:80 → [fd00:10:77::10]:40512  hop limit 63  +0.170 ms  routed by router: src MAC, dst MAC, hop limit 64→63
            DR: request: the director (DR) changed src MAC, dst MAC; IP header unchanged
                reply: rs2 → client without the director

            """;

        var text = FlowText.Render(Trace());

        Assert.Equal(expected, text);
        Assert.DoesNotContain("TTL", text, StringComparison.Ordinal);
    }
}
