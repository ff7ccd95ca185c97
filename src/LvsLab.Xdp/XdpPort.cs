using LvsLab.Packets;

namespace LvsLab.Xdp;

/// <summary>The interface the XDP program is attached to: its name, address and prefix.</summary>
/// <param name="Name">The interface, e.g. <c>eth0</c>.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="PrefixLength">Its subnet's prefix length.</param>
public sealed record XdpPort(string Name, Ipv4Address Address, int PrefixLength)
{
    /// <summary>True when <paramref name="address"/> is on this interface's subnet.</summary>
    /// <param name="address">An address.</param>
    /// <returns>True when on-link.</returns>
    public bool IsOnLink(Ipv4Address address)
    {
        uint mask = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
        return (address.Value & mask) == (Address.Value & mask);
    }
}
