using System.Runtime.InteropServices;
using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>A connection's assignment to a real server, its state and when it expires.</summary>
/// <param name="ServiceIndex">Index of the virtual service in the rule set.</param>
/// <param name="RealServerIndex">Index of the real server in the service's list.</param>
/// <param name="State">The connection state.</param>
/// <param name="CreatedAtMilliseconds">When the connection was created.</param>
/// <param name="ExpiresAtMilliseconds">When it expires unless another packet comes.</param>
/// <param name="Packets">Packets seen on it from the client (to the server).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct ConnectionEntry(
    int ServiceIndex,
    int RealServerIndex,
    ConnectionState State,
    long CreatedAtMilliseconds,
    long ExpiresAtMilliseconds,
    long Packets)
{
    /// <summary>
    /// True for a masqueraded (NAT) connection: the table also indexes it by its reply-side key
    /// (<see cref="ReplyKey.For"/> with <see cref="RealServerAddress"/> and <see cref="RealServerPort"/>).
    /// </summary>
    public bool IsMasqueraded { get; init; }

    /// <summary>For a masqueraded connection, the real server's IP (RIP); otherwise unset.</summary>
    public IpAddress RealServerAddress { get; init; }

    /// <summary>For a masqueraded connection, the real server's port (RPORT); otherwise 0.</summary>
    public ushort RealServerPort { get; init; }

    /// <summary>
    /// True when a persistence template placed the connection (a persistent service,
    /// <c>-p</c>): the template <see cref="PersistenceKey"/>(<see cref="ServiceIndex"/>,
    /// <see cref="PersistenceClient"/>) does not expire while the connection is in the table.
    /// </summary>
    public bool IsPersistent { get; init; }

    /// <summary>For a persistent connection, the client's address under the service's persistence netmask.</summary>
    public IpAddress PersistenceClient { get; init; }

    /// <summary>For a persistent connection, the <see cref="PersistenceTemplate.Generation"/> of the template that placed it.</summary>
    public long PersistenceGeneration { get; init; }

    /// <summary>Packets seen on it from the real server (only a masqueraded connection sees them).</summary>
    public long ReplyPackets { get; init; }

    /// <summary>True when the entry is expired at <paramref name="nowMilliseconds"/>.</summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>True when expired.</returns>
    public bool IsExpired(long nowMilliseconds) => nowMilliseconds >= ExpiresAtMilliseconds;
}
