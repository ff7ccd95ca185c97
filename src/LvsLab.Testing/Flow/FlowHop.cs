namespace LvsLab.Testing.Flow;

/// <summary>One crossing of one link by the traced packet: a frame from one node to the next.</summary>
public sealed record FlowHop
{
    /// <summary>The hop's number, counting from 1 over the request and then the reply.</summary>
    public required int Number { get; init; }

    /// <summary>Whether this hop carries the request or the reply.</summary>
    public required FlowDirection Direction { get; init; }

    /// <summary>The lab network the frame crossed (e.g. <c>lan</c>).</summary>
    public required string Network { get; init; }

    /// <summary>The taps that saw the frame (e.g. <c>router:lan</c>, <c>director</c>), in order.</summary>
    public required IReadOnlyList<string> Links { get; init; }

    /// <summary>The node that sent the frame (owner of the source MAC), or the raw MAC.</summary>
    public required string From { get; init; }

    /// <summary>The node the frame was sent to (owner of the destination MAC), or the raw MAC.</summary>
    public required string To { get; init; }

    /// <summary>When the frame was first seen, after the request's first sighting.</summary>
    public required TimeSpan Offset { get; init; }

    /// <summary>The Ethernet source, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public required string SourceMac { get; init; }

    /// <summary>The Ethernet destination, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public required string DestinationMac { get; init; }

    /// <summary>The packet itself: for a tunnel's frame, the inner packet.</summary>
    public required FlowHeader Packet { get; init; }

    /// <summary>The outer header of a tunnel's frame (IP-in-IP, IPv6-in-IPv6, IPv4-in-IPv6, …), else null.</summary>
    public FlowHeader? Outer { get; init; }

    /// <summary>The tunnel's name when <see cref="Outer"/> is set: <c>IP-in-IP</c> (IPv4 in IPv4), <c>IPv6-in-IPv6</c>, <c>IPv4-in-IPv6</c> or <c>IPv6-in-IPv4</c>; else null.</summary>
    public string? Tunnel => Outer is { } outer ? FlowWords.Tunnel(outer.IsIpv6, Packet.IsIpv6) : null;

    /// <summary>What differs from the previous hop of the same packet.</summary>
    public required FlowFields Changed { get; init; }

    /// <summary>The same, in words: <c>dst MAC</c>, <c>dst IP 10.77.0.100→10.77.1.11</c>, <c>TTL 64→63</c> (<c>hop limit 64→63</c> for IPv6), …</summary>
    public required IReadOnlyList<string> Changes { get; init; }

    /// <summary>What happened to the packet before this hop, in words (who sent or forwarded it and what changed).</summary>
    public required string Note { get; init; }
}
