using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>
/// Loads <c>*.lab.yml</c> topology files (the schema is in <c>lab/README.md</c>). Every problem
/// is collected and reported at once as <c>FILE:LINE: FIELD: reason</c> in a
/// <see cref="TopologyFileException"/>; on any problem nothing is returned.
/// </summary>
public static partial class LabFile
{
    /// <summary>Loads the topology file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; errors name it as given.</param>
    /// <param name="name">A lab name replacing the file's <c>name</c>; null keeps the file's.</param>
    /// <param name="slot">The address slot whose subnets the <c>auto</c> networks take (see <see cref="AddressPlan"/>).</param>
    /// <param name="servers">A real-server count replacing <c>realServers.count</c>; null keeps the file's (ignored without a group).</param>
    /// <param name="ipv6">Whether the lab is dual-stack, replacing the file's <c>ipv6</c>; null keeps the file's.</param>
    /// <returns>The topology, validated.</returns>
    /// <exception cref="TopologyFileException">The file has problems.</exception>
    public static LabTopology Load(string path, string? name = null, int slot = 0, int? servers = null, bool? ipv6 = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path, name, slot, servers, ipv6);
    }

    /// <summary>Loads a topology from the text of a topology file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="fileName">The name errors give the file (e.g. <c>lab/dr.lab.yml</c>).</param>
    /// <param name="name">A lab name replacing the file's <c>name</c>; null keeps the file's.</param>
    /// <param name="slot">The address slot whose subnets the <c>auto</c> networks take.</param>
    /// <param name="servers">A real-server count replacing <c>realServers.count</c>; null keeps the file's.</param>
    /// <param name="ipv6">Whether the lab is dual-stack (<see cref="Ipv6Plan.DualStack"/>), replacing the file's <c>ipv6</c>; null keeps the file's.</param>
    /// <returns>The topology, validated.</returns>
    /// <exception cref="TopologyFileException">The text has problems.</exception>
    public static LabTopology Parse(string text, string fileName, string? name = null, int slot = 0, int? servers = null, bool? ipv6 = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slot, AddressPlan.MaxSlot);

        var problems = new FileProblems(fileName);
        if (!YamlTreeReader.TryRead(text, out var root, out var syntax))
        {
            problems.Add(syntax!.Value.Line, "yaml", syntax.Value.Reason);
            throw problems.ToException();
        }

        // The resolver runs even after schema problems, to report every problem at once.
        var spec = new LabFileReader(problems).Read(root, name, servers, ipv6);
        var topology = spec is null ? null : new LabFileResolver(problems, spec, slot).Resolve();
        if (topology is null || problems.Any)
        {
            throw problems.Any ? problems.ToException() : new InvalidOperationException("the topology file could not be resolved, yet no problem was recorded");
        }

        if (spec!.Ipv6)
        {
            try
            {
                topology = Ipv6Plan.DualStack(topology);
            }
            catch (ArgumentException e)
            {
                var (line, field) = Locate(spec, e.Message);
                problems.Add(line, field, e.Message.Split(" (Parameter", 2)[0]);
                throw problems.ToException();
            }
        }

        foreach (var problem in topology.Validate())
        {
            var (line, field) = Locate(spec!, problem);
            problems.Add(line, field, problem);
        }

        if (!problems.Any && spec!.Directors == 2)
        {
            try
            {
                topology = DirectorPair.Apply(topology);
            }
            catch (ArgumentException e)
            {
                problems.Add(spec.DirectorsLine, "directors", e.Message);
            }
        }

        return problems.Any ? throw problems.ToException() : topology;
    }

    /// <summary>Where in the file a problem of <see cref="LabTopology.Validate"/> belongs.</summary>
    private static (int Line, string Field) Locate(LabSpec spec, string problem)
    {
        if (problem.StartsWith("lab name", StringComparison.Ordinal))
        {
            return (spec.NameLine, "name");
        }

        if (problem.StartsWith("VIP6", StringComparison.Ordinal))
        {
            return (spec.Vip?.Line ?? 1, "vip");
        }

        var match = Subject().Match(problem);
        if (match.Success && match.Groups[1].Value.StartsWith("network", StringComparison.Ordinal)
            && spec.Networks.FirstOrDefault(n => n.Name == match.Groups[2].Value) is { } network)
        {
            return (network.Line, network.Field);
        }

        if (match.Success && match.Groups[1].Value == "node" && spec.Nodes.FirstOrDefault(n => n.Name == match.Groups[2].Value) is { } node)
        {
            return (node.Line, node.Field);
        }

        return (1, "(file)");
    }

    [GeneratedRegex("^(node|networks?) '([^']*)'")]
    private static partial Regex Subject();
}
