using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

public sealed class Ipv6TunFlowTests
{
    private static PacketFlow Trace(LabWire wire) => new FlowTracer(wire.Topology, wire.Captures, wire.Macs).Trace();

    [Fact]
    public void DirectorWrapsTheUnchangedPacketInIpv6InIpv6()
    {
        var wire = Wires6.Tun();

        var flow = Trace(wire);

        Assert.Equal(
            [("front", "client", "router"), ("lan", "router", "director"), ("lan", "director", "router"), ("far", "router", "rs2")],
            flow.Request.Select(h => (h.Network, h.From, h.To)));
        var wrap = flow.Request[2];
        Assert.Equal(["src MAC", "dst MAC", "wrapped in IPv6-in-IPv6 fd00:10:77:1::3→fd00:10:78::12"], wrap.Changes);
        Assert.Equal(FlowFields.SourceMac | FlowFields.DestinationMac | FlowFields.Wrapped, wrap.Changed);
        Assert.Equal("TUN at director: src MAC, dst MAC, wrapped in IPv6-in-IPv6 fd00:10:77:1::3→fd00:10:78::12; inner packet unchanged", wrap.Note);
        Assert.Equal("IPv6-in-IPv6", wrap.Tunnel);
        Assert.NotNull(wrap.Outer);
        Assert.Equal("IPv6", wrap.Outer.Protocol);
        Assert.Equal(64, wrap.Outer.TimeToLive);
        Assert.Equal(flow.Request[1].Packet, wrap.Packet);
    }

    [Fact]
    public void RouterLowersTheOuterHopLimitAndLeavesTheInnerPacketAlone()
    {
        var flow = Trace(Wires6.Tun());

        var far = flow.Request[3];
        Assert.Equal(["src MAC", "dst MAC", "outer hop limit 64→63"], far.Changes);
        Assert.Equal(63, far.Outer!.TimeToLive);
        Assert.Equal(63, far.Packet.TimeToLive);
        Assert.EndsWith("; inner packet unchanged", far.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTunnelEndsAtTheRealServerWhichAnswersUnwrappedFromTheVip6()
    {
        var wire = Wires6.Tun();

        var flow = Trace(wire);

        // The wrapped packet is delivered to rs2's own address; what rs2 sends back carries no outer header.
        Assert.Equal(("rs2", wire.Ip6("rs2", "far")), (flow.Request[^1].To, flow.Request[^1].Outer!.Destination));
        Assert.True(flow.ReplyBypassesDirector);
        Assert.Equal([("far", "rs2", "router"), ("front", "router", "client")], flow.Reply.Select(h => (h.Network, h.From, h.To)));
        Assert.All(flow.Reply, h => Assert.Null(h.Outer));
        Assert.All(flow.Reply, h => Assert.Null(h.Tunnel));
        Assert.Equal(wire.Topology.Vip6, flow.Reply[0].Packet.Source);
        Assert.Equal("sent by rs2 from the VIP6; bypasses the director", flow.Reply[0].Note);
    }

    [Fact]
    public void AnIpv4PacketToAnIpv6RealServerIsWrappedInIpv4InIpv6()
    {
        var flow = Trace(Wires6.Ipv4InIpv6());

        var wrap = flow.Request[2];
        Assert.Equal(["src MAC", "dst MAC", "wrapped in IPv4-in-IPv6 fd00:10:77:1::3→fd00:10:78::12"], wrap.Changes);
        Assert.Equal("IPv4-in-IPv6", wrap.Tunnel);
        Assert.Equal("IPIP", wrap.Outer!.Protocol);
        Assert.Equal(("hop limit", "TTL"), (wrap.Outer.TimeToLiveName, wrap.Packet.TimeToLiveName));
        Assert.Equal(["src MAC", "dst MAC", "outer hop limit 64→63"], flow.Request[3].Changes);
        Assert.Equal("VIP", flow.VipName);
        Assert.Equal("sent by rs2 from the VIP; bypasses the director", flow.Reply[0].Note);
    }

    [Fact]
    public void TextNamesTheTunnelAndSaysHopLimitForTheOuterHeader()
    {
        const string expected = """
            request  client([fd00:10:77::10]:40512) → VIP6 [fd00:10:77:1::100]:80, TUN, TCP SYN
             1  front  client → router    02:00:0a:4d:00:0a → 02:00:0a:4d:00:02  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 64  +0.000 ms  sent by client
             2  lan    router → director  02:00:0a:4d:01:02 → 02:00:0a:4d:01:03  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 63  +0.040 ms  routed by router: src MAC, dst MAC, hop limit 64→63
             3  lan    director → router  02:00:0a:4d:01:03 → 02:00:0a:4d:01:02  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 63  +0.090 ms  TUN at director: src MAC, dst MAC, wrapped in IPv6-in-IPv6 fd00:10:77:1::3→fd00:10:78::12; inner packet unchanged
                                                                                 outer fd00:10:77:1::3 → fd00:10:78::12           hop limit 64             IPv6-in-IPv6
             4  far    router → rs2       02:00:0a:4e:00:02 → 02:00:0a:4e:00:0c  [fd00:10:77::10]:40512 → [fd00:10:77:1::100]:80  hop limit 63  +0.120 ms  routed by router: src MAC, dst MAC, outer hop limit 64→63; inner packet unchanged
                                                                                 outer fd00:10:77:1::3 → fd00:10:78::12           hop limit 63             IPv6-in-IPv6
            reply    rs2([fd00:10:77:1::100]:80) → client([fd00:10:77::10]:40512), TCP SYN ACK, bypasses the director
             5  far    rs2 → router       02:00:0a:4e:00:0c → 02:00:0a:4e:00:02  [fd00:10:77:1::100]:80 → [fd00:10:77::10]:40512  hop limit 64  +0.200 ms  sent by rs2 from the VIP6; bypasses the director
             6  front  router → client    02:00:0a:4d:00:02 → 02:00:0a:4d:00:0a  [fd00:10:77:1::100]:80 → [fd00:10:77::10]:40512  hop limit 63  +0.220 ms  routed by router: src MAC, dst MAC, hop limit 64→63
            TUN: request: the director (TUN) changed src MAC, dst MAC, wrapped in IPv6-in-IPv6 fd00:10:77:1::3→fd00:10:78::12; inner packet unchanged
                 reply: rs2 → client without the director

            """;

        Assert.Equal(expected, FlowText.Render(Trace(Wires6.Tun())));
    }

    [Fact]
    public void TextOfAnIpv4InIpv6TunnelSaysTtlInsideAndHopLimitOutside()
    {
        var lines = FlowText.Render(Trace(Wires6.Ipv4InIpv6())).Split('\n');

        Assert.Contains(lines, l => l.StartsWith(" 3  lan    director → router", StringComparison.Ordinal) && l.Contains("  TTL 63  ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == "outer fd00:10:77:1::3 → fd00:10:78::12  hop limit 64             IPv4-in-IPv6");
        Assert.Contains(lines, l => l.Trim() == "outer fd00:10:77:1::3 → fd00:10:78::12  hop limit 63             IPv4-in-IPv6");
    }
}
