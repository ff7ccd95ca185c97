using LvsLab.Packets;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// What a scheduler may look at when it chooses a real server for a new connection: the
/// connection counts of the service's real servers (as IPVS's <c>activeconns</c> and
/// <c>inactconns</c>) and the packet that opens the connection (for the hashing schedulers).
/// A ref struct over the caller's count arrays: building one allocates nothing.
/// </summary>
public readonly ref struct SchedulingContext
{
    private readonly ReadOnlySpan<int> _active;
    private readonly ReadOnlySpan<int> _inactive;

    /// <summary>Creates a context.</summary>
    /// <param name="activeConnections">Active connections per real server, in list order (missing entries count as 0).</param>
    /// <param name="inactiveConnections">Inactive connections per real server, in list order (missing entries count as 0).</param>
    /// <param name="clientAddress">The packet's source address (CIP).</param>
    /// <param name="clientPort">The packet's source port.</param>
    /// <param name="destinationAddress">The packet's destination address (the VIP).</param>
    /// <param name="destinationPort">The packet's destination port.</param>
    public SchedulingContext(
        ReadOnlySpan<int> activeConnections,
        ReadOnlySpan<int> inactiveConnections,
        IpAddress clientAddress = default,
        ushort clientPort = 0,
        IpAddress destinationAddress = default,
        ushort destinationPort = 0)
    {
        _active = activeConnections;
        _inactive = inactiveConnections;
        ClientAddress = clientAddress;
        ClientPort = clientPort;
        DestinationAddress = destinationAddress;
        DestinationPort = destinationPort;
    }

    /// <summary>The packet's source address (CIP).</summary>
    public IpAddress ClientAddress { get; }

    /// <summary>The packet's source port.</summary>
    public ushort ClientPort { get; }

    /// <summary>The packet's destination address (the VIP).</summary>
    public IpAddress DestinationAddress { get; }

    /// <summary>The packet's destination port.</summary>
    public ushort DestinationPort { get; }

    /// <summary>Active connections (TCP ESTABLISHED) of a real server.</summary>
    /// <param name="realServerIndex">Index in the service's list.</param>
    /// <returns>The count; 0 for an index the context has no count for.</returns>
    public int ActiveConnections(int realServerIndex) =>
        (uint)realServerIndex < (uint)_active.Length ? _active[realServerIndex] : 0;

    /// <summary>Inactive connections (every other state, UDP included) of a real server.</summary>
    /// <param name="realServerIndex">Index in the service's list.</param>
    /// <returns>The count; 0 for an index the context has no count for.</returns>
    public int InactiveConnections(int realServerIndex) =>
        (uint)realServerIndex < (uint)_inactive.Length ? _inactive[realServerIndex] : 0;

    /// <summary>
    /// IPVS's <c>ip_vs_dest_conn_overhead</c>: active connections weigh 256 times an inactive
    /// one (<c>(activeconns &lt;&lt; 8) + inactconns</c>).
    /// </summary>
    /// <param name="realServerIndex">Index in the service's list.</param>
    /// <returns>The overhead.</returns>
    public long Overhead(int realServerIndex) =>
        ((long)ActiveConnections(realServerIndex) << 8) + InactiveConnections(realServerIndex);
}
