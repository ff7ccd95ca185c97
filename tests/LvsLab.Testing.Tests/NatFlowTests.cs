using System.Net;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class NatFlowTests
{
    private static readonly LabWire Wire = Wires.Nat();

    private static PacketFlow Trace() => new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace();

    [Fact]
    public void DirectorRewritesTheDestinationAndLowersTheTtlOnTheWayIn()
    {
        var flow = Trace();

        Assert.Equal([("front", "client", "director"), ("back", "director", "rs1")], flow.Request.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal(
            ["src MAC", "dst MAC", "dst IP 10.77.0.100→10.77.1.11", "dst port 80→8080", "TTL 64→63"],
            flow.Request[1].Changes);
        Assert.Equal(
            FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.DestinationAddress | FlowFields.DestinationPort | FlowFields.TimeToLive,
            flow.Request[1].Changed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.77.1.11"), NatLab.RealTcpPort).ToString(), flow.Request[1].Packet.DestinationText);
    }

    [Fact]
    public void ReplyCrossesTheDirectorWhichRewritesTheSourceBack()
    {
        var flow = Trace();

        Assert.False(flow.ReplyBypassesDirector);
        Assert.Equal([("back", "rs1", "director"), ("front", "director", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal(
            ["src MAC", "dst MAC", "src IP 10.77.1.11→10.77.0.100", "src port 8080→80", "TTL 64→63"],
            flow.Reply[1].Changes);
        Assert.Equal("10.77.0.100:80", flow.Reply[1].Packet.SourceText);
        Assert.Equal(
            [
                "request: the director (NAT) changed src MAC, dst MAC, dst IP 10.77.0.100→10.77.1.11, dst port 80→8080, TTL 64→63",
                "reply: the director (NAT) changed src MAC, dst MAC, src IP 10.77.1.11→10.77.0.100, src port 8080→80, TTL 64→63",
            ],
            flow.Summary);
    }

    [Fact]
    public void ATapOnTheWholeTwoLeggedDirectorStillPlacesEachFrameOnItsNetwork()
    {
        // Both of the director's interfaces captured under one link name, as a single tap list.
        var captures = Wire.Captures
            .Where(kv => !kv.Key.StartsWith("director:", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        captures["director"] = Wire.Captures["director:front"].Concat(Wire.Captures["director:back"]).OrderBy(f => f.Time).ToList();

        var flow = new FlowTracer(Wire.Topology, captures, Wire.Macs).Trace();

        Assert.Equal(["front", "back", "back", "front"], flow.Hops.Select(h => h.Network));
        Assert.Equal(["client", "director"], flow.Hops[0].Links);
        Assert.Equal(["director", "rs1"], flow.Hops[1].Links);
    }

    [Fact]
    public void UdpIsTracedByItsPayloadAcrossThePortRewrite()
    {
        var tuple = new FlowTuple(
            new IPEndPoint(Wire.Ip("client", "front"), 5000),
            new IPEndPoint(Wire.Topology.Vip, NatLab.UdpPort),
            PacketDotNet.ProtocolType.Udp);

        var flow = new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace(tuple);

        Assert.Equal(["client", "director", "rs2"], flow.Nodes.Select(n => n.Name));
        Assert.Contains("dst port 53→5353", flow.Request[1].Changes);
        Assert.Equal("UDP", flow.Packet.ProtocolText);
        Assert.Equal([("rs2", "director"), ("director", "client")], flow.Reply.Select(h => (h.From, h.To)));
        Assert.Contains("src port 5353→53", flow.Reply[1].Changes);
    }

    [Fact]
    public void TextShowsTheRewrittenAddressesAndPorts()
    {
        const string expected = """
            request  client(10.77.0.10:40512) → VIP 10.77.0.100:80, NAT, TCP SYN
             1  front  client → director  02:00:0a:4d:00:0a → 02:00:0a:4d:00:03  10.77.0.10:40512 → 10.77.0.100:80   TTL 64  +0.000 ms  sent by client
             2  back   director → rs1     02:00:0a:4d:01:03 → 02:00:0a:4d:01:0b  10.77.0.10:40512 → 10.77.1.11:8080  TTL 63  +0.060 ms  NAT at director: src MAC, dst MAC, dst IP 10.77.0.100→10.77.1.11, dst port 80→8080, TTL 64→63
            reply    rs1(10.77.1.11:8080) → client(10.77.0.10:40512), TCP SYN ACK
             3  back   rs1 → director     02:00:0a:4d:01:0b → 02:00:0a:4d:01:03  10.77.1.11:8080 → 10.77.0.10:40512  TTL 64  +0.130 ms  sent by rs1
             4  front  director → client  02:00:0a:4d:00:03 → 02:00:0a:4d:00:0a  10.77.0.100:80 → 10.77.0.10:40512   TTL 63  +0.190 ms  NAT at director: src MAC, dst MAC, src IP 10.77.1.11→10.77.0.100, src port 8080→80, TTL 64→63
            NAT: request: the director (NAT) changed src MAC, dst MAC, dst IP 10.77.0.100→10.77.1.11, dst port 80→8080, TTL 64→63
                 reply: the director (NAT) changed src MAC, dst MAC, src IP 10.77.1.11→10.77.0.100, src port 8080→80, TTL 64→63

            """;

        Assert.Equal(expected, FlowText.Render(Trace()));
    }
}
