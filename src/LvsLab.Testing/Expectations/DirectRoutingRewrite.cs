namespace LvsLab.Testing.Expectations;

/// <summary>
/// Direct routing (LVS-DR): the director only re-addresses the Ethernet frame, source its own
/// MAC, destination the real server's. The IP header and everything after it are byte-for-byte
/// unchanged: the TTL is not lowered and the checksum is the inbound one. Nothing is masked.
/// </summary>
/// <param name="directorMac">The director's MAC on the real servers' network.</param>
/// <param name="realServerMac">The chosen real server's MAC.</param>
/// <param name="realServer">The real server's name for evidence (default: its MAC).</param>
public sealed class DirectRoutingRewrite(string directorMac, string realServerMac, string? realServer = null) : IRewriteModel
{
    /// <inheritdoc/>
    public string Method => "DR";

    /// <summary>The director's MAC.</summary>
    public string DirectorMac { get; } = directorMac;

    /// <summary>The real server's MAC.</summary>
    public string RealServerMac { get; } = realServerMac;

    /// <summary>The real server's name in evidence.</summary>
    public string RealServer { get; } = realServer ?? realServerMac;

    /// <inheritdoc/>
    public PacketTemplate Expect(ReadOnlySpan<byte> inbound) =>
        PacketTemplate.FromFrame(inbound, $"DR frame to {RealServer}")
            .WithMac(PacketField.SourceMac, DirectorMac)
            .WithMac(PacketField.DestinationMac, RealServerMac);
}
