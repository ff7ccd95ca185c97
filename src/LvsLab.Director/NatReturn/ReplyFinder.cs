using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.NatReturn;

/// <summary>
/// The connection a NAT real server's packet answers, IPv4 or IPv6 alike: its masqueraded
/// connection (touched, so its state follows the reply), or for a one-packet (<c>-o</c>) service,
/// which keeps no connection, one made up from the service's VIP:VPORT. A packet from a NAT
/// service's endpoint without a connection is dropped (forwarding it would leak the real
/// server's address to whoever it is for); anything else is not ours.
/// </summary>
internal sealed class ReplyFinder(EngineContext context)
{
    /// <summary>True with the connection; otherwise <paramref name="instead"/> says what to do.</summary>
    public bool TryFind(IpAddress source, IpAddress destination, in Transport transport, long now, CompiledRules rules, out ConnectionKey key, out ConnectionEntry entry, out Decision instead)
    {
        instead = default;
        var replyKey = new ReplyKey(transport.Protocol, source, transport.SourcePort, destination, transport.DestinationPort);
        if (context.Connections.TryTouchReply(replyKey, transport.Flags, now, out key, out entry))
        {
            return true;
        }

        var endpoint = new ServiceKey(transport.Protocol, source, transport.SourcePort);
        if (rules.TryGetOnePacketEndpoint(endpoint, out Forwarding onePacket))
        {
            // A one-packet service's reply: the source becomes the service's VIP:VPORT.
            VirtualService service = rules.Services[onePacket.ServiceIndex].Service;
            key = new ConnectionKey(transport.Protocol, destination, transport.DestinationPort, service.Address, service.Port);
            entry = new ConnectionEntry(onePacket.ServiceIndex, onePacket.RealServerIndex, ConnectionState.Udp, now, now, 0);
            return true;
        }

        instead = rules.IsMasqueradedEndpoint(endpoint) ? Decision.Drop(DropReason.OrphanReply) : Decision.Ignore;
        return false;
    }
}
