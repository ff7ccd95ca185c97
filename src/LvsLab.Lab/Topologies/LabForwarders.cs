using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The forwarders by name, and the one the suite runs against (<see cref="EnvironmentVariable"/>).
/// What a forwarder is and claims lives in its <see cref="ForwarderDescription"/>
/// (<see cref="ForwarderCatalog"/> resolves names, files and <c>image:NAME:TAG</c>).
/// </summary>
public static class LabForwarders
{
    /// <summary>The C# director (<c>lvs-director</c>), the reference.</summary>
    public const string LvsLab = "lvslab";

    /// <summary>The C# director with its libpcap frame I/O (<c>LVS_IO=pcap</c>): the baseline the fast path is measured against.</summary>
    public const string LvsLabPcap = "lvslab-pcap";

    /// <summary>The kernel through nftables (DR and NAT): the kernel peer that runs on any kernel with nftables.</summary>
    public const string Nftables = "nftables";

    /// <summary>Kernel IPVS (<c>ipvsadm -R</c>), where the host kernel has <c>ip_vs</c>.</summary>
    public const string Ipvs = "ipvs";

    /// <summary>An XDP program in the kernel (DR only, hash scheduling): Katran's approach.</summary>
    public const string Xdp = "xdp";

    /// <summary>The environment variable that chooses the forwarder for the suite.</summary>
    public const string EnvironmentVariable = "LVSLAB_FORWARDER";

    /// <summary>The forwarder <see cref="EnvironmentVariable"/> names, or <see cref="LvsLab"/>.</summary>
    /// <returns>What to resolve with <see cref="ForwarderCatalog.Resolve"/>.</returns>
    public static string FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } chosen ? chosen : LvsLab;

    /// <summary>True when the forwarder offers lvs-director's control socket (its counters and run-time rules).</summary>
    /// <param name="forwarder">A forwarder as the user names it.</param>
    /// <returns>True when its description claims <see cref="ForwarderCapabilities.LvsDirectorControl"/>.</returns>
    public static bool IsLvsDirector(string forwarder) =>
        ForwarderCatalog.Resolve(forwarder).Claims(ForwarderCapabilities.LvsDirectorControl);

    /// <summary>Puts <paramref name="forwarder"/> in the topology's director nodes.</summary>
    /// <param name="topology">The topology.</param>
    /// <param name="forwarder">A forwarder as the user names it (see <see cref="ForwarderCatalog.Resolve"/>).</param>
    /// <returns>The topology with that forwarder.</returns>
    /// <exception cref="ArgumentException">An unknown forwarder, or one that does not claim the lab's mode.</exception>
    public static LabTopology Apply(LabTopology topology, string forwarder) =>
        ForwarderCatalog.Resolve(forwarder).ApplyTo(topology);

    /// <summary>
    /// Makes the topology's one director a VRRP pair (<see cref="DirectorPair"/>) and puts a
    /// forwarder in each: <paramref name="first"/> in director1 and <paramref name="second"/>
    /// (the same when null) in director2 — e.g. lvs-director beside nftables with keepalived.
    /// </summary>
    /// <param name="topology">A topology with one director.</param>
    /// <param name="first">director1's forwarder, as the user names it.</param>
    /// <param name="second">director2's forwarder, or null for the same.</param>
    /// <param name="options">The pair's VRRP settings; the defaults when null.</param>
    /// <returns>The topology with the pair.</returns>
    /// <exception cref="ArgumentException">A forwarder that is unknown, does not claim the lab's mode or does not speak VRRP; or a lab the pair cannot be made from.</exception>
    public static LabTopology ApplyPair(LabTopology topology, string first, string? second = null, DirectorPairOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        Speakers(first, second);
        return ApplyToPair(DirectorPair.Apply(topology, options), first, second);
    }

    /// <summary>True when the topology's directors are already a VRRP pair (a topology file's <c>directors: 2</c>).</summary>
    /// <param name="topology">A topology.</param>
    /// <returns>True when director1 and director2 are there with their VRRP parts.</returns>
    public static bool IsPair(LabTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var directors = topology.NodesWith(NodeRole.Director);
        return directors.Count == 2 && directors.All(d => d.Environment.ContainsKey("LVS_VRRP"));
    }

    /// <summary>Puts a forwarder in each director of a topology that already is a pair (<see cref="IsPair"/>).</summary>
    /// <param name="pair">The topology with director1 and director2.</param>
    /// <param name="first">director1's forwarder.</param>
    /// <param name="second">director2's forwarder, or null for the same.</param>
    /// <returns>The topology with the forwarders.</returns>
    /// <exception cref="ArgumentException">A forwarder that is unknown, does not claim the lab's mode or does not speak VRRP.</exception>
    public static LabTopology ApplyToPair(LabTopology pair, string first, string? second = null)
    {
        ArgumentNullException.ThrowIfNull(pair);
        foreach (var (node, forwarder) in Speakers(first, second))
        {
            pair = forwarder.ApplyTo(pair, node);
        }

        return pair;
    }

    // The pair's forwarders by node, each checked to speak VRRP.
    private static (string Node, ForwarderDescription Forwarder)[] Speakers(string first, string? second)
    {
        var forwarders = new[] { (DirectorPair.First, ForwarderCatalog.Resolve(first)), (DirectorPair.Second, ForwarderCatalog.Resolve(second ?? first)) };
        if (forwarders.FirstOrDefault(f => !f.Item2.Claims(ForwarderCapabilities.Vrrp)) is { Item2: { } silent })
        {
            var speakers = ForwarderCatalog.StockNames.Where(n => ForwarderCatalog.Resolve(n).Claims(ForwarderCapabilities.Vrrp));
            throw new ArgumentException($"a director pair speaks VRRP, which the forwarder '{silent.Name}' does not claim (the stock forwarders that do: {string.Join(", ", speakers)})");
        }

        return forwarders;
    }
}
