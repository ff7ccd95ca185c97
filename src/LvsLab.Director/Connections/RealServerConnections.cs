namespace LvsLab.Director.Connections;

/// <summary>
/// A real server's connection counts as ipvsadm lists them (<c>ActiveConn</c>, <c>InActConn</c>):
/// active are TCP connections in ESTABLISHED; inactive are all others (SYN_RECV, FIN_WAIT,
/// CLOSE_WAIT, CLOSE and UDP flows), until they expire.
/// </summary>
/// <param name="Active">Connections in TCP ESTABLISHED.</param>
/// <param name="Inactive">Connections in any other state.</param>
public readonly record struct RealServerConnections(int Active, int Inactive)
{
    /// <summary>Active plus inactive.</summary>
    public int Total => Active + Inactive;
}
