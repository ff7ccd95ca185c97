using System.Net;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Flow;

namespace LvsLab.Testing.Tests;

/// <summary>IPv6 extension headers between the fixed header and TCP, as the flow decoder walks them.</summary>
public sealed class Ipv6DecodingTests
{
    private static readonly LabWire Lab = new(DrLab.Create("dr6", 0, new DrLabOptions { Ipv6 = true }));

    // Destination options: next header | length 0 (8 bytes) | PadN option of 4 zero bytes.
    private static readonly (byte, byte[]) DestinationOptions = (60, [0, 0, 1, 4, 0, 0, 0, 0]);

    [Fact]
    public void ADestinationOptionsHeaderIsWalkedToTheTcpPorts()
    {
        var flow = TraceSyn(LabWire.WithExtensionHeaders(Syn(), DestinationOptions));

        Assert.Equal(("TCP", "SYN"), (flow.Packet.Protocol, flow.Packet.Flags));
        Assert.Equal((Wires.ClientPort, 80), (flow.Packet.SourcePort, flow.Packet.DestinationPort));
    }

    [Fact]
    public void AChainOfHopByHopRoutingAndLongerDestinationOptionsIsWalkedToo()
    {
        var frame = LabWire.WithExtensionHeaders(
            Syn(),
            (0, [0, 0, 1, 4, 0, 0, 0, 0]),
            // Routing: type 0, segments left 0 (nothing to route); 8 bytes.
            (43, [0, 0, 0, 0, 0, 0, 0, 0]),
            // Destination options of length 1: 16 bytes, a PadN of 12.
            (60, [0, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));

        var flow = TraceSyn(frame);

        Assert.Equal((Wires.ClientPort, 80), (flow.Packet.SourcePort, flow.Packet.DestinationPort));
    }

    [Fact]
    public void AFirstFragmentHasItsPortsALaterOneHasNone()
    {
        // Fragment header: next header | reserved | offset (13 bits) · res · M | identification.
        var first = LabWire.WithExtensionHeaders(Syn(), (44, [0, 0, 0x00, 0x01, 0, 0, 0, 9]));
        var later = LabWire.WithExtensionHeaders(Syn(), (44, [0, 0, 0x00, 0x08, 0, 0, 0, 9]));

        var firstFlow = TraceAny(first);
        var laterFlow = TraceAny(later);

        Assert.Equal((Wires.ClientPort, 80), (firstFlow.Packet.SourcePort, firstFlow.Packet.DestinationPort));
        Assert.Equal("TCP", laterFlow.Packet.Protocol);
        Assert.Equal<int?>([null, null], [laterFlow.Packet.SourcePort, laterFlow.Packet.DestinationPort]);
    }

    [Fact]
    public void AChainThatRunsPastThePacketIsSkipped()
    {
        // Destination options claiming 8 × 8 bytes, more than the packet holds after it.
        var frame = LabWire.WithExtensionHeaders(Syn(), (60, [0, 7, 1, 4, 0, 0, 0, 0]));

        var error = Assert.Throws<FlowTraceException>(() => TraceAny(frame));

        Assert.StartsWith("no frame matching the request in the captures of lab 'dr6' (client: 1 frames, 0 TCP)", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Syn() => LabWire.Tcp(
        Lab.Mac("client", "front"),
        Lab.Mac("router", "front"),
        new IPEndPoint(Lab.Ip6("client", "front"), Wires.ClientPort),
        new IPEndPoint(Lab.Topology.Vip6!, 80),
        64,
        Wires.ClientSequence,
        syn: true);

    private static PacketFlow TraceSyn(byte[] frame) => new FlowTracer(Lab.Topology, Captures(frame), Lab.Macs).Trace();

    private static PacketFlow TraceAny(byte[] frame) => new FlowTracer(Lab.Topology, Captures(frame), Lab.Macs).Trace(_ => true, withReply: false);

    private static Dictionary<string, IReadOnlyList<Capture.CapturedFrame>> Captures(byte[] frame) =>
        new() { ["client"] = [new Capture.CapturedFrame(new DateTime(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc), frame)] };
}
