using System.Globalization;
using System.Text;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Conformance.Catalog;

/// <summary>Director rules for lab variants: the stock lab's service under another scheduler, weights or persistence.</summary>
internal static class LabRules
{
    /// <summary>
    /// The DR lab's one service (VIP:port, every real server direct-routed on its port) as
    /// ipvsadm-save text.
    /// </summary>
    /// <param name="topology">A DR lab.</param>
    /// <param name="scheduler">The scheduler, e.g. <c>wrr</c>.</param>
    /// <param name="weight">Each real server's weight, by its index (0-based).</param>
    /// <param name="persistenceSeconds">The persistence timeout (<c>-p</c>), or null for none.</param>
    /// <returns>The rules.</returns>
    public static string DirectRouting(LabTopology topology, string scheduler, Func<int, int> weight, int? persistenceSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(weight);
        var service = string.Create(CultureInfo.InvariantCulture, $"{topology.Vip}:{topology.Port}");
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"-A -t {service} -s {scheduler}");
        if (persistenceSeconds is { } seconds)
        {
            text.Append(CultureInfo.InvariantCulture, $" -p {seconds}");
        }

        text.Append('\n');
        var servers = topology.NodesWith(NodeRole.RealServer);
        for (var i = 0; i < servers.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"-a -t {service} -r {servers[i].Interfaces[0].Address}:{topology.Port} -g -w {weight(i)}\n");
        }

        return text.ToString();
    }

    /// <summary>The topology with the director's rules file replaced by <paramref name="rules"/>.</summary>
    /// <param name="topology">A lab.</param>
    /// <param name="rules">The new rules (ipvsadm-save text).</param>
    /// <returns>The changed topology.</returns>
    public static LabTopology Replace(LabTopology topology, string rules)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return topology with
        {
            Nodes = [.. topology.Nodes.Select(n => n.Role == NodeRole.Director
                ? n with { Files = new Dictionary<string, string>(n.Files) { [DrLab.RulesPath] = rules } }
                : n)],
        };
    }
}
