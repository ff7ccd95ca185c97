using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// One line of a marks file: which packets arriving at the director get which firewall mark, as
/// <c>iptables -t mangle -A PREROUTING -d 192.168.1.110/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1</c>
/// says. A packet matches when its destination is in <see cref="Destination"/>/<see cref="PrefixLength"/>,
/// its protocol is <see cref="Protocol"/> (any when null) and its destination port is in one of
/// <see cref="DestinationPorts"/> (any when empty).
/// </summary>
/// <remarks>
/// Two rules are equal when they match the same packets the same way and set the same mark; the
/// <see cref="LineNumber"/> they came from does not count, so a rule equals the rule parsed back from
/// its <see cref="ToString"/>.
/// </remarks>
public sealed class FirewallMarkRule : IEquatable<FirewallMarkRule>
{
    /// <summary>
    /// The most ports one rule may list: iptables' multiport match takes 15, a range counting as two.
    /// </summary>
    public const int MaxPortSlots = 15;

    private readonly PortRange[] _ports;
    private readonly uint _mask;
    private readonly int _lineNumber;

    /// <summary>Creates a rule.</summary>
    /// <param name="destination">The destination network; its host bits are cleared, as iptables does.</param>
    /// <param name="prefixLength">0..32; 0 matches every destination.</param>
    /// <param name="protocol">TCP or UDP, or null for any protocol.</param>
    /// <param name="destinationPorts">The destination ports; empty for any port.</param>
    /// <param name="mark">The mark to set, 1..2^32-1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..32 or the mark is 0.</exception>
    /// <exception cref="ArgumentException">Ports without a protocol, a port range of <c>default</c>, or more than <see cref="MaxPortSlots"/> port slots.</exception>
    public FirewallMarkRule(
        Ipv4Address destination, int prefixLength, ServiceProtocol? protocol, IEnumerable<PortRange> destinationPorts, uint mark)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        ArgumentOutOfRangeException.ThrowIfZero(mark);
        ArgumentNullException.ThrowIfNull(destinationPorts);
        PortRange[] ports = destinationPorts.ToArray();
        if (ports.Length > 0 && protocol is null)
        {
            throw new ArgumentException("a port match needs a protocol (tcp or udp)", nameof(destinationPorts));
        }

        if (Array.Exists(ports, range => range.First == 0))
        {
            throw new ArgumentException("port 0 is not a destination port", nameof(destinationPorts));
        }

        if (ports.Length > 1 && PortSlots(ports) > MaxPortSlots)
        {
            throw new ArgumentException(
                $"too many ports: multiport takes at most {MaxPortSlots} (a range counts as two)", nameof(destinationPorts));
        }

        _mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        _ports = ports;
        Destination = new Ipv4Address(destination.Value & _mask);
        PrefixLength = prefixLength;
        Protocol = protocol;
        DestinationPorts = new ReadOnlyCollection<PortRange>(ports);
        Mark = mark;
    }

    /// <summary>The destination network (host bits clear); 0.0.0.0 with prefix 0 for any destination.</summary>
    public Ipv4Address Destination { get; }

    /// <summary>The destination prefix length, 0..32.</summary>
    public int PrefixLength { get; }

    /// <summary>TCP or UDP, or null for any protocol.</summary>
    public ServiceProtocol? Protocol { get; }

    /// <summary>The destination ports in the order written; empty for any port.</summary>
    public IReadOnlyList<PortRange> DestinationPorts { get; }

    /// <summary>The mark the rule sets, 1..2^32-1.</summary>
    public uint Mark { get; }

    /// <summary>The 1-based line of the marks file the rule came from; 0 when it was not read from a file.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int LineNumber
    {
        get => _lineNumber;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _lineNumber = value;
        }
    }

    /// <summary>True when a packet with this protocol, destination and destination port matches. Allocates nothing.</summary>
    /// <param name="protocol">The packet's protocol.</param>
    /// <param name="destination">The packet's destination address.</param>
    /// <param name="destinationPort">The packet's destination port.</param>
    /// <returns>True when every match of the rule holds.</returns>
    public bool Matches(ServiceProtocol protocol, Ipv4Address destination, ushort destinationPort)
    {
        if ((destination.Value & _mask) != Destination.Value)
        {
            return false;
        }

        if (Protocol is { } wanted && wanted != protocol)
        {
            return false;
        }

        PortRange[] ports = _ports;
        if (ports.Length == 0)
        {
            return true;
        }

        for (int i = 0; i < ports.Length; i++)
        {
            if (ports[i].Contains(destinationPort))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Prints the rule in the canonical form of a marks file line, e.g.
    /// <c>iptables -t mangle -A PREROUTING -d 192.168.1.110/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1</c>:
    /// <c>-d</c> left out for 0.0.0.0/0, <c>-p</c> for any protocol, one port range as <c>--dport</c>,
    /// several as <c>-m multiport --dports</c>, and the mark in decimal.
    /// </summary>
    /// <returns>The text, which parses back to an equal rule.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("iptables -t mangle -A PREROUTING");
        if (PrefixLength > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" -d {Destination}/{PrefixLength}");
        }

        if (Protocol is { } protocol)
        {
            text.Append(" -p ").Append(protocol == ServiceProtocol.Tcp ? "tcp" : "udp");
        }

        if (_ports.Length == 1)
        {
            text.Append(" --dport ").Append(_ports[0].ToString());
        }
        else if (_ports.Length > 1)
        {
            text.Append(" -m multiport --dports ").AppendJoin(',', _ports);
        }

        text.Append(CultureInfo.InvariantCulture, $" -j MARK --set-mark {Mark}");
        return text.ToString();
    }

    /// <summary>True when both rules match the same packets the same way and set the same mark.</summary>
    /// <param name="other">The other rule.</param>
    /// <returns>True when equal (the line number does not count).</returns>
    public bool Equals(FirewallMarkRule? other) =>
        other is not null
        && Destination == other.Destination
        && PrefixLength == other.PrefixLength
        && Protocol == other.Protocol
        && Mark == other.Mark
        && _ports.AsSpan().SequenceEqual(other._ports);

    /// <summary>True when <paramref name="obj"/> is an equal rule.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns>True when equal.</returns>
    public override bool Equals(object? obj) => Equals(obj as FirewallMarkRule);

    /// <summary>A hash of what <see cref="Equals(FirewallMarkRule)"/> compares.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Destination);
        hash.Add(PrefixLength);
        hash.Add(Protocol);
        hash.Add(Mark);
        foreach (PortRange range in _ports)
        {
            hash.Add(range);
        }

        return hash.ToHashCode();
    }

    /// <summary>How many of multiport's slots the ranges take: one per port, two per range.</summary>
    /// <param name="ports">The ranges.</param>
    /// <returns>The slot count.</returns>
    internal static int PortSlots(ReadOnlySpan<PortRange> ports)
    {
        int slots = 0;
        foreach (PortRange range in ports)
        {
            slots += range.IsSinglePort ? 1 : 2;
        }

        return slots;
    }
}
