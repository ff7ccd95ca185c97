using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Sync;

/// <summary>
/// How the director's connections and persistence templates become synchronised entries and
/// back: the one place where our states meet IPVS's state numbers, and our forwarding methods
/// the <c>IP_VS_CONN_F_*</c> flags.
/// </summary>
/// <remarks>
/// <para>
/// States, ours to IPVS's: SYN received → <c>SYN_RECV</c>, established → <c>ESTABLISHED</c>,
/// FIN from the client → <c>FIN_WAIT</c>, FIN from the server → <c>CLOSE_WAIT</c>, closed →
/// <c>CLOSE</c>, UDP → <c>IP_VS_UDP_S_NORMAL</c>. Back, IPVS's finer TCP states fold into ours:
/// <c>NONE</c>, <c>SYN_SENT</c>, <c>SYN_RECV</c>, <c>LISTEN</c>, <c>SYNACK</c> → SYN received;
/// <c>TIME_WAIT</c>, <c>CLOSE</c>, <c>LAST_ACK</c> (both FINs seen) → closed. A state number
/// past the protocol's last is refused, as the kernel's backup refuses it.
/// </para>
/// <para>
/// Flags: the forwarding method's bits (NAT 0, tunnel 2, direct routing 3), with
/// <c>NOOUTPUT</c> for every method but NAT, <c>INACTIVE</c> for a connection that is not
/// established (UDP included), and for a template <c>TEMPLATE</c> with the method's bits and
/// <c>INACTIVE</c>, as the kernel's templates take their real server's flags. A backup does not
/// trust the method on the wire: as the kernel's (<c>ip_vs_bind_dest</c>), it binds the entry to
/// a real server of its own rules, whose method wins.
/// </para>
/// <para>
/// Templates carry the kernel's layout (<c>ip_vs_sched_persist</c>): client port 0, the client
/// network as the client address; a port service's template has its VIP, port and the real
/// server's port; an all-ports or FTP service's has ports 0; a firewall-mark service's has
/// protocol 0 and the mark in the VIP's place.
/// </para>
/// <para>
/// Timeouts: the kernel sends an entry's whole timeout, having just refreshed it; the director
/// sends the time an entry has left, rounded up to a second. Either way the backup lets the
/// entry live that long from when it installs it (0: the state's own timeout).
/// </para>
/// </remarks>
public static class SyncConnectionMapping
{
    /// <summary>IPVS's state number for one of ours.</summary>
    /// <param name="state">Our state.</param>
    /// <returns>An <c>IP_VS_TCP_S_*</c> number, or <c>IP_VS_UDP_S_NORMAL</c> for UDP.</returns>
    public static ushort ToIpvsState(ConnectionState state) => state switch
    {
        ConnectionState.SynReceived => SyncWire.TcpSynReceived,
        ConnectionState.Established => SyncWire.TcpEstablished,
        ConnectionState.FinWait => SyncWire.TcpFinWait,
        ConnectionState.CloseWait => SyncWire.TcpCloseWait,
        ConnectionState.Closed => SyncWire.TcpClose,
        _ => SyncWire.UdpNormal,
    };

    /// <summary>Our state for an IPVS state number of a protocol.</summary>
    /// <param name="protocol">The IP protocol number (6 or 17).</param>
    /// <param name="ipvsState">The state number.</param>
    /// <param name="state">Our state when the result is true.</param>
    /// <returns>False for another protocol, or a number past the protocol's last state.</returns>
    public static bool TryGetState(byte protocol, ushort ipvsState, out ConnectionState state)
    {
        switch (protocol)
        {
            case SyncWire.ProtocolUdp when ipvsState < SyncWire.UdpStateCount:
                state = ConnectionState.Udp;
                return true;
            case SyncWire.ProtocolTcp when ipvsState < SyncWire.TcpStateCount:
                state = ipvsState switch
                {
                    SyncWire.TcpEstablished => ConnectionState.Established,
                    SyncWire.TcpFinWait => ConnectionState.FinWait,
                    SyncWire.TcpCloseWait => ConnectionState.CloseWait,
                    SyncWire.TcpTimeWait or SyncWire.TcpClose or SyncWire.TcpLastAck => ConnectionState.Closed,
                    _ => ConnectionState.SynReceived,
                };
                return true;
            default:
                state = default;
                return false;
        }
    }

