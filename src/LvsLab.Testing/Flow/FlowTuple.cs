using System.Net;
using LvsLab.Testing.Capture;
using PacketDotNet;

namespace LvsLab.Testing.Flow;

/// <summary>A transport 5-tuple that picks the request to trace.</summary>
/// <param name="Source">The client's address and port.</param>
/// <param name="Destination">The service's address and port as the client sent it (e.g. VIP:80).</param>
/// <param name="Protocol">TCP or UDP.</param>
public sealed record FlowTuple(IPEndPoint Source, IPEndPoint Destination, ProtocolType Protocol = ProtocolType.Tcp)
{
    /// <summary>Whether <paramref name="frame"/> carries a packet of this tuple (inside IP-in-IP too).</summary>
    /// <param name="frame">A captured frame.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return FlowDecoder.TryDecode(frame.Data, out var decoded)
            && decoded.Carried.Protocol == (int)Protocol
            && decoded.Carried.Source.Equals(Source.Address)
            && decoded.Carried.SourcePort == Source.Port
            && decoded.Carried.Destination.Equals(Destination.Address)
            && decoded.Carried.DestinationPort == Destination.Port;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Protocol.ToString().ToUpperInvariant()} {Source} → {Destination}";
}
