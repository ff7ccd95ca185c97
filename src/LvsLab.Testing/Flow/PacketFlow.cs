using System.Net;

namespace LvsLab.Testing.Flow;

/// <summary>
/// One request traced across the lab's links, hop by hop, and its reply: what <see cref="FlowText"/>
/// and <see cref="FlowSvg"/> draw. Made by <see cref="FlowTracer"/>.
/// </summary>
public sealed record PacketFlow
{
    /// <summary>The lab's name.</summary>
    public required string Lab { get; init; }

    /// <summary>The forwarding method the lab shows: <c>dr</c>, <c>nat</c> or <c>tun</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The service's virtual IP: the VIP, or for an IPv6 request the lab's VIP6.</summary>
    public required IPAddress Vip { get; init; }

    /// <summary>What the pictures call <see cref="Vip"/>: <c>VIP</c>, or <c>VIP6</c> for an IPv6 one.</summary>
    public string VipName => Vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "VIP6" : "VIP";

    /// <summary>The virtual service's port.</summary>
    public required int Port { get; init; }

    /// <summary>The node that sent the request, or its address when no lab node owns it.</summary>
    public required string Client { get; init; }

    /// <summary>The request as first seen.</summary>
    public required FlowHeader Packet { get; init; }

    /// <summary>The request's hops, in path order.</summary>
    public required IReadOnlyList<FlowHop> Request { get; init; }

    /// <summary>The reply's hops, in path order; empty when no reply was asked for or seen.</summary>
    public required IReadOnlyList<FlowHop> Reply { get; init; }

    /// <summary>The reply as first seen, or null.</summary>
    public FlowHeader? ReplyPacket { get; init; }

    /// <summary>Every hop: the request's, then the reply's.</summary>
    public IReadOnlyList<FlowHop> Hops => [.. Request, .. Reply];

    /// <summary>The nodes on the path, in the order the packet first meets them.</summary>
    public required IReadOnlyList<FlowNode> Nodes { get; init; }

    /// <summary>Whether a reply was seen and none of its hops touches a director.</summary>
    public required bool ReplyBypassesDirector { get; init; }

    /// <summary>What the forwarding method did to the packets, in words, from the hops.</summary>
    public required IReadOnlyList<string> Summary { get; init; }
}
