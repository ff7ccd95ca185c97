using LvsLab.Packets;

namespace LvsLab.Director.Interfaces;

/// <summary>An interface as the engine uses it: addresses and the subnet as masks, precomputed.</summary>
/// <param name="Mac">The interface's MAC.</param>
/// <param name="Address">The interface's own IP.</param>
/// <param name="Network">The subnet's network bits (the address masked).</param>
/// <param name="Mask">The subnet mask (0 for prefix length 0).</param>
/// <param name="HasGateway">True when the interface has a gateway.</param>
/// <param name="Gateway">The gateway when <paramref name="HasGateway"/> is true.</param>
/// <param name="Mtu">The largest IPv4 packet the interface sends.</param>
internal readonly record struct InterfaceRuntime(
    MacAddress Mac,
    Ipv4Address Address,
    uint Network,
    uint Mask,
    bool HasGateway,
    Ipv4Address Gateway,
    int Mtu)
{
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
            nic.Mtu);
    }

    public bool IsOnLink(Ipv4Address address) => (address.Value & Mask) == Network;

    // The subnet's broadcast address; /31 and /32 have none (RFC 3021).
    public bool IsDirectedBroadcast(Ipv4Address address) => Mask < 0xFFFF_FFFEu && address.Value == (Network | ~Mask);
}
