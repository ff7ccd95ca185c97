namespace LvsLab.Director.Connections;

/// <summary>
/// The state of a connection as the director sees it. In direct routing only the
/// client-to-server direction passes through it (as IPVS's input-only state table); in NAT
/// both directions do, and a FIN from each side closes the connection.
/// </summary>
public enum ConnectionState
{
    /// <summary>A SYN was seen, nothing more (IPVS SYN_RECV).</summary>
    SynReceived,

    /// <summary>The client acknowledged: established (IPVS ESTABLISHED).</summary>
    Established,

    /// <summary>The client sent a FIN (IPVS FIN_WAIT).</summary>
    FinWait,

    /// <summary>An RST was seen, or both sides sent a FIN (IPVS CLOSE).</summary>
    Closed,

    /// <summary>A UDP flow.</summary>
    Udp,

    /// <summary>The real server sent a FIN first (NAT only; IPVS CLOSE_WAIT). Times out as <see cref="FinWait"/>.</summary>
    CloseWait,
}
