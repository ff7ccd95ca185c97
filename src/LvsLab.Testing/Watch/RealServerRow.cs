namespace LvsLab.Testing.Watch;

/// <summary>One real server of one service, as the director counts it at one moment.</summary>
/// <param name="Service">The service, e.g. <c>TCP 10.0.0.100:80</c>.</param>
/// <param name="Address">The real server's address and port, e.g. <c>10.0.0.11:80</c>.</param>
/// <param name="Node">The lab node with that address, or the address when no node has it.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Health">up, down or unchecked.</param>
/// <param name="ActiveConnections">Established connections.</param>
/// <param name="InactiveConnections">Other connections in the table.</param>
/// <param name="ConnectionsScheduled">Connections scheduled to it since the start.</param>
/// <param name="Packets">Packets forwarded to it since the start.</param>
/// <param name="Bytes">Bytes forwarded to it since the start.</param>
public sealed record RealServerRow(
    string Service,
    string Address,
    string Node,
    int Weight,
    string Health,
    long ActiveConnections,
    long InactiveConnections,
    long ConnectionsScheduled,
    long Packets,
    long Bytes);
