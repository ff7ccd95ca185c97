using LvsLab.Packets;

namespace LvsLab.Director.Interfaces;

/// <summary>An interface as the data path reads it: its addresses and subnet masks precomputed.</summary>
/// <param name="Mac">The interface's MAC.</param>
/// <param name="Address">Its own IPv4 address.</param>
/// <param name="Network">Its IPv4 subnet's network bits.</param>
/// <param name="Mask">Its IPv4 subnet mask.</param>
/// <param name="HasGateway">True when an IPv4 gateway is on this link.</param>
/// <param name="Gateway">The IPv4 gateway, when <paramref name="HasGateway"/>.</param>
/// <param name="Mtu">The interface's MTU.</param>
internal readonly record struct InterfaceRuntime(
    MacAddress Mac,
    Ipv4Address Address,
    uint Network,
    uint Mask,
    bool HasGateway,
    Ipv4Address Gateway,
    int Mtu)
{
    /// <summary>True when the interface has an IPv6 address.</summary>
    public bool HasIpv6 { get; init; }

    /// <summary>Its own IPv6 address, when <see cref="HasIpv6"/>.</summary>
    public Ipv6Address Address6 { get; init; }

    /// <summary>Its IPv6 subnet's prefix length.</summary>
    public int PrefixLength6 { get; init; }

    /// <summary>True when an IPv6 gateway is on this link.</summary>
    public bool HasGateway6 { get; init; }

    /// <summary>The IPv6 gateway, when <see cref="HasGateway6"/>.</summary>
    public Ipv6Address Gateway6 { get; init; }

    /// <summary>The runtime view of an interface.</summary>
    /// <param name="nic">The interface.</param>
    /// <returns>The view.</returns>
    public static InterfaceRuntime From(DirectorInterface nic)
    {
        uint mask = nic.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - nic.PrefixLength);
        return new InterfaceRuntime(
            nic.Mac,
            nic.Address,
            nic.Address.Value & mask,
            mask,
            nic.Gateway.HasValue,
            nic.Gateway.GetValueOrDefault(),
            nic.Mtu)
        {
            HasIpv6 = nic.Address6.HasValue,
            Address6 = nic.Address6.GetValueOrDefault(),
            PrefixLength6 = nic.PrefixLength6,
            HasGateway6 = nic.Gateway6.HasValue,
            Gateway6 = nic.Gateway6.GetValueOrDefault(),
        };
    }

    /// <summary>True when the IPv4 address is on this interface's subnet.</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when on-link.</returns>
    public bool IsOnLink(Ipv4Address address) => (address.Value & Mask) == Network;

    /// <summary>True when the IPv6 address is on this interface's IPv6 subnet.</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when on-link.</returns>
    public bool IsOnLink(Ipv6Address address) => HasIpv6 && address.IsInSubnet(Address6, PrefixLength6);

    /// <summary>The subnet's broadcast address; /31 and /32 have none (RFC 3021).</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when it is the directed broadcast.</returns>
    public bool IsDirectedBroadcast(Ipv4Address address) => Mask < 0xFFFF_FFFEu && address.Value == (Network | ~Mask);
}
