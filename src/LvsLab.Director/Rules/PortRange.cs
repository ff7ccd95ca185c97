using System.Globalization;

namespace LvsLab.Director.Rules;

/// <summary>
/// An inclusive range of TCP or UDP ports, as iptables writes it: <c>80</c> or <c>8000:8080</c>.
/// </summary>
public readonly record struct PortRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="first">The lowest port, 1..65535.</param>
    /// <param name="last">The highest port, <paramref name="first"/>..65535.</param>
    /// <exception cref="ArgumentOutOfRangeException">A port is 0 or <paramref name="last"/> is below <paramref name="first"/>.</exception>
    public PortRange(ushort first, ushort last)
    {
        ArgumentOutOfRangeException.ThrowIfZero(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        First = first;
        Last = last;
    }

    /// <summary>Creates a range of one port.</summary>
    /// <param name="port">The port, 1..65535.</param>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0.</exception>
    public PortRange(ushort port)
        : this(port, port)
    {
    }

    /// <summary>The lowest port in the range (0 only for <c>default</c>, which no rule accepts).</summary>
    public ushort First { get; }

    /// <summary>The highest port in the range.</summary>
    public ushort Last { get; }

    /// <summary>True when the range is one port.</summary>
    public bool IsSinglePort => First == Last;

    /// <summary>True when <paramref name="port"/> lies in the range.</summary>
    /// <param name="port">A port.</param>
    /// <returns>True when <see cref="First"/> &lt;= port &lt;= <see cref="Last"/>.</returns>
    public bool Contains(ushort port) => port >= First && port <= Last;

    /// <summary>Formats as iptables does: <c>80</c> or <c>8000:8080</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsSinglePort
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}:{Last}");
}
