using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// One interface of the director: its MAC, its own IP and subnet, and optionally a default
/// gateway reachable on it. Port indices are positions in <see cref="DirectorOptions.Interfaces"/>.
/// </summary>
/// <param name="Name">The interface name, e.g. <c>eth0</c> (unique among the ports).</param>
/// <param name="Mac">The interface's MAC address (unicast).</param>
/// <param name="Address">The director's own IP on this interface (a DIP), the sender of its ARP requests here.</param>
/// <param name="PrefixLength">The subnet's prefix length, 0 to 32; 0 puts every address on-link.</param>
/// <param name="Gateway">A router on this interface's link through which off-link destinations are reached, or null.</param>
public sealed record DirectorInterface(string Name, MacAddress Mac, Ipv4Address Address, int PrefixLength, Ipv4Address? Gateway = null)
{
    /// <summary>The MTU of an Ethernet interface unless set: 1500.</summary>
    public const int DefaultMtu = 1500;

    /// <summary>The smallest MTU accepted: 68, the minimum every IPv4 link must carry (RFC 791).</summary>
    public const int MinMtu = 68;

    /// <summary>The largest MTU accepted: 65535, the largest IPv4 packet.</summary>
    public const int MaxMtu = 65535;

    /// <summary>
    /// The largest IPv4 packet (header included) this interface sends, <see cref="MinMtu"/> to
    /// <see cref="MaxMtu"/>; <see cref="DefaultMtu"/> unless set. A tunnelled packet
    /// (<c>-i</c>) is 20 bytes longer than the client's: one that no longer fits is answered
    /// with ICMP "fragmentation needed" (DF set) or dropped (DF clear), as IPVS does for the
    /// first and unlike IPVS (which fragments) for the second. Checked by
    /// <see cref="DirectorOptions"/>.
    /// </summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>True when <paramref name="address"/> is on this interface's subnet (on-link).</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when the first <see cref="PrefixLength"/> bits match <see cref="Address"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..32.</exception>
    public bool IsOnLink(Ipv4Address address) => address.IsInSubnet(Address, PrefixLength);

    /// <summary>
    /// The director's own IPv6 address on this interface (unique-local or global; never
    /// link-local), the sender of its neighbour solicitations and the source of its tunnels to
    /// IPv6 real servers; null when the interface carries no IPv6 (every IPv6 frame on it is then
    /// left alone).
    /// </summary>
    public Ipv6Address? Address6 { get; init; }

    /// <summary>The IPv6 subnet's prefix length, 1..128; 64 unless set.</summary>
    public int PrefixLength6 { get; init; } = 64;

    /// <summary>An IPv6 router on this interface's link for off-link IPv6 destinations, or null.</summary>
    public Ipv6Address? Gateway6 { get; init; }
}
