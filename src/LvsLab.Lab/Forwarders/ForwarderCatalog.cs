using System.Text.RegularExpressions;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Forwarders;

/// <summary>
/// Turns what a user names into a <see cref="ForwarderDescription"/>: a stock forwarder
/// (<c>lvslab</c>, <c>lvslab-pcap</c>, <c>nftables</c>, <c>ipvs</c>, <c>xdp</c>: the files in
/// <c>forwarders/</c>), the C# director with settings (<c>lvslab:LVS_NAME=VALUE,…</c>), a
/// description file (<c>path/to/lb.forwarder.yml</c>), or an image that follows the default
/// contract (<c>image:NAME:TAG</c>).
/// </summary>
public static partial class ForwarderCatalog
{
    /// <summary>The prefix of the C# director with its own settings.</summary>
    public const string SettingsPrefix = "lvslab:";

    /// <summary>The prefix of a mutant: the C# director with a deliberate fault (<see cref="Mutants"/>).</summary>
    public const string MutantPrefix = "mutant:";

    /// <summary>The prefix of an image that follows the default contract.</summary>
    public const string ImagePrefix = "image:";

    /// <summary>
    /// The readiness of the default contract: a line that is <c>ready</c>, or <c>PROGRAM: ready</c>
    /// (so <c>lvs-director: ready</c> and <c>mylb: ready</c> both count).
    /// </summary>
    public const string DefaultReadyPattern = "^(\\S+: )?ready$";

    private static readonly Lazy<IReadOnlyDictionary<string, ForwarderDescription>> Stock = new(LoadStock);

    /// <summary>
    /// The mutants: lvs-director with one deliberate fault (its <c>--fault</c>), the cases that
    /// target it (a pattern for <c>lvslab conform --cases</c>), and what it breaks. Every MUST
    /// case targets at least one mutant, and each mutant must fail a case it targets.
    /// </summary>
    public static IReadOnlyList<(string Fault, string Cases, string Breaks)> Mutants { get; } =
    [
        ("arp-silent", "*-ARP-1", "answers no ARP request for the VIP"),
        ("dr-source-mac", "DR-FWD-1", "DR: keeps the router's source MAC on the forwarded frame"),
        ("ttl", "DR-FWD-1,TUN-ENC-1", "DR and TUN: decrements the forwarded packet's TTL like a router"),
        ("nat-checksum", "NAT-FWD-1", "NAT: leaves the old checksums on the rewritten request"),
        ("nat-reply-unmapped", "NAT-RET-1,NAT-VIP-1,NAT-UDP-1", "NAT: passes replies on from RIP:RPORT without rewriting them to VIP:VPORT"),
        ("first-server", "*-RR-1,DR-WRR-1", "schedules every connection to the first real server"),
        ("source-nat", "*-CLIENT-1,DR-RET-1,TUN-RET-1", "rewrites the client's address to the director's, so replies come back through it"),
        ("frag-silent", "TUN-FRAG-1", "TUN: drops a packet too big to wrap without ICMP fragmentation-needed (a path-MTU black hole)"),
        ("icmp-dropped", "NAT-ICMP-1", "drops ICMP errors about a connection instead of relaying them"),
        ("bad-checksum", "DR-BAD-1", "forwards a packet whose IPv4 header checksum is wrong"),
        ("no-affinity", "DR-SH-1,DR-PERSIST-1,DR-WRR-1", "ignores persistence and the scheduler: each new connection to the next real server in turn"),
    ];

    /// <summary>The stock forwarders' names, in order.</summary>
    public static IReadOnlyList<string> StockNames { get; } = ["lvslab", "lvslab-pcap", "nftables", "ipvs", "xdp"];

