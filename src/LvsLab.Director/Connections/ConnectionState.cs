namespace LvsLab.Director.Connections;

/// <summary>
/// The state of a connection as a director in direct-routing mode sees it: only the
/// client-to-server direction passes through it, as IPVS's input-only state table.
/// </summary>
public enum ConnectionState
{
    /// <summary>A SYN was seen, nothing more (IPVS SYN_RECV).</summary>
    SynReceived,

    /// <summary>The client acknowledged: established (IPVS ESTABLISHED).</summary>
    Established,

    /// <summary>A FIN was seen (IPVS FIN_WAIT).</summary>
    FinWait,

    /// <summary>An RST was seen (IPVS CLOSE).</summary>
    Closed,

    /// <summary>A UDP flow.</summary>
    Udp,
}
