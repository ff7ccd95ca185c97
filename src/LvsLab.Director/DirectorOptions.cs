using System.Collections.ObjectModel;
using LvsLab.Director.Connections;
using LvsLab.Director.Neighbours;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>The director's interfaces, and tunables.</summary>
public sealed record DirectorOptions
{
    private readonly int _connectionCapacity = ConnectionTable.DefaultCapacity;

    /// <summary>Faults switched on (mutants for testing the tests); <see cref="DirectorFaults.None"/> for a correct director.</summary>
    public DirectorFaults Faults { get; init; }

    /// <summary>
    /// A director with one interface named <c>eth0</c> on which every address is on-link
    /// (prefix length 0): the single-link LVS-DR director.
    /// </summary>
    /// <param name="mac">The MAC address of the director's interface.</param>
    /// <param name="address">The director's own IP (DIP), the sender of its ARP requests.</param>
    /// <exception cref="ArgumentException">The MAC is multicast or zero.</exception>
    public DirectorOptions(MacAddress mac, Ipv4Address address)
        : this([new DirectorInterface("eth0", mac, address, 0)])
    {
    }

    /// <summary>A director with one or more interfaces.</summary>
    /// <param name="interfaces">The interfaces; the index of each is its interface index in the engine.</param>
    /// <exception cref="ArgumentException">
    /// No interface; an interface with an empty name, a multicast or zero MAC, a prefix length
    /// outside 0..32 or an MTU outside 68..65535; two interfaces with the same name.
    /// </exception>
    public DirectorOptions(IEnumerable<DirectorInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        DirectorInterface[] list = interfaces.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("the director needs at least one interface", nameof(interfaces));
        }

        for (int i = 0; i < list.Length; i++)
        {
            DirectorInterface nic = list[i] ?? throw new ArgumentException($"interface {i} is null", nameof(interfaces));
            if (string.IsNullOrWhiteSpace(nic.Name))
            {
                throw new ArgumentException($"interface {i} has no name", nameof(interfaces));
            }

            if (nic.Mac.IsMulticast || nic.Mac == MacAddress.Zero)
            {
                throw new ArgumentException($"the MAC {nic.Mac} of interface '{nic.Name}' must be a unicast address", nameof(interfaces));
            }

            if (nic.PrefixLength is < 0 or > 32)
            {
                throw new ArgumentException($"the prefix length {nic.PrefixLength} of interface '{nic.Name}' is outside 0..32", nameof(interfaces));
            }

            if (nic.Address6 is { } address6 && (address6.IsMulticast || address6.IsUnspecified || address6.IsLoopback || address6.IsLinkLocal || address6.IsIpv4Mapped))
            {
                throw new ArgumentException($"the IPv6 address {address6} of interface '{nic.Name}' must be a unicast, unique-local or global address", nameof(interfaces));
            }

            if (nic.PrefixLength6 is < 1 or > 128)
            {
                throw new ArgumentException($"the IPv6 prefix length {nic.PrefixLength6} of interface '{nic.Name}' is outside 1..128", nameof(interfaces));
            }

            if (nic.Mtu is < DirectorInterface.MinMtu or > DirectorInterface.MaxMtu)
            {
                throw new ArgumentException(
                    $"the MTU {nic.Mtu} of interface '{nic.Name}' is outside {DirectorInterface.MinMtu}..{DirectorInterface.MaxMtu}", nameof(interfaces));
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(list[j].Name, nic.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"two interfaces are named '{nic.Name}'", nameof(interfaces));
                }
            }
        }

        Interfaces = new ReadOnlyCollection<DirectorInterface>(list);
    }

    /// <summary>The director's interfaces, at least one; an interface index is a position in this list.</summary>
    public IReadOnlyList<DirectorInterface> Interfaces { get; }

    /// <summary>The MAC address of interface 0.</summary>
    public MacAddress Mac => Interfaces[0].Mac;

    /// <summary>The own IP (DIP) of interface 0.</summary>
    public Ipv4Address Address => Interfaces[0].Address;

    /// <summary>The most neighbours (IP to MAC) kept; <see cref="NeighbourTable.DefaultCapacity"/> unless set.</summary>
    public int NeighbourCapacity { get; init; } = NeighbourTable.DefaultCapacity;

    /// <summary>
    /// The most connections kept (<see cref="ConnectionTable.DefaultCapacity"/> unless set); a new
    /// one beyond it evicts the least recently used.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int ConnectionCapacity
    {
        get => _connectionCapacity;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _connectionCapacity = value;
        }
    }

    /// <summary>
    /// Which connection a full table gives up for a new one: the least recently used embryonic
    /// one first (<see cref="ConnectionEviction.EmbryonicFirst"/>, the default: a SYN flood
    /// cannot push established connections out), or the least recently used whatever its state.
    /// </summary>
    public ConnectionEviction ConnectionEviction { get; init; } = ConnectionEviction.EmbryonicFirst;

    /// <summary>Connection timeouts; <see cref="ConnectionTimeouts.Default"/> unless set.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;

    /// <summary>
    /// As the <c>net.ipv4.vs.expire_quiescent_template</c> sysctl: when true, a persistence
    /// template whose real server has weight 0 is dropped at the next new connection, so its
    /// clients are scheduled afresh. False (the kernel's default) keeps persistent clients on a
    /// drained server until their template expires.
    /// </summary>
    public bool ExpireQuiescentTemplate { get; init; }

    /// <summary>
    /// As the <c>net.ipv4.vs.sloppy_tcp</c> sysctl: when true, a TCP segment with no connection
    /// (other than a RST) is scheduled like a SYN and opens one, so a director that takes over
    /// without the old one's table still carries established connections on — to the same real
    /// server when the scheduler is a consistent hash (<c>mh</c>, <c>sh</c>). False (the
    /// kernel's default): only a bare SYN opens a connection; anything else is dropped.
    /// </summary>
    public bool SloppyTcp { get; init; }

    /// <summary>
    /// Addresses the director answers ARP for, on the interface whose subnet holds each, like a
    /// VIP that serves nothing: a VRRP pair's floating addresses besides the VIPs — in NAT the
    /// real servers' gateway, which must move with the VIP. Answered only while the director is
    /// not standing by (<see cref="DirectorEngine.Standby"/>). None by default.
    /// </summary>
    public IReadOnlyList<Ipv4Address> FloatingAddresses { get; init; } = [];

    /// <summary>Equal when the interfaces (in order), the neighbour capacity, the timeouts, the template and sloppy TCP options, the floating addresses, the connection capacity and eviction are equal.</summary>
    /// <param name="other">The other options.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(DirectorOptions? other) =>
        other is not null
        && Interfaces.SequenceEqual(other.Interfaces)
        && NeighbourCapacity == other.NeighbourCapacity
        && Timeouts == other.Timeouts
        && ExpireQuiescentTemplate == other.ExpireQuiescentTemplate
        && SloppyTcp == other.SloppyTcp
        && FloatingAddresses.SequenceEqual(other.FloatingAddresses)
        && ConnectionCapacity == other.ConnectionCapacity
        && ConnectionEviction == other.ConnectionEviction;

    /// <summary>A hash of the interfaces, the neighbour capacity and the timeouts.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (DirectorInterface nic in Interfaces)
        {
            hash.Add(nic);
        }

        hash.Add(NeighbourCapacity);
        hash.Add(Timeouts);
        hash.Add(ExpireQuiescentTemplate);
        hash.Add(SloppyTcp);
        hash.Add(ConnectionCapacity);
        hash.Add(ConnectionEviction);
        return hash.ToHashCode();
    }
}
