namespace LvsLab.Director.Connections;

/// <summary>Which connection a full <see cref="ConnectionTable"/> gives up for a new one.</summary>
public enum ConnectionEviction
{
    /// <summary>
    /// The least recently used embryonic connection (a SYN seen, the handshake not completed:
    /// <see cref="ConnectionState.SynReceived"/>) while there is one, otherwise the least
    /// recently used of the rest. A flood of SYNs from spoofed sources, which never complete a
    /// handshake, then only ever displaces its own entries: IPVS's defence idea (its
    /// <c>drop_entry</c> and <c>secure_tcp</c> strategies give up half-open connections first).
    /// The default.
    /// </summary>
    EmbryonicFirst,

    /// <summary>
    /// The least recently used connection, whatever its state: a SYN flood pushes established
    /// connections out once it has filled the table (the negative control of the defence).
    /// </summary>
    LeastRecentlyUsed,
}
