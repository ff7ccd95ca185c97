using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// One interface of the director: its MAC, its own IP and subnet, and optionally a default
/// gateway reachable on it. Port indices are positions in <see cref="DirectorOptions.Ports"/>.
/// </summary>
/// <param name="Name">The interface name, e.g. <c>eth0</c> (unique among the ports).</param>
/// <param name="Mac">The interface's MAC address (unicast).</param>
/// <param name="Address">The director's own IP on this interface (a DIP), the sender of its ARP requests here.</param>
/// <param name="PrefixLength">The subnet's prefix length, 0 to 32; 0 puts every address on-link.</param>
/// <param name="Gateway">A router on this port's link through which off-link destinations are reached, or null.</param>
public sealed record DirectorPort(string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength, Ipv4Address? Gateway = null)
{
    /// <summary>True when <paramref name="address"/> is on this port's subnet (on-link).</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when the first <see cref="PrefixLength"/> bits match <see cref="Address"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..32.</exception>
    public bool IsOnLink(Ipv4Address address) => address.IsInSubnet(Address, PrefixLength);
}
