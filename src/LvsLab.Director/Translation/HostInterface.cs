using System.Globalization;
using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>One of the host's network interfaces as a rules translator sees it: its name, MAC, IPv4 subnet and, when it has one, its IPv6 subnet.</summary>
/// <param name="Name">The interface's name, e.g. <c>eth0</c>.</param>
/// <param name="Mac">Its MAC address.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="PrefixLength">The length of its subnet's prefix.</param>
public sealed record HostInterface(string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength)
{
    private readonly int _prefixLength6 = 64;

    /// <summary>
    /// Its own IPv6 address (unique-local or global, never link-local), or null when the
    /// interface carries no IPv6: then no IPv6 address is on its link.
    /// </summary>
    public Ipv6Address? Address6 { get; init; }

    /// <summary>The length of its IPv6 subnet's prefix, 1..128; 64 unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..128.</exception>
    public int PrefixLength6
    {
        get => _prefixLength6;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(value));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 128, nameof(value));
            _prefixLength6 = value;
        }
    }

    /// <summary>Whether <paramref name="address"/> is on this interface's subnet.</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <returns><see langword="true"/> when it is on the link.</returns>
    public bool IsOnLink(Ipv4Address address)
    {
        uint mask = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
        return (address.Value & mask) == (Address.Value & mask);
    }

    /// <summary>Whether <paramref name="address"/> is on this interface's IPv6 subnet.</summary>
    /// <param name="address">An IPv6 address.</param>
    /// <returns><see langword="true"/> when the interface has an IPv6 address and <paramref name="address"/> shares its first <see cref="PrefixLength6"/> bits.</returns>
    public bool IsOnLink(Ipv6Address address) => Address6 is { } own && address.IsInSubnet(own, PrefixLength6);

    /// <summary>The interface as a reason about IPv6 names it: <c>eth0 fd00::3/64</c>, or <c>eth0 without IPv6</c>.</summary>
    /// <returns>Name, IPv6 address and prefix length.</returns>
    public string ToIpv6String() => Address6 is { } own
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} {own}/{PrefixLength6}")
        : $"{Name} without IPv6";

    /// <summary>The interface as a reason names it: <c>eth0 10.0.0.3/24</c>.</summary>
    /// <returns>Name, address and prefix length.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Address}/{PrefixLength}");
}
