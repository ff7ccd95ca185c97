using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>A port as the engine uses it: addresses and the subnet as masks, precomputed.</summary>
/// <param name="Mac">The port's MAC.</param>
/// <param name="Address">The port's own IP.</param>
/// <param name="Network">The subnet's network bits (the address masked).</param>
/// <param name="Mask">The subnet mask (0 for prefix length 0).</param>
/// <param name="HasGateway">True when the port has a gateway.</param>
/// <param name="Gateway">The gateway when <paramref name="HasGateway"/> is true.</param>
/// <param name="Mtu">The largest IPv4 packet the port sends.</param>
internal readonly record struct PortRuntime(
    MacAddress Mac,
    Ipv4Address Address,
    uint Network,
    uint Mask,
    bool HasGateway,
    Ipv4Address Gateway,
    int Mtu)
{
    public static PortRuntime From(DirectorPort port)
    {
        uint mask = port.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - port.PrefixLength);
        return new PortRuntime(
            port.Mac,
            port.Address,
            port.Address.Value & mask,
            mask,
            port.Gateway.HasValue,
            port.Gateway.GetValueOrDefault(),
            port.Mtu);
    }

    public bool IsOnLink(Ipv4Address address) => (address.Value & Mask) == Network;

    // The subnet's broadcast address; /31 and /32 have none (RFC 3021).
    public bool IsDirectedBroadcast(Ipv4Address address) => Mask < 0xFFFF_FFFEu && address.Value == (Network | ~Mask);
}
