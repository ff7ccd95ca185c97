using LvsLab.Lab.Model;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The labs <c>lvslab up</c> knows by name: each is a topology file (<c>lab/KIND.lab.yml</c>,
/// embedded in this assembly) and, for tests that need variants, a C# builder that gives the
/// same topology with default options.
/// </summary>
public static class StockLabs
{
    /// <summary>The names of the stock labs.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dr", "nat", "tun", "seed"];

    /// <summary>Builds stock lab <paramref name="kind"/> (with the stock labs' health checks, <see cref="HealthCheck.LabDefault"/>).</summary>
    /// <param name="kind">A name from <see cref="Names"/>.</param>
    /// <param name="labName">The lab's name.</param>
    /// <param name="slot">Its address slot.</param>
    /// <param name="servers">How many real servers.</param>
    /// <param name="ipv6">Whether the lab is dual-stack (<see cref="Ipv6Plan.DualStack"/>).</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string kind, string labName, int slot, int servers = 3, bool ipv6 = false) => kind switch
    {
        "dr" => WithDirectorEnvironment(DrLab.Create(labName, slot, new DrLabOptions { Servers = servers, Ipv6 = ipv6 }), HealthCheck.LabDefault.Environment),
        "nat" => WithDirectorEnvironment(NatLab.Create(labName, slot, new NatLabOptions { Servers = servers, Ipv6 = ipv6 }), HealthCheck.LabDefault.Environment),
        "tun" => WithDirectorEnvironment(TunLab.Create(labName, slot, new TunLabOptions { Servers = servers, Ipv6 = ipv6 }), HealthCheck.LabDefault.Environment),
        "seed" => ipv6 ? Ipv6Plan.DualStack(SeedLab.Create(labName)) : SeedLab.Create(labName),
        _ => throw new ArgumentException($"unknown lab '{kind}' (known: {string.Join(", ", Names)})", nameof(kind)),
    };

    /// <summary>Loads stock lab <paramref name="kind"/> from its topology file (<c>lab/KIND.lab.yml</c>).</summary>
    /// <param name="kind">A name from <see cref="Names"/>.</param>
    /// <param name="labName">The lab's name; null keeps the file's (the kind).</param>
    /// <param name="slot">Its address slot.</param>
    /// <param name="servers">How many real servers; null keeps the file's count (ignored by the seed lab).</param>
    /// <param name="ipv6">Whether the lab is dual-stack (the file's <c>ipv6</c> replaced); null keeps the file's (IPv4 only in the stock files).</param>
    /// <returns>The topology.</returns>
    /// <exception cref="TopologyFileException">The lab name or server count is refused.</exception>
    public static LabTopology Load(string kind, string? labName, int slot, int? servers = null, bool? ipv6 = null) =>
        LabFile.Parse(FileText(kind), $"lab/{kind}.lab.yml", labName, slot, servers, ipv6);

    /// <summary>The text of stock lab <paramref name="kind"/>'s topology file, e.g. to copy and edit.</summary>
    /// <param name="kind">A name from <see cref="Names"/>.</param>
    /// <returns>The YAML text.</returns>
    public static string FileText(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        using var stream = Names.Contains(kind)
            ? typeof(StockLabs).Assembly.GetManifestResourceStream($"LvsLab.Lab.{kind}.lab.yml")
            : null;
        if (stream is null)
        {
            throw new ArgumentException($"unknown lab '{kind}' (known: {string.Join(", ", Names)})", nameof(kind));
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Adds a UDP virtual service on <paramref name="port"/> over every real server (rr, the
    /// lab's forwarding method, the same port) to the director's rules: the packet-rate service
    /// of <c>lvslab bench</c> and of the fast-path scenarios.
    /// </summary>
    /// <param name="topology">A dr, nat or tun lab.</param>
    /// <param name="port">The UDP port (the real servers need not listen: their kernels count what arrives).</param>
    /// <returns>The topology with the service added.</returns>
    public static LabTopology WithUdpService(LabTopology topology, int port) => WithService(topology, "udp", port);

    /// <summary>
    /// Adds a virtual service on <paramref name="port"/> over every real server (rr, the lab's
    /// forwarding method, the same port) to the director's rules.
    /// </summary>
    /// <param name="topology">A dr, nat or tun lab.</param>
    /// <param name="protocol"><c>tcp</c> or <c>udp</c>.</param>
    /// <param name="port">The port.</param>
    /// <returns>The topology with the service added.</returns>
    public static LabTopology WithService(LabTopology topology, string protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var flag = protocol switch { "tcp" => "-t", "udp" => "-u", _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "tcp or udp") };
        var method = topology.Mode switch { "nat" => "-m", "tun" => "-i", _ => "-g" };
        var servers = topology.NodesWith(NodeRole.RealServer);
        var extra = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"-A {flag} {topology.Vip}:{port} -s rr\n")
            + string.Concat(servers.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"-a {flag} {topology.Vip}:{port} -r {s.Interfaces[0].Address}:{port} {method} -w 1\n")));
        return topology with
        {
            Nodes = [.. topology.Nodes.Select(n => n.Role != NodeRole.Director ? n : n with
            {
                Files = n.Files.ToDictionary(f => f.Key, f => f.Key == DrLab.RulesPath ? f.Value.TrimEnd('\n') + "\n" + extra : f.Value),
            })],
        };
    }

    /// <summary>Sets environment variables of the director (e.g. <c>LVS_IO</c>, <c>LVS_BUSY_POLL</c>).</summary>
    /// <param name="topology">A lab with a director.</param>
    /// <param name="environment">The variables to set (replacing ones of the same name).</param>
    /// <returns>The topology with them set.</returns>
    public static LabTopology WithDirectorEnvironment(LabTopology topology, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(environment);
        return topology with
        {
            Nodes = [.. topology.Nodes.Select(n => n.Role != NodeRole.Director ? n : n with
            {
                Environment = n.Environment.Where(e => !environment.ContainsKey(e.Key)).Concat(environment).ToDictionary(e => e.Key, e => e.Value),
            })],
        };
    }
}
