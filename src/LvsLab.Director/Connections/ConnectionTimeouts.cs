namespace LvsLab.Director.Connections;

/// <summary>How long an idle connection entry lives in each state, in milliseconds.</summary>
public sealed record ConnectionTimeouts
{
    /// <summary>The defaults: TCP established 900 s, SYN only 120 s, after FIN 120 s, after RST 10 s, UDP 300 s.</summary>
    public static ConnectionTimeouts Default { get; } = new();

    /// <summary>TCP after the client acknowledged (default 900 s).</summary>
    public long TcpEstablishedMilliseconds { get; init; } = 900_000;

    /// <summary>TCP after a SYN only (default 120 s).</summary>
    public long TcpSynReceivedMilliseconds { get; init; } = 120_000;

    /// <summary>TCP after a FIN from one side only (default 120 s).</summary>
    public long TcpFinWaitMilliseconds { get; init; } = 120_000;

    /// <summary>TCP after an RST, or after a FIN from each side (default 10 s).</summary>
    public long TcpClosedMilliseconds { get; init; } = 10_000;

    /// <summary>UDP (default 300 s).</summary>
    public long UdpMilliseconds { get; init; } = 300_000;

    /// <summary>The timeout of a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>Milliseconds.</returns>
    public long For(ConnectionState state) => state switch
    {
        ConnectionState.SynReceived => TcpSynReceivedMilliseconds,
        ConnectionState.Established => TcpEstablishedMilliseconds,
        ConnectionState.FinWait or ConnectionState.CloseWait => TcpFinWaitMilliseconds,
        ConnectionState.Closed => TcpClosedMilliseconds,
        _ => UdpMilliseconds,
    };
}
