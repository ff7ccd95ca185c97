using System.Net;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// NAT (LVS-NAT), reply direction: the director rewrites the source address and port from the
/// real server back to the virtual service (the client must see the VIP:port it connected to),
/// lowers the TTL by one, and sends the frame from its MAC to the next hop towards the client.
/// The IPv4 and TCP/UDP checksums are computed here and compared, not masked.
/// </summary>
/// <param name="virtualService">The virtual service's address and port (VIP:port).</param>
/// <param name="directorMac">The director's MAC on the clients' network.</param>
/// <param name="nextHopMac">The MAC of the next hop (the client itself on a flat network).</param>
/// <param name="clientName">The client's name for evidence (default: the frame's destination).</param>
public sealed class NatReplyRewrite(IPEndPoint virtualService, string directorMac, string nextHopMac, string? clientName = null) : IRewriteModel
{
    /// <inheritdoc/>
    public string Method => "NAT";

    /// <summary>The virtual service's address and port.</summary>
    public IPEndPoint VirtualService { get; } = virtualService;

    /// <summary>The director's MAC.</summary>
    public string DirectorMac { get; } = directorMac;

    /// <summary>The next hop's MAC.</summary>
    public string NextHopMac { get; } = nextHopMac;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The frame is not IPv4 TCP or UDP, or its TTL would expire.</exception>
    public PacketTemplate Expect(ReadOnlySpan<byte> inbound)
    {
        string to = clientName ?? (PacketField.DestinationAddress.TryLocate(inbound, out var at)
            ? new IPAddress(inbound.Slice(at.Offset, at.Length)).ToString()
            : "client");
        return NatRewriting.Rewrite(
            inbound,
            $"NAT reply to {to}",
            DirectorMac,
            NextHopMac,
            PacketField.SourceAddress,
            PacketField.SourcePort,
            VirtualService);
    }
}