    /// <summary>The flags of a connection forwarded by <paramref name="method"/> in <paramref name="state"/>.</summary>
    /// <param name="method">The real server's forwarding method.</param>
    /// <param name="state">The connection's state.</param>
    /// <returns>Method bits, <c>NOOUTPUT</c> unless NAT, <c>INACTIVE</c> unless established.</returns>
    public static SyncFlags ConnectionFlags(ForwardingMethod method, ConnectionState state) =>
        MethodFlags(method) | (state == ConnectionState.Established ? SyncFlags.None : SyncFlags.Inactive);

    /// <summary>The flags of a persistence template whose real server is forwarded to by <paramref name="method"/>.</summary>
    /// <param name="method">The real server's forwarding method.</param>
    /// <returns><c>TEMPLATE</c>, method bits, <c>NOOUTPUT</c> unless NAT, <c>INACTIVE</c>.</returns>
    public static SyncFlags TemplateFlags(ForwardingMethod method) => SyncFlags.Template | SyncFlags.Inactive | MethodFlags(method);

    /// <summary>Our forwarding method for the method bits of an entry's flags.</summary>
    /// <param name="flags">The flags.</param>
    /// <param name="method">The method when the result is true.</param>
    /// <returns>False for local node and bypass, which the director does not do.</returns>
    public static bool TryGetForwardingMethod(SyncFlags flags, out ForwardingMethod method)
    {
        switch ((SyncForwarding)((uint)flags & SyncWire.FlagForwardingMask))
        {
            case SyncForwarding.Masquerade:
                method = ForwardingMethod.Masquerading;
                return true;
            case SyncForwarding.Tunnel:
                method = ForwardingMethod.Tunnel;
                return true;
            case SyncForwarding.DirectRoute:
                method = ForwardingMethod.DirectRouting;
                return true;
            default:
                method = default;
                return false;
        }
    }

    /// <summary>The entry that synchronises a connection of the table.</summary>
    /// <param name="key">The connection's key.</param>
    /// <param name="entry">The connection.</param>
    /// <param name="service">Its virtual service.</param>
    /// <param name="server">Its real server.</param>
    /// <param name="nowMilliseconds">The current time (for the time it has left).</param>
    /// <returns>The entry.</returns>
    public static SyncEntry FromConnection(in ConnectionKey key, in ConnectionEntry entry, VirtualService service, RealServer server, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(server);
        ushort destinationPort = entry.IsMasqueraded ? entry.RealServerPort : server.Port != 0 ? server.Port : key.VirtualPort;
        return new SyncEntry
        {
            Protocol = (byte)key.Protocol,
            Flags = ConnectionFlags(server.ForwardingMethod, entry.State),
            State = ToIpvsState(entry.State),
            ClientAddress = key.ClientAddress.Ipv4,
            ClientPort = key.ClientPort,
            VirtualAddress = key.VirtualAddress.Ipv4,
            VirtualPort = key.VirtualPort,
            DestinationAddress = server.Address.Ipv4,
            DestinationPort = destinationPort,
            FirewallMark = service.FirewallMark ?? 0,
            TimeoutSeconds = SecondsLeft(entry.ExpiresAtMilliseconds, nowMilliseconds),
        };
    }

    /// <summary>The entry that synchronises a persistence template of the table.</summary>
    /// <param name="key">The template's key.</param>
    /// <param name="template">The template.</param>
    /// <param name="service">Its (persistent) virtual service.</param>
    /// <param name="server">The real server it points at.</param>
    /// <param name="nowMilliseconds">The current time (for the time it has left).</param>
    /// <returns>The entry.</returns>
    public static SyncEntry FromTemplate(in PersistenceKey key, in PersistenceTemplate template, VirtualService service, RealServer server, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(server);
        var entry = new SyncEntry
        {
            Protocol = (byte)service.Protocol,
            Flags = TemplateFlags(server.ForwardingMethod),
            State = SyncWire.TemplateNone,
            ClientAddress = key.Client.Ipv4,
            VirtualAddress = service.Address.Ipv4,
            DestinationAddress = server.Address.Ipv4,
            FirewallMark = service.FirewallMark ?? 0,
            TimeoutSeconds = SecondsLeft(template.ExpiresAtMilliseconds, nowMilliseconds),
        };
        if (service.FirewallMark is { } mark)
        {
            return entry with { Protocol = SyncWire.ProtocolFirewallMarkTemplate, VirtualAddress = new Ipv4Address(mark) };
        }

        return service.Port is 0 or SyncWire.FtpPort
            ? entry
            : entry with { VirtualPort = service.Port, DestinationPort = server.Port };
    }

