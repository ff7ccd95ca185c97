using LvsLab.Lab.Model;

namespace LvsLab.Lab.Forwarders;

/// <summary>
/// A forwarder as the lab runs it and as conformance judges it: its image and environment, the
/// modes, schedulers and capabilities it claims, and how it says it is ready. Parsed once from a
/// <c>*.forwarder.yml</c> file (<see cref="ForwarderFile"/>), a stock name or <c>image:NAME:TAG</c>
/// (<see cref="ForwarderCatalog"/>).
/// </summary>
public sealed record ForwarderDescription
{
    /// <summary>Its name in reports, e.g. <c>lvslab</c> or <c>myorg/lb:1.2</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The image of the director node (in the local Docker engine).</summary>
    public required string Image { get; init; }

    /// <summary>The lab modes it claims: <c>dr</c>, <c>nat</c>, <c>tun</c>.</summary>
    public required IReadOnlySet<string> Modes { get; init; }

    /// <summary>The ipvsadm schedulers it honours.</summary>
    public IReadOnlySet<string> Schedulers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What else it claims (<see cref="ForwarderCapabilities"/>).</summary>
    public IReadOnlySet<string> Capabilities { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Linux capabilities the director node needs beyond the lab's own (<c>NET_ADMIN</c>,
    /// <c>NET_RAW</c>), as Docker names them: e.g. <c>SYS_ADMIN</c> to load a BPF program.
    /// </summary>
    public IReadOnlyList<string> LinuxCapabilities { get; init; } = [];

    /// <summary>Environment for its process, added to the node's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Kernel settings of the director node, added to (and overriding) the lab's.</summary>
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What the host must have for it to run.</summary>
    public IReadOnlyList<HostRequirement> Requirements { get; init; } = [];

    /// <summary>How it says it is ready.</summary>
    public required NodeReadiness Readiness { get; init; }

    /// <summary>Where the description came from: <c>stock</c>, <c>default contract</c> or a file's path.</summary>
    public string Source { get; init; } = "stock";

    /// <summary>Whether it claims the mode.</summary>
    /// <param name="mode">dr, nat or tun.</param>
    /// <returns>True when claimed.</returns>
    public bool Supports(string mode) => Modes.Contains(mode);

    /// <summary>Whether it claims the capability.</summary>
    /// <param name="capability">One of <see cref="ForwarderCapabilities"/>.</param>
    /// <returns>True when claimed.</returns>
    public bool Claims(string capability) => Capabilities.Contains(capability);

    /// <summary>Whether it honours the scheduler.</summary>
    /// <param name="scheduler">An ipvsadm scheduler name.</param>
    /// <returns>True when claimed.</returns>
    public bool Schedules(string scheduler) => Schedulers.Contains(scheduler);

    /// <summary>Why it cannot run on this host (a requirement missing), or null.</summary>
    /// <param name="exists">Whether a host path exists (File.Exists or Directory.Exists by default).</param>
    /// <returns>The reason, or null.</returns>
    public string? UnavailableReason(Func<string, bool>? exists = null)
    {
        exists ??= path => System.IO.File.Exists(path) || Directory.Exists(path);
        return Requirements.FirstOrDefault(r => !exists(r.Path)) is { } missing
            ? $"{missing.Reason}: the forwarder '{Name}' cannot run here"
            : null;
    }

    /// <summary>Puts this forwarder in the topology's director nodes: image, environment, kernel settings, Linux capabilities and readiness.</summary>
    /// <param name="topology">A lab topology.</param>
    /// <param name="node">Only this director node (one of a pair), or every director when null.</param>
    /// <returns>The topology with this forwarder.</returns>
    /// <exception cref="ArgumentException">The forwarder does not claim the lab's mode.</exception>
    public LabTopology ApplyTo(LabTopology topology, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (!Supports(topology.Mode) && topology.NodesWith(NodeRole.Director).Count > 0)
        {
            throw new ArgumentException($"the forwarder '{Name}' does {string.Join(" and ", ForwarderCapabilities.Modes.Where(Supports).Select(m => m.ToUpperInvariant()))}, not {topology.Mode} (lab '{topology.Name}')", nameof(topology));
        }

        return topology with
        {
            Nodes = [.. topology.Nodes.Select(n => n.Role != NodeRole.Director || (node is not null && n.Name != node) ? n : n with
            {
                Image = Image,
                Environment = Merge(n.Environment, Environment),
                Sysctls = Merge(n.Sysctls, topology.IsDualStack ? WithIpv6Forwarding(Sysctls) : Sysctls),
                Capabilities = [.. n.Capabilities.Union(LinuxCapabilities, StringComparer.Ordinal)],
                Readiness = Readiness,
            })],
        };
    }

    // In a dual-stack lab a forwarder that turns IPv4 forwarding on or off does the same for IPv6
    // (unless it says otherwise), as Ipv6Plan twins the lab's own nodes.
    private static IReadOnlyDictionary<string, string> WithIpv6Forwarding(IReadOnlyDictionary<string, string> sysctls)
    {
        const string Ipv4Forward = "net.ipv4.ip_forward";
        const string Ipv6Forward = "net.ipv6.conf.all.forwarding";
        if (!sysctls.TryGetValue(Ipv4Forward, out var forward) || sysctls.ContainsKey(Ipv6Forward))
        {
            return sysctls;
        }

        return new Dictionary<string, string>(sysctls, StringComparer.Ordinal) { [Ipv6Forward] = forward };
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(first, StringComparer.Ordinal);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged;
    }
}
