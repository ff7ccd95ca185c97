using System.Globalization;
using System.Net;

namespace LvsLab.Testing.Flow;

/// <summary>An IPv4 header as one hop carried it (with the transport ports, when there are any).</summary>
/// <param name="Source">The source address.</param>
/// <param name="SourcePort">The source port (TCP, UDP), or null.</param>
/// <param name="Destination">The destination address.</param>
/// <param name="DestinationPort">The destination port (TCP, UDP), or null.</param>
/// <param name="Protocol">The protocol: <c>TCP</c>, <c>UDP</c>, <c>ICMP</c>, <c>IPIP</c> or its number.</param>
/// <param name="Flags">TCP flags such as <c>SYN ACK</c>; empty for other protocols.</param>
/// <param name="TimeToLive">The time to live.</param>
/// <param name="Identification">The identification field.</param>
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
    /// <summary>The source as <c>address:port</c> (or the address alone).</summary>
    public string SourceText => Endpoint(Source, SourcePort);

    /// <summary>The destination as <c>address:port</c> (or the address alone).</summary>
    public string DestinationText => Endpoint(Destination, DestinationPort);

    /// <summary>The protocol with its flags, e.g. <c>TCP SYN</c>.</summary>
    public string ProtocolText => Flags.Length == 0 ? Protocol : $"{Protocol} {Flags}";

    private static string Endpoint(IPAddress address, int? port) =>
        port is { } p ? string.Create(CultureInfo.InvariantCulture, $"{address}:{p}") : address.ToString();
}
