using System.Net;
using System.Net.Sockets;

namespace LvsLab.Testing.Flow;

/// <summary>The fields of one IPv4 or IPv6 packet (and its TCP or UDP header) that a flow compares.</summary>
internal sealed class DecodedIp
{
    /// <summary>The IP source.</summary>
    public required IPAddress Source { get; init; }

    /// <summary>The IP destination.</summary>
    public required IPAddress Destination { get; init; }

    /// <summary>The IP protocol number (for IPv6, the upper layer's, after any extension headers).</summary>
    public required int Protocol { get; init; }

    /// <summary>The time to live (IPv4) or hop limit (IPv6).</summary>
    public required int TimeToLive { get; init; }

    /// <summary>The identification field (0 for IPv6, which has none in its fixed header).</summary>
    public required int Identification { get; init; }

    /// <summary>The TCP or UDP source port, or null.</summary>
    public int? SourcePort { get; init; }

    /// <summary>The TCP or UDP destination port, or null.</summary>
    public int? DestinationPort { get; init; }

    /// <summary>The TCP sequence number (0 for other protocols).</summary>
    public uint Sequence { get; init; }

    /// <summary>The TCP acknowledgment number (0 for other protocols).</summary>
    public uint Acknowledgment { get; init; }

    /// <summary>The TCP flags byte (0 for other protocols).</summary>
    public byte TcpFlags { get; init; }

    /// <summary>What follows the transport header (or the IP header, and IPv6's extension headers, for other protocols).</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The whole IP packet, trimmed to its total length.</summary>
    public required ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>Whether this is an IPv6 packet.</summary>
    public bool IsIpv6 => Source.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Whether this is TCP.</summary>
    public bool IsTcp => Protocol == FlowDecoder.Tcp && SourcePort is not null;

    /// <summary>Whether this is UDP.</summary>
    public bool IsUdp => Protocol == FlowDecoder.Udp && SourcePort is not null;

    /// <summary>A TCP segment with SYN and without ACK: a connection's first packet.</summary>
    public bool IsSyn => IsTcp && (TcpFlags & FlowDecoder.SynFlag) != 0 && (TcpFlags & FlowDecoder.AckFlag) == 0;

    /// <summary>The header as a flow shows it.</summary>
    /// <returns>The header.</returns>
    public FlowHeader ToHeader() =>
        new(Source, SourcePort, Destination, DestinationPort, FlowDecoder.ProtocolName(Protocol), IsTcp ? FlowDecoder.FlagsText(TcpFlags) : string.Empty, TimeToLive, Identification);
}
