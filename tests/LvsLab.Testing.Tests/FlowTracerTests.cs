using System.Net;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class FlowTracerTests
{
    private static readonly LabWire Dr = Wires.Dr();

    [Fact]
    public void NoSynFromTheClientIsAClearError()
    {
        var captures = new Dictionary<string, IReadOnlyList<CapturedFrame>> { ["client"] = [], ["director"] = Dr.Captures["rs1"] };

        var error = Assert.Throws<FlowTraceException>(() => new FlowTracer(Dr.Topology, captures, Dr.Macs).Trace());

        Assert.Equal(
            "no TCP SYN from the client (10.77.0.10) in the captures of lab 'dr' (client: 0 frames, 0 TCP, director: 1 frames, 0 TCP); start the taps before the client connects, or pick another request",
            error.Message);
    }

    [Fact]
    public void UnknownTupleIsAClearError()
    {
        var tuple = new FlowTuple(new IPEndPoint(IPAddress.Parse("10.77.0.10"), 1), new IPEndPoint(Dr.Topology.Vip, 80));

        var error = Assert.Throws<FlowTraceException>(() => new FlowTracer(Dr.Topology, Dr.Captures, Dr.Macs).Trace(tuple));

        Assert.StartsWith("no packet TCP 10.77.0.10:1 → 10.77.1.100:80 in the captures of lab 'dr' (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestPickedOnALaterLinkStillShowsTheHopsBeforeIt()
    {
        var rs2 = Dr.Mac("rs2", "lan");

        var flow = new FlowTracer(Dr.Topology, Dr.Captures, Dr.Macs).Trace(f => f.DestinationMac == rs2 && f.Tcp is { Synchronize: true, Acknowledgment: false });

        Assert.Equal(["client", "router", "director", "rs2"], flow.Nodes.Select(n => n.Name));
        Assert.Equal(TimeSpan.Zero, flow.Request[0].Offset);
        Assert.Equal(2, flow.Reply.Count);
    }

    [Fact]
    public void ReplyIsLeftOutWhenNotAskedFor()
    {
        var tuple = new FlowTuple(new IPEndPoint(Dr.Ip("client", "front"), Wires.ClientPort), new IPEndPoint(Dr.Topology.Vip, 80));

        var flow = new FlowTracer(Dr.Topology, Dr.Captures, Dr.Macs).Trace(tuple, withReply: false);

        Assert.Equal(3, flow.Request.Count);
        Assert.Empty(flow.Reply);
        Assert.Null(flow.ReplyPacket);
        Assert.False(flow.ReplyBypassesDirector);
        Assert.Equal(["request: the director (DR) changed src MAC, dst MAC; IP header unchanged"], flow.Summary);
    }

    [Fact]
    public void MalformedAndNonIpFramesAreSkipped()
    {
        List<byte[]> junk =
        [
            new byte[10],
            // IPv4 EtherType, a header that claims 1000 bytes in a 40-byte frame.
            [.. new byte[12], 0x08, 0x00, 0x45, 0x00, 0x03, 0xe8, .. new byte[22]],
            // IPv4 with a TCP header cut short.
            [.. new byte[12], 0x08, 0x00, 0x45, 0x00, 0x00, 0x18, 0, 0, 0, 0, 64, 6, 0, 0, 10, 77, 0, 10, 10, 77, 1, 100, 0x9e, 0x40, 0, 80],
            [.. new byte[12], 0x88, 0xb5, 1, 2, 3],
        ];
        var captures = Dr.Captures.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<CapturedFrame>)[.. junk.Select(j => new CapturedFrame(kv.Value.Count > 0 ? kv.Value[0].Time : DateTime.UnixEpoch, j)), .. kv.Value]);

        var flow = new FlowTracer(Dr.Topology, captures, Dr.Macs).Trace();

        Assert.Equal(FlowText.Render(new FlowTracer(Dr.Topology, Dr.Captures, Dr.Macs).Trace()), FlowText.Render(flow));
    }

    [Fact]
    public void MacsNoNodeOwnsAreShownRaw()
    {
        // Only the director's tap, no MAC table, no ARP: its own MAC is learned from the tap, the others stay raw.
        var director = Dr.Captures["director"].Where(f => f.Arp is null).ToList();
        var captures = new Dictionary<string, IReadOnlyList<CapturedFrame>> { ["director"] = director };

        var flow = new FlowTracer(Dr.Topology, captures).Trace();

        var routerMac = Dr.Mac("router", "lan");
        var rs2Mac = Dr.Mac("rs2", "lan");
        Assert.Equal([(routerMac, "director"), ("director", rs2Mac)], flow.Request.Select(h => (h.From, h.To)));
        Assert.Equal([routerMac, "director", rs2Mac], flow.Nodes.Select(n => n.Name));
        Assert.Null(flow.Nodes[0].Role);
        Assert.Empty(flow.Nodes[0].Interfaces);
        Assert.Contains("no lab node has this MAC", FlowSvg.Render(flow), StringComparison.Ordinal);
    }

    [Fact]
    public void AGapInTheCapturesIsNamedInTheNote()
    {
        var captures = new Dictionary<string, IReadOnlyList<CapturedFrame>> { ["client"] = Dr.Captures["client"], ["rs2"] = Dr.Captures["rs2"] };

        var flow = new FlowTracer(Dr.Topology, captures, Dr.Macs).Trace();

        Assert.Equal([("client", "router"), ("director", "rs2")], flow.Request.Select(h => (h.From, h.To)));
        Assert.Equal("DR at director (not captured between router and director): src MAC, dst MAC, TTL 64→63", flow.Request[1].Note);
    }

    [Fact]
    public void MacTableFromARunningLabIsLowerCase()
    {
        var nodes = new[]
        {
            new Lab.Runtime.RunningNode("router", Lab.Model.NodeRole.Router, "c1", [new("eth0", "front", IPAddress.Parse("10.77.0.2"), "02:42:0A:4D:00:02", "veth1"), new("eth1", "lan", IPAddress.Parse("10.77.1.2"), "02:42:0a:4d:01:02", "veth2")]),
        };

        var table = FlowTracer.MacTable(nodes);

        Assert.Equal(new Dictionary<string, string> { ["02:42:0a:4d:00:02"] = "router", ["02:42:0a:4d:01:02"] = "router" }, table);
    }

    [Fact]
    public void TraceWorksOnEveryStockLabSlot()
    {
        // Addresses come from the topology, whatever the slot.
        var wire = new LabWire(NatLab.Create("nat-9", 9));
        var cip = new IPEndPoint(wire.Ip("client", "front"), 33000);
        var vip = new IPEndPoint(wire.Topology.Vip, 80);
        wire.Put(0, LabWire.Tcp(wire.Mac("client", "front"), wire.Mac("director", "front"), cip, vip, 64, 42, syn: true), "client");

        var flow = new FlowTracer(wire.Topology, wire.Captures, wire.Macs).Trace();

        Assert.Equal(("client", "director"), (flow.Request[0].From, flow.Request[0].To));
        Assert.Equal("10.77.18.100:80", flow.Packet.DestinationText);
    }
}
