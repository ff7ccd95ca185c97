using System.Net;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// NAT (LVS-NAT), request direction: the director rewrites the destination address and port
/// from the virtual service to the chosen real server, lowers the TTL by one (it routes), and
/// sends the frame from its MAC to the next hop. The IPv4 and TCP/UDP checksums are computed
/// here for the rewritten bytes and compared, not masked. Everything else (identification,
/// sequence numbers, payload) is unchanged.
/// </summary>
/// <param name="realServer">The real server's address and port.</param>
/// <param name="directorMac">The director's MAC on the real servers' network.</param>
/// <param name="nextHopMac">The MAC of the next hop (the real server itself on a flat network).</param>
/// <param name="realServerName">The real server's name for evidence (default: its address and port).</param>
public sealed class NatRequestRewrite(IPEndPoint realServer, string directorMac, string nextHopMac, string? realServerName = null) : IRewriteModel
{
    /// <inheritdoc/>
    public string Method => "NAT";

    /// <summary>The real server's address and port.</summary>
    public IPEndPoint RealServer { get; } = realServer;

    /// <summary>The director's MAC.</summary>
    public string DirectorMac { get; } = directorMac;

    /// <summary>The next hop's MAC.</summary>
    public string NextHopMac { get; } = nextHopMac;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The frame is not IPv4 TCP or UDP, or its TTL would expire.</exception>
    public PacketTemplate Expect(ReadOnlySpan<byte> inbound) =>
        NatRewriting.Rewrite(
            inbound,
            $"NAT frame to {realServerName ?? RealServer.ToString()}",
            DirectorMac,
            NextHopMac,
            PacketField.DestinationAddress,
            PacketField.DestinationPort,
            RealServer);
}
