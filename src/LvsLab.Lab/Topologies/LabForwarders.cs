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
        var forwarders = new[] { (DirectorPair.First, ForwarderCatalog.Resolve(first)), (DirectorPair.Second, ForwarderCatalog.Resolve(second ?? first)) };
        if (forwarders.FirstOrDefault(f => !f.Item2.Claims(ForwarderCapabilities.Vrrp)) is { Item2: { } silent })
        {
            var speakers = ForwarderCatalog.StockNames.Where(n => ForwarderCatalog.Resolve(n).Claims(ForwarderCapabilities.Vrrp));
            throw new ArgumentException($"a director pair speaks VRRP, which the forwarder '{silent.Name}' does not claim (the stock forwarders that do: {string.Join(", ", speakers)})");
        }

        var pair = DirectorPair.Apply(topology, options);
        foreach (var (node, forwarder) in forwarders)
        {
            pair = forwarder.ApplyTo(pair, node);
        }

        return pair;
    }
}
