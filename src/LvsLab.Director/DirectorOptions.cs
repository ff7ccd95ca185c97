using System.Collections.ObjectModel;
using LvsLab.Director.Connections;
using LvsLab.Director.Neighbours;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>The director's interfaces (ports), and tunables.</summary>
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
        : this([new DirectorPort("eth0", mac, address, 0)])
    {
    }

    /// <summary>A director with one or more interfaces.</summary>
    /// <param name="ports">The interfaces; the index of each is its port number in the engine.</param>
    /// <exception cref="ArgumentException">
    /// No port; a port with an empty name, a multicast or zero MAC, a prefix length outside
    /// 0..32 or an MTU outside 68..65535; two ports with the same name.
    /// </exception>
    public DirectorOptions(IEnumerable<DirectorPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        DirectorPort[] list = ports.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("the director needs at least one port", nameof(ports));
        }

        for (int i = 0; i < list.Length; i++)
        {
            DirectorPort port = list[i] ?? throw new ArgumentException($"port {i} is null", nameof(ports));
            if (string.IsNullOrWhiteSpace(port.Name))
            {
                throw new ArgumentException($"port {i} has no name", nameof(ports));
            }

            if (port.Mac.IsMulticast || port.Mac == MacAddress.Zero)
            {
                throw new ArgumentException($"the MAC {port.Mac} of port '{port.Name}' must be a unicast address", nameof(ports));
            }

            if (port.PrefixLength is < 0 or > 32)
            {
                throw new ArgumentException($"the prefix length {port.PrefixLength} of port '{port.Name}' is outside 0..32", nameof(ports));
            }

            if (port.Mtu is < DirectorPort.MinMtu or > DirectorPort.MaxMtu)
            {
                throw new ArgumentException(
                    $"the MTU {port.Mtu} of port '{port.Name}' is outside {DirectorPort.MinMtu}..{DirectorPort.MaxMtu}", nameof(ports));
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(list[j].Name, port.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"two ports are named '{port.Name}'", nameof(ports));
                }
            }
        }

        Ports = new ReadOnlyCollection<DirectorPort>(list);
    }

    /// <summary>The director's interfaces, at least one; a port number is an index in this list.</summary>
    public IReadOnlyList<DirectorPort> Ports { get; }

    /// <summary>The MAC address of port 0.</summary>
    public MacAddress Mac => Ports[0].Mac;

    /// <summary>The own IP (DIP) of port 0.</summary>
    public Ipv4Address Address => Ports[0].Address;

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

    /// <summary>Connection timeouts; <see cref="ConnectionTimeouts.Default"/> unless set.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;

    /// <summary>
    /// As the <c>net.ipv4.vs.expire_quiescent_template</c> sysctl: when true, a persistence
    /// template whose real server has weight 0 is dropped at the next new connection, so its
    /// clients are scheduled afresh. False (the kernel's default) keeps persistent clients on a
    /// drained server until their template expires.
    /// </summary>
    public bool ExpireQuiescentTemplate { get; init; }

    /// <summary>Equal when the ports (in order), the neighbour capacity, the timeouts, the template option and the connection capacity are equal.</summary>
    /// <param name="other">The other options.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(DirectorOptions? other) =>
        other is not null
        && Ports.SequenceEqual(other.Ports)
        && NeighbourCapacity == other.NeighbourCapacity
        && Timeouts == other.Timeouts
        && ExpireQuiescentTemplate == other.ExpireQuiescentTemplate
        && ConnectionCapacity == other.ConnectionCapacity;

    /// <summary>A hash of the ports, the neighbour capacity and the timeouts.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (DirectorPort port in Ports)
        {
            hash.Add(port);
        }

        hash.Add(NeighbourCapacity);
        hash.Add(Timeouts);
        hash.Add(ExpireQuiescentTemplate);
        hash.Add(ConnectionCapacity);
        return hash.ToHashCode();
    }
}
