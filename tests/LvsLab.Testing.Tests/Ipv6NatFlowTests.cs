using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class Ipv6NatFlowTests
{
    private static readonly LabWire Wire = Wires6.Nat();

    private static PacketFlow Trace() => new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace();

    [Fact]
    public void DirectorRewritesTheDestinationAndLowersTheHopLimitOnTheWayIn()
    {
        var flow = Trace();

        Assert.Equal([("front", "client", "director"), ("back", "director", "rs1")], flow.Request.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal(
            ["src MAC", "dst MAC", "dst IP fd00:10:77::100→fd00:10:77:1::11", "dst port 80→8080", "hop limit 64→63"],
            flow.Request[1].Changes);
        Assert.Equal(
            FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.DestinationAddress | FlowFields.DestinationPort | FlowFields.TimeToLive,
            flow.Request[1].Changed);
        Assert.Equal("[fd00:10:77:1::11]:8080", flow.Request[1].Packet.DestinationText);
        Assert.Equal(63, flow.Request[1].Packet.TimeToLive);
    }

    [Fact]
    public void ReplyCrossesTheDirectorWhichRewritesTheSourceBack()
    {
        var flow = Trace();

        Assert.False(flow.ReplyBypassesDirector);
        Assert.Equal([("back", "rs1", "director"), ("front", "director", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.Equal("[fd00:10:77::100]:80", flow.Reply[1].Packet.SourceText);
        Assert.Equal(
            [
                "request: the director (NAT) changed src MAC, dst MAC, dst IP fd00:10:77::100→fd00:10:77:1::11, dst port 80→8080, hop limit 64→63",
                "reply: the director (NAT) changed src MAC, dst MAC, src IP fd00:10:77:1::11→fd00:10:77::100, src port 8080→80, hop limit 64→63",
            ],
            flow.Summary);
    }

    [Fact]
    public void APingIsFollowedThroughNatThoughItsChecksumChanges()
    {
        // ICMPv6's checksum covers the addresses: the director rewrote it with the destination.
        var flow = new FlowTracer(Wire.Topology, Wire.Captures, Wire.Macs).Trace(f => f.Data.Length > 54 && f.Data[12] == 0x86 && f.Data[13] == 0xdd && f.Data[20] == 58 && f.Data[54] == 128);

        Assert.Equal("ICMPv6", flow.Packet.Protocol);
        Assert.Equal([("client", "director"), ("director", "rs2")], flow.Request.Select(h => (h.From, h.To)));
        Assert.Equal(["src MAC", "dst MAC", "dst IP fd00:10:77::100→fd00:10:77:1::12", "hop limit 64→63"], flow.Request[1].Changes);
        Assert.Equal([("rs2", "director"), ("director", "client")], flow.Reply.Select(h => (h.From, h.To)));
        Assert.Equal(["src MAC", "dst MAC", "src IP fd00:10:77:1::12→fd00:10:77::100", "hop limit 64→63"], flow.Reply[1].Changes);
    }
}
