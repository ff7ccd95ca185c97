using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>One of the host's network interfaces as a rules translator sees it: its name, MAC and IPv4 subnet.</summary>
/// <param name="Name">The interface's name, e.g. <c>eth0</c>.</param>
/// <param name="Mac">Its MAC address.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="PrefixLength">The length of its subnet's prefix.</param>
public sealed record HostInterface(string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength)
{
    /// <summary>Whether <paramref name="address"/> is on this interface's subnet.</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <returns><see langword="true"/> when it is on the link.</returns>
    public bool IsOnLink(Ipv4Address address)
    {
        uint mask = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
        return (address.Value & mask) == (Address.Value & mask);
    }

    /// <summary>The interface as a reason names it: <c>eth0 10.0.0.3/24</c>.</summary>
    /// <returns>Name, address and prefix length.</returns>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name} {Address}/{PrefixLength}");
}
