namespace LvsLab.Director.Connections;

/// <summary>A connection's assignment to a real server, its state and when it expires.</summary>
/// <param name="ServiceIndex">Index of the virtual service in the rule set.</param>
/// <param name="RealServerIndex">Index of the real server in the service's list.</param>
/// <param name="State">The connection state.</param>
/// <param name="CreatedAtMilliseconds">When the connection was created.</param>
/// <param name="ExpiresAtMilliseconds">When it expires unless another packet comes.</param>
/// <param name="Packets">Packets seen on it (client to server).</param>
public readonly record struct ConnectionEntry(
    int ServiceIndex,
    int RealServerIndex,
    ConnectionState State,
    long CreatedAtMilliseconds,
    long ExpiresAtMilliseconds,
    long Packets)
{
    /// <summary>True when the entry is expired at <paramref name="nowMilliseconds"/>.</summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>True when expired.</returns>
    public bool IsExpired(long nowMilliseconds) => nowMilliseconds >= ExpiresAtMilliseconds;
}
