using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>What a rules translator is given: the rules, where each was written, the host's interfaces and its ARP and IPv6 neighbour tables.</summary>
/// <param name="Rules">The parsed rules.</param>
/// <param name="Lines">Where in the file each service and real server was added, to name in reasons.</param>
/// <param name="Interfaces">The interfaces the forwarder runs on, in the order given.</param>
/// <param name="Neighbours">Real servers' MACs (the kernel's complete ARP entries).</param>
public sealed record TranslationInput(
    RuleSet Rules,
    RuleLines Lines,
    IReadOnlyList<HostInterface> Interfaces,
    IReadOnlyDictionary<Ipv4Address, MacAddress> Neighbours)
{
    /// <summary>IPv6 real servers' MACs (the kernel's valid IPv6 neighbour entries, see <see cref="KernelIpv6NeighbourTable"/>); none unless given.</summary>
    public IReadOnlyDictionary<Ipv6Address, MacAddress> Neighbours6 { get; init; } = new Dictionary<Ipv6Address, MacAddress>();
}
