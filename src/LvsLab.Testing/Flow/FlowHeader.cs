using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.Testing.Flow;

/// <summary>An IPv4 or IPv6 header as one hop carried it (with the transport ports, when there are any).</summary>
/// <param name="Source">The source address.</param>
/// <param name="SourcePort">The source port (TCP, UDP), or null.</param>
/// <param name="Destination">The destination address.</param>
/// <param name="DestinationPort">The destination port (TCP, UDP), or null.</param>
/// <param name="Protocol">The protocol (IPv6: the upper layer): <c>TCP</c>, <c>UDP</c>, <c>ICMP</c>, <c>ICMPv6</c>, <c>IPIP</c>, <c>IPv6</c> or its number.</param>
/// <param name="Flags">TCP flags such as <c>SYN ACK</c>; empty for other protocols.</param>
/// <param name="TimeToLive">The time to live (IPv4) or hop limit (IPv6).</param>
/// <param name="Identification">The identification field (0 for IPv6).</param>
public sealed record FlowHeader(
    IPAddress Source,
    int? SourcePort,
    IPAddress Destination,
    int? DestinationPort,
    string Protocol,
    string Flags,
    int TimeToLive,
    int Identification)
{
    /// <summary>Whether this is an IPv6 header.</summary>
    public bool IsIpv6 => Source.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>What <see cref="TimeToLive"/> is called: <c>TTL</c> for IPv4, <c>hop limit</c> for IPv6.</summary>
    public string TimeToLiveName => FlowWords.TimeToLive(IsIpv6);

    /// <summary>The source as <c>address:port</c>, <c>[IPv6 address]:port</c> (or the address alone).</summary>
    public string SourceText => Endpoint(Source, SourcePort);

    /// <summary>The destination as <c>address:port</c>, <c>[IPv6 address]:port</c> (or the address alone).</summary>
    public string DestinationText => Endpoint(Destination, DestinationPort);

    /// <summary>The protocol with its flags, e.g. <c>TCP SYN</c>.</summary>
    public string ProtocolText => Flags.Length == 0 ? Protocol : $"{Protocol} {Flags}";

    private static string Endpoint(IPAddress address, int? port) =>
        port is not { } p ? address.ToString()
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{p}")
        : string.Create(CultureInfo.InvariantCulture, $"{address}:{p}");
}
