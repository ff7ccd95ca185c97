using LvsLab.Packets;

namespace LvsLab.Nft;

/// <summary>
/// The words nftables has for one IP family: <c>ip</c> or <c>ip6</c> (the payload protocol of a
/// match, the table family, the <c>dnat</c> family) and the address type of a set key
/// (<c>ipv4_addr</c> or <c>ipv6_addr</c>).
/// </summary>
/// <param name="Name">The protocol and table family: <c>ip</c> or <c>ip6</c>.</param>
/// <param name="AddressType">The set key type of an address: <c>ipv4_addr</c> or <c>ipv6_addr</c>.</param>
/// <param name="Label">The family as a reason names it: <c>IPv4</c> or <c>IPv6</c>.</param>
internal sealed record NftFamily(string Name, string AddressType, string Label)
{
    /// <summary>IPv4: <c>ip</c>, <c>ipv4_addr</c>.</summary>
    public static NftFamily Ipv4 { get; } = new("ip", "ipv4_addr", "IPv4");

    /// <summary>IPv6: <c>ip6</c>, <c>ipv6_addr</c>.</summary>
    public static NftFamily Ipv6 { get; } = new("ip6", "ipv6_addr", "IPv6");

    /// <summary>The family of an address.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <returns><see cref="Ipv4"/> or <see cref="Ipv6"/>.</returns>
    public static NftFamily Of(IpAddress address) => address.IsIpv4 ? Ipv4 : Ipv6;
}