    /// <summary>
    /// The real server an entry's destination names: the one with that address and port, else
    /// one with that address serving every port (port 0), or any with that address when the
    /// entry's port is 0 (an all-ports template).
    /// </summary>
    /// <param name="servers">The service's real servers.</param>
    /// <param name="address">The destination address.</param>
    /// <param name="port">The destination port.</param>
    /// <returns>The index, or -1.</returns>
    public static int IndexOfRealServer(ReadOnlySpan<RealServer> servers, IpAddress address, ushort port)
    {
        for (int i = 0; i < servers.Length; i++)
        {
            if (servers[i].Address == address && servers[i].Port == port)
            {
                return i;
            }
        }

        for (int i = 0; i < servers.Length; i++)
        {
            if (servers[i].Address == address && (servers[i].Port == 0 || port == 0))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether connections of <paramref name="service"/> to <paramref name="server"/> are
    /// synchronised: the sync protocol's version 0 carries IPv4 addresses only, so an IPv6
    /// service's connections and an IPv4 service's tunnelled IPv6 real servers' stay with the
    /// director that has them (a backup schedules them afresh).
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="server">The real server.</param>
    /// <returns>True when they can be sent.</returns>
    public static bool IsSynchronised(VirtualService service, RealServer server)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(server);
        return !service.IsIpv6 && server.Address.IsIpv4;
    }

    /// <summary>
    /// Every live connection and persistence template of an engine as entries to send, templates
    /// first (so that a backup installing in order has each template before the connections it
    /// controls). For a full resynchronisation; allocates.
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>The entries.</returns>
    public static IReadOnlyList<SyncEntry> Export(DirectorEngine engine, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(engine);
        IReadOnlyList<VirtualService> services = engine.Rules.Services;
        var entries = new List<SyncEntry>();
        foreach ((PersistenceKey key, PersistenceTemplate template) in engine.Connections.Templates)
        {
            if (!template.IsExpired(nowMilliseconds) && IsSynchronised(services[key.ServiceIndex], services[key.ServiceIndex].RealServers[template.RealServerIndex]))
            {
                VirtualService service = services[key.ServiceIndex];
                entries.Add(FromTemplate(key, template, service, service.RealServers[template.RealServerIndex], nowMilliseconds));
            }
        }

        foreach ((ConnectionKey key, ConnectionEntry entry) in engine.Connections.Entries)
        {
            if (!entry.IsExpired(nowMilliseconds) && IsSynchronised(services[entry.ServiceIndex], services[entry.ServiceIndex].RealServers[entry.RealServerIndex]))
            {
                VirtualService service = services[entry.ServiceIndex];
                entries.Add(FromConnection(key, entry, service, service.RealServers[entry.RealServerIndex], nowMilliseconds));
            }
        }

        return entries;
    }

    /// <summary>
    /// Installs every entry of a message into an engine (<see cref="DirectorEngine.Install"/>),
    /// templates first: a master kernel sends a connection before the template that controls it,
    /// and a connection installed after its template is counted in it, so that the template
    /// outlives it.
    /// </summary>
    /// <param name="engine">The backup's engine.</param>
    /// <param name="message">A checked message.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>How many entries were installed; the others were refused (and counted by the engine).</returns>
    public static int InstallAll(DirectorEngine engine, SyncMessage message, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int installed = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            bool templates = pass == 0;
            foreach (SyncEntry entry in message)
            {
                if (entry.IsTemplate == templates && engine.Install(entry, nowMilliseconds) == SyncInstallResult.Installed)
                {
                    installed++;
                }
            }
        }

        return installed;
    }

    private static SyncFlags MethodFlags(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerading => (SyncFlags)SyncWire.FlagMasquerade,
        ForwardingMethod.Tunnel => (SyncFlags)SyncWire.FlagTunnel | SyncFlags.NoOutput,
        _ => (SyncFlags)SyncWire.FlagDirectRoute | SyncFlags.NoOutput,
    };

    // The time an entry has left, in whole seconds rounded up; at least 1, since 0 on the wire
    // means "the state's default".
    private static uint SecondsLeft(long expiresAtMilliseconds, long nowMilliseconds)
    {
        long left = expiresAtMilliseconds - nowMilliseconds;
        return left <= 1000 ? 1u : (uint)Math.Min(uint.MaxValue, (left + 999) / 1000);
    }
}