    /// <summary>The text of a stock forwarder's description file (to copy and adapt).</summary>
    /// <param name="name">A stock name.</param>
    /// <returns>The file's text.</returns>
    public static string StockText(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var stream = typeof(ForwarderCatalog).Assembly.GetManifestResourceStream($"LvsLab.Lab.Forwarders.{name}.forwarder.yml")
            ?? throw new ArgumentException($"no stock forwarder '{name}' (stock: {string.Join(", ", StockNames)})", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Resolves what the user named.</summary>
    /// <param name="spec">A stock name, <c>lvslab:LVS_NAME=VALUE,…</c>, a <c>*.forwarder.yml</c> path, or <c>image:NAME:TAG</c>.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentException">Nothing by that name, or a malformed setting.</exception>
    /// <exception cref="TopologyFiles.TopologyFileException">The description file has problems.</exception>
    public static ForwarderDescription Resolve(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Stock.Value.TryGetValue(spec, out var stock))
        {
            return stock;
        }

        if (spec.StartsWith(SettingsPrefix, StringComparison.Ordinal))
        {
            return WithSettings(spec);
        }

        if (spec.StartsWith(MutantPrefix, StringComparison.Ordinal))
        {
            var fault = spec[MutantPrefix.Length..];
            return Mutants.Any(m => m.Fault == fault)
                ? Stock.Value["lvslab"] with
                {
                    Name = spec,
                    Environment = new Dictionary<string, string>(Stock.Value["lvslab"].Environment, StringComparer.Ordinal) { ["LVS_FAULT"] = fault },
                    Source = "mutant",
                }
                : throw new ArgumentException($"unknown mutant '{fault}' (mutants: {string.Join(", ", Mutants.Select(m => m.Fault))})", nameof(spec));
        }

        if (spec.StartsWith(ImagePrefix, StringComparison.Ordinal) && spec.Length > ImagePrefix.Length)
        {
            return DefaultContract(spec[ImagePrefix.Length..]);
        }

        if (spec.EndsWith(".yml", StringComparison.Ordinal) || spec.EndsWith(".yaml", StringComparison.Ordinal) || spec.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(spec)
                ? ForwarderFile.Load(spec)
                : throw new ArgumentException($"forwarder description '{spec}' does not exist", nameof(spec));
        }

        throw new ArgumentException($"unknown forwarder '{spec}' (known: {string.Join(", ", StockNames)}, lvslab:LVS_NAME=VALUE,…, FILE.forwarder.yml, mutant:FAULT, or image:NAME:TAG)", nameof(spec));
    }

    /// <summary>
    /// An image under the default contract: it may do any mode (a mode it cannot do fails), round
    /// robin only, no further capability, forwarding on in the kernel, ready on a line
    /// matching <see cref="DefaultReadyPattern"/>.
    /// </summary>
    /// <param name="image">The image, NAME:TAG.</param>
    /// <returns>The description.</returns>
    public static ForwarderDescription DefaultContract(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        return new ForwarderDescription
        {
            Name = image,
            Image = image,
            Modes = new HashSet<string>(ForwarderCapabilities.Modes, StringComparer.Ordinal),
            Schedulers = new HashSet<string>(["rr"], StringComparer.Ordinal),
            Sysctls = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["net.ipv4.ip_forward"] = "1",
                ["net.netfilter.nf_conntrack_tcp_be_liberal"] = "1",
            },
            Readiness = NodeReadiness.LogLine(DefaultReadyPattern),
            Source = "default contract",
        };
    }

    // lvslab:LVS_WORKERS=2,LVS_BUSY_POLL=50: the C# director with settings of its image.
    private static ForwarderDescription WithSettings(string spec)
    {
        var settings = new Dictionary<string, string>(Stock.Value["lvslab"].Environment, StringComparer.Ordinal);
        foreach (var pair in spec[SettingsPrefix.Length..].Split(','))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !SettingName().IsMatch(parts[0]) || parts[1].Length == 0 || parts[1].Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"forwarder '{spec}': '{pair}' is not LVS_NAME=VALUE (e.g. lvslab:LVS_WORKERS=2)", nameof(spec));
            }

            settings[parts[0]] = parts[1];
        }

        return Stock.Value["lvslab"] with { Name = spec, Environment = settings };
    }

    private static Dictionary<string, ForwarderDescription> LoadStock() =>
        StockNames.ToDictionary(n => n, n => ForwarderFile.Parse(StockText(n), $"forwarders/{n}.forwarder.yml") with { Source = "stock" }, StringComparer.Ordinal);

    [GeneratedRegex("^LVS_[A-Z_]+$")]
    private static partial Regex SettingName();
}
