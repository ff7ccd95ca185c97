using System.Collections.ObjectModel;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>A virtual service (one <c>-A</c> line) and its real servers (the <c>-a</c> lines under it).</summary>
/// <remarks>
/// A service is either an address service (<c>-t</c> or <c>-u</c> VIP:port; <see cref="FirewallMark"/>
/// is null) or a firewall-mark service (<c>-f</c> mark; see <see cref="VirtualService(uint, string, IEnumerable{RealServer})"/>), which
/// has no address or port: as in ipvsadm its <see cref="Protocol"/> is TCP, its
/// <see cref="Address"/> 0.0.0.0 and its <see cref="Port"/> 0, none of them meaningful.
/// </remarks>
public sealed class VirtualService
{
    /// <summary>ipvsadm's persistence timeout when <c>-p</c> is given without a value, in seconds.</summary>
    public const int DefaultPersistenceTimeout = 300;

    /// <summary>The longest persistence timeout ipvsadm accepts: 31 days, in seconds.</summary>
    public const int MaxPersistenceTimeout = 86400 * 31;

    private readonly int? _persistenceTimeout;
    private readonly int _persistencePrefixLength = 128;

    /// <summary>Creates an address (<c>-t</c> or <c>-u</c>) virtual service.</summary>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="address">The virtual IP (VIP).</param>
    /// <param name="port">The virtual port (0 only for a persistent service: all ports).</param>
    /// <param name="scheduler">The scheduler name, e.g. <c>rr</c>.</param>
    /// <param name="realServers">The real servers in order.</param>
    /// <exception cref="ArgumentException">The scheduler is empty.</exception>
    public VirtualService(
        ServiceProtocol protocol,
        IpAddress address,
        ushort port,
        string scheduler,
        IEnumerable<RealServer> realServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduler);
        ArgumentNullException.ThrowIfNull(realServers);
        Protocol = protocol;
        Address = address;
        Port = port;
        Scheduler = scheduler;
        RealServers = new ReadOnlyCollection<RealServer>(realServers.ToArray());
    }

    /// <summary>Creates a firewall-mark (<c>-f</c>) virtual service.</summary>
    /// <param name="firewallMark">The mark, 1..2^32-1.</param>
    /// <param name="scheduler">The scheduler name, e.g. <c>rr</c>.</param>
    /// <param name="realServers">The real servers in order.</param>
    /// <exception cref="ArgumentOutOfRangeException">The mark is 0.</exception>
    /// <exception cref="ArgumentException">The scheduler is empty.</exception>
    public VirtualService(uint firewallMark, string scheduler, IEnumerable<RealServer> realServers)
        : this(ServiceProtocol.Tcp, Ipv4Address.Any, 0, scheduler, realServers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(firewallMark);
        FirewallMark = firewallMark;
    }

    /// <summary>TCP or UDP; TCP (and meaningless) for a firewall-mark service.</summary>
    public ServiceProtocol Protocol { get; }

    /// <summary>The virtual IP (VIP), IPv4 or IPv6; 0.0.0.0 for a firewall-mark service.</summary>
    public IpAddress Address { get; }

    /// <summary>True for an IPv6 service (<c>-t [2001:db8::1]:80</c>).</summary>
    public bool IsIpv6 => Address.IsIpv6;

    /// <summary>The virtual port; 0 for a firewall-mark service or a persistent all-ports service.</summary>
    public ushort Port { get; }

    /// <summary>The scheduler name, e.g. <c>rr</c> or <c>wrr</c> (ipvsadm's default is <c>wlc</c>).</summary>
    public string Scheduler { get; }

    /// <summary>The real servers in the order they were added.</summary>
    public IReadOnlyList<RealServer> RealServers { get; }

    /// <summary>The firewall mark of a <c>-f</c> service (1..2^32-1), or null for a <c>-t</c>/<c>-u</c> service.</summary>
    public uint? FirewallMark { get; }

    /// <summary>True for a <c>-f</c> (firewall-mark) service.</summary>
    public bool IsFirewallMark => FirewallMark is not null;

    /// <summary>
    /// Persistence timeout in seconds (<c>-p</c>, <c>--persistent</c>): 1 to
    /// <see cref="MaxPersistenceTimeout"/>; null when the service is not persistent.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..<see cref="MaxPersistenceTimeout"/>.</exception>
    public int? PersistenceTimeout
    {
        get => _persistenceTimeout;
        init
        {
            if (value is { } seconds)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1, nameof(value));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, MaxPersistenceTimeout, nameof(value));
            }

            _persistenceTimeout = value;
        }
    }

    /// <summary>True when <see cref="PersistenceTimeout"/> is set.</summary>
    public bool IsPersistent => PersistenceTimeout is not null;

    /// <summary>
    /// Persistence granularity (<c>-M</c>, <c>--netmask</c>): clients whose addresses are equal under
    /// this mask stick to the same real server. 255.255.255.255 (the default) means per client.
    /// Only meaningful for a persistent service.
    /// </summary>
    public Ipv4Address PersistenceNetmask { get; init; } = Ipv4Address.Broadcast;

    /// <summary>
    /// Persistence granularity of an IPv6 service (ipvsadm's <c>-M</c> is a prefix length for
    /// IPv6): clients whose first bits are equal stick to the same real server. 128 (the
    /// default) means per client. Only meaningful for a persistent IPv6 service.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..128.</exception>
    public int PersistencePrefixLength
    {
        get => _persistencePrefixLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(value));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 128, nameof(value));
            _persistencePrefixLength = value;
        }
    }

    /// <summary>One-packet scheduling (<c>-o</c>, <c>--ops</c>): every UDP datagram is scheduled on its own.</summary>
    public bool OnePacket { get; init; }

    /// <summary>Scheduler flags (<c>-b</c>, <c>--sched-flags</c>).</summary>
    public SchedulerFlags SchedulerFlags { get; init; }

    /// <summary>The service as ipvsadm names it, e.g. <c>-t 10.0.0.100:80</c> or <c>-f 7</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        FirewallMark is { } mark
            ? $"-f {mark}"
            : $"{(Protocol == ServiceProtocol.Tcp ? "-t" : "-u")} {Address.ToString(Port)}";

    /// <summary>The same service (kind, address or mark, scheduler, flags, persistence) with other real servers.</summary>
    /// <param name="realServers">The real servers in order.</param>
    /// <returns>The copy.</returns>
    public VirtualService WithRealServers(IEnumerable<RealServer> realServers) =>
        FirewallMark is { } mark
            ? new VirtualService(mark, Scheduler, realServers)
            {
                PersistenceTimeout = PersistenceTimeout,
                PersistenceNetmask = PersistenceNetmask,
                OnePacket = OnePacket,
                SchedulerFlags = SchedulerFlags,
            }
            : new VirtualService(Protocol, Address, Port, Scheduler, realServers)
            {
                PersistenceTimeout = PersistenceTimeout,
                PersistenceNetmask = PersistenceNetmask,
                PersistencePrefixLength = PersistencePrefixLength,
                OnePacket = OnePacket,
                SchedulerFlags = SchedulerFlags,
            };
}
