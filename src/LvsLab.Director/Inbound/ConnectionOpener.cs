using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Inbound;

/// <summary>
/// The connection a client's packet to a virtual service belongs to, IPv4 or IPv6 alike: the
/// one in the table, or a new one on the real server the scheduler chooses (as IPVS: only a bare
/// SYN opens a TCP connection, a SYN on a closing one reuses the client's port, one-packet UDP
/// keeps no entry).
/// </summary>
internal sealed class ConnectionOpener(EngineContext context, ServiceScheduler scheduler)
{
    private const TcpFlags OpeningMask = TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Rst;

    public const int NoConnection = -2;

    // The real server the packet goes to: its connection's, or a newly scheduled one's (the
    // connection recorded unless one-packet). -1: no real server can take it; NoConnection: a
    // TCP segment other than a bare SYN with no connection.
    public int FindOrOpen(ServiceRuntime service, IpAddress client, IpAddress vip, in Transport transport, long now)
    {
        ConnectionTable connections = context.Connections;
        var key = new ConnectionKey(transport.Protocol, client, transport.SourcePort, vip, transport.DestinationPort);

        // One-packet scheduling (-o): every UDP datagram is scheduled on its own and leaves no
        // connection entry behind (IPVS frees its entry at once).
        bool onePacket = service.OnePacket && transport.Protocol == ServiceProtocol.Udp;

        // A bare SYN on a connection that is closing or closed is a new connection reusing the
        // client's port: as IPVS does (conn_reuse_mode 1), the old entry goes and the SYN is
        // scheduled afresh instead of following the old one to its server.
        if (transport.Protocol == ServiceProtocol.Tcp
            && (transport.Flags & OpeningMask) == TcpFlags.Syn
            && connections.TryGet(key, now, out ConnectionEntry old)
            && old.State is not (ConnectionState.SynReceived or ConnectionState.Established))
        {
            connections.Remove(key);
        }

        if (!onePacket && connections.TryTouch(key, transport.Flags, now, out ConnectionEntry entry))
        {
            return entry.RealServerIndex;
        }

        // As IPVS: only a bare SYN opens a TCP connection (with sloppy_tcp any segment but a
        // RST); UDP opens on any datagram.
        if (transport.Protocol == ServiceProtocol.Tcp
            && (context.Options.SloppyTcp ? (transport.Flags & TcpFlags.Rst) != 0 : (transport.Flags & OpeningMask) != TcpFlags.Syn))
        {
            return NoConnection;
        }

        int serverIndex = scheduler.Schedule(service, client, transport, vip, now, out PersistenceKey? persistence);
        if (serverIndex < 0)
        {
            return -1;
        }

        context.Counters.CountConnection(service.Index, serverIndex);
        RealServer chosen = service.Servers[serverIndex];
        if (!onePacket)
        {
            _ = chosen.ForwardingMethod == ForwardingMethod.Masquerading
                ? connections.CreateMasqueraded(
                    key, service.Index, serverIndex, chosen.Address, PortOf(chosen, transport), transport.Flags, now, persistence)
                : connections.Create(key, service.Index, serverIndex, transport.Flags, now, persistence);
        }

        return serverIndex;
    }

    /// <summary>A real server without a port (an all-ports service's) keeps the packet's destination port.</summary>
    public static ushort PortOf(RealServer server, in Transport transport) =>
        server.Port != 0 ? server.Port : transport.DestinationPort;
}
