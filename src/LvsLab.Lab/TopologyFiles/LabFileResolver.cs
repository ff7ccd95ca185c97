using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using YamlDotNet.Core;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>
/// Turns a <see cref="LabSpec"/> into a <see cref="LabTopology"/>: allocates auto subnets,
/// resolves address references and expands placeholders, reporting each failure with its line.
/// A value that depends on one already reported as broken fails silently (one error, not a cascade).
/// </summary>
internal sealed partial class LabFileResolver
{
    private const string ReferenceForms = "use NETWORK.HOST (e.g. lan.100), NODE.NETWORK (e.g. router.lan), NODE.ip, vip or an IPv4 address";

    private readonly FileProblems problems;
    private readonly LabSpec spec;
    private readonly AddressPlan plan;
    private readonly Dictionary<string, IPNetwork> networks = new(StringComparer.Ordinal);
    private readonly HashSet<string> brokenNetworks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeSpec> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeInterface>> interfaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> nodesWithBrokenInterfaces = new(StringComparer.Ordinal);
    private IPAddress? vip;
    private bool resolvingVip;

    /// <summary>Prepares to resolve <paramref name="spec"/>.</summary>
    /// <param name="problems">Where problems go.</param>
    /// <param name="spec">The lab as written.</param>
    /// <param name="slot">The address slot whose subnets <c>auto</c> networks take.</param>
    public LabFileResolver(FileProblems problems, LabSpec spec, int slot)
    {
        this.problems = problems;
        this.spec = spec;
        plan = new AddressPlan(slot);
        foreach (var node in spec.Nodes)
        {
            nodes[node.Name] = node;
            if (node.Broken)
            {
                nodesWithBrokenInterfaces.Add(node.Name);
            }
        }
    }

    /// <summary>Resolves the lab.</summary>
    /// <returns>The topology; null when a problem was found.</returns>
    public LabTopology? Resolve()
    {
        ResolveNetworks();
        foreach (var node in spec.Nodes)
        {
            interfaces[node.Name] = ResolveInterfaces(node);
        }

        if (spec.Vip is { } vipReference)
        {
            resolvingVip = true;
            vip = Reference(vipReference, "vip", null);
            resolvingVip = false;
        }

        var built = spec.Nodes.Select(BuildNode).ToList();
        if (problems.Any)
        {
            return null;
        }

        return new LabTopology
        {
            Name = spec.Name,
            Mode = spec.Mode,
            Vip = vip!,
            Port = spec.Port,
            Networks = spec.Networks.Select(n => new LabNetwork(n.Name, networks[n.Name])).ToList(),
            Nodes = built,
        };
    }

    private static bool TryCidr(string text, out IPNetwork network)
    {
        network = default;
        return text.Contains('/', StringComparison.Ordinal)
            && IPNetwork.TryParse(text, out network)
            && network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
    }

    private static bool TryIPv4(string text, out IPAddress? address)
    {
        address = null;
        return DottedQuad().IsMatch(text) && IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetwork;
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);

    private static string HostOf(IPNetwork subnet, long host, out IPAddress? address)
    {
        address = null;
        var size = 1L << (32 - subnet.PrefixLength);
        if (host == 0)
        {
            return $"host 0 is the network address of {subnet}";
        }

        if (host == size - 1)
        {
            return $"host {host} is the broadcast address of {subnet}";
        }

        if (host < 0 || host >= size)
        {
            return $"host {host} is outside {subnet}";
        }

        address = AddressMath.Offset(subnet.BaseAddress, (int)host);
        return "";
    }

    private void ResolveNetworks()
    {
        IPNetwork[] autos = [plan.Front, plan.Lan, plan.Far];
        var used = 0;
        foreach (var network in spec.Networks)
        {
            // A missing subnet was reported by the reader.
            if (network.Subnet is { } subnetText && Subnet(network, subnetText, autos, ref used) is { } subnet)
            {
                networks[network.Name] = subnet;
            }
            else
            {
                brokenNetworks.Add(network.Name);
            }
        }
    }

    private IPNetwork? Subnet(NetworkSpec network, YamlTreeScalar text, IPNetwork[] autos, ref int used)
    {
        if (text.Value == "auto")
        {
            if (used < autos.Length)
            {
                return autos[used++];
            }

            problems.Add(text.Line, $"{network.Field}.subnet", $"a lab has at most {autos.Length} auto subnets (its slot's front, lan and far); give network '{network.Name}' an explicit CIDR");
            return null;
        }

        if (TryCidr(text.Value, out var subnet))
        {
            return subnet;
        }

        problems.Add(text.Line, $"{network.Field}.subnet", $"'{text.Value}' is not a subnet: use auto or an IPv4 CIDR such as 192.168.1.0/24 (host bits zero)");
        return null;
    }

    private List<NodeInterface> ResolveInterfaces(NodeSpec node)
    {
        var result = new List<NodeInterface>();
        foreach (var nic in node.Interfaces)
        {
            var address = InterfaceAddress(node, nic);
            if (address is null)
            {
                nodesWithBrokenInterfaces.Add(node.Name);
            }
            else
            {
                result.Add(new NodeInterface(nic.Network, address));
            }
        }

        return result;
    }

    private IPAddress? InterfaceAddress(NodeSpec node, InterfaceSpec nic)
    {
        if (!networks.TryGetValue(nic.Network, out var subnet))
        {
            if (!brokenNetworks.Contains(nic.Network))
            {
                problems.Add(nic.Value.Line, nic.Field, $"unknown network '{nic.Network}' (networks: {Names(spec.Networks.Select(n => n.Name))})");
            }

            return null;
        }

        var server = nic.Offset > 0 ? $" (real server {node.Name})" : "";
        var text = nic.Value.Value;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var host))
        {
            var reason = HostOf(subnet, host + nic.Offset, out var address);
            if (address is null)
            {
                problems.Add(nic.Value.Line, nic.Field, reason + server);
            }

            return address;
        }

        if (TryIPv4(text, out var literal))
        {
            var address = AddressMath.Offset(literal!, nic.Offset);
            if (subnet.Contains(address))
            {
                return address;
            }

            problems.Add(nic.Value.Line, nic.Field, $"address {address} is outside {subnet}{server}");
            return null;
        }

        problems.Add(nic.Value.Line, nic.Field, $"'{text}' is not a host number or an IPv4 address");
        return null;
    }

    private LabNode BuildNode(NodeSpec node)
    {
        var routes = new List<LabRoute>();
        foreach (var route in node.Routes)
        {
            IPNetwork? destination = null;
            if (route.To.Value == "default")
            {
                destination = new IPNetwork(IPAddress.Any, 0);
            }
            else if (TryCidr(route.To.Value, out var cidr))
            {
                destination = cidr;
            }
            else
            {
                problems.Add(route.To.Line, $"{route.Field}.to", $"'{route.To.Value}' is not 'default' or an IPv4 CIDR such as 10.78.0.0/24");
            }

            var via = Reference(route.Via, $"{route.Field}.via", node);
            if (via is not null && !nodesWithBrokenInterfaces.Contains(node.Name)
                && !interfaces[node.Name].Any(i => networks[i.Network].Contains(via)))
            {
                var attached = Names(interfaces[node.Name].Select(i => $"{i.Network} {networks[i.Network]}"));
                problems.Add(route.Via.Line, $"{route.Field}.via", $"next hop {via} is not on any of {node.Name}'s networks ({attached})");
            }

            if (destination is { } to && via is not null)
            {
                routes.Add(new LabRoute(to, via));
            }
        }

        var result = new LabNode
        {
            Name = node.Name,
            Role = node.Role,
            Image = node.Image,
            Interfaces = interfaces[node.Name],
            LoopbackAddresses = node.Loopback.Select(v => Reference(v.Value, v.Field, node)).OfType<IPAddress>().ToList(),
            Routes = routes,
            Sysctls = node.Sysctls.ToDictionary(v => v.Key, v => v.Text, StringComparer.Ordinal),
            Environment = Environment(node),
            Commands = node.Commands.Select(v => Text(v, node, starLines: false)).ToList(),
            Devices = node.Devices.Select(v => v.Text).ToList(),
            Readiness = node.Readiness.Count == 0 ? null : NodeReadiness.Command([.. node.Readiness.Select(v => Text(v, node, starLines: false))]),
            Files = node.Files.ToDictionary(v => v.Key, v => Text(v, node, starLines: true), StringComparer.Ordinal),
        };
        return node.Capabilities is { } capabilities ? result with { Capabilities = capabilities.Select(v => v.Text).ToList() } : result;
    }

    // A director's environment: the lab's health checks, then the node's own variables (which win).
    private Dictionary<string, string> Environment(NodeSpec node)
    {
        var own = node.Environment.ToDictionary(v => v.Key, v => Text(v, node, starLines: false), StringComparer.Ordinal);
        if (node.Role != NodeRole.Director || spec.Health is not { } health)
        {
            return own;
        }

        foreach (var (key, value) in health.Environment)
        {
            own.TryAdd(key, value);
        }

        return own;
    }

    private IPAddress? Reference(YamlTreeScalar scalar, string field, NodeSpec? node)
    {
        var text = Expand(scalar.Value, scalar.Line, field, node, null);
        if (text is null)
        {
            return null;
        }

        var address = Lookup(text, out var reason);
        if (address is null && reason is not null)
        {
            problems.Add(scalar.Line, field, reason);
        }

        return address;
    }

    /// <summary>Resolves an address reference; a null reason means the failure was reported before.</summary>
    private IPAddress? Lookup(string reference, out string? reason)
    {
        reason = null;
        if (reference == "vip")
        {
            if (resolvingVip)
            {
                reason = "the VIP cannot be defined by itself";
            }

            return vip;
        }

        if (DottedQuad().IsMatch(reference))
        {
            if (TryIPv4(reference, out var literal))
            {
                return literal;
            }

            reason = $"'{reference}' is not a valid IPv4 address";
            return null;
        }

        var parts = reference.Split('.');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            reason = $"'{reference}' is not an address: {ReferenceForms}";
            return null;
        }

        if (parts[1].All(char.IsAsciiDigit))
        {
            if (networks.TryGetValue(parts[0], out var subnet))
            {
                var why = HostOf(subnet, long.Parse(parts[1], CultureInfo.InvariantCulture), out var address);
                reason = address is null ? why : null;
                return address;
            }

            reason = brokenNetworks.Contains(parts[0]) ? null : $"unknown network '{parts[0]}' (networks: {Names(spec.Networks.Select(n => n.Name))})";
            return null;
        }

        if (!nodes.ContainsKey(parts[0]))
        {
            reason = $"unknown node '{parts[0]}' (nodes: {Names(nodes.Keys)})";
            return null;
        }

        var nics = interfaces[parts[0]];
        var broken = nodesWithBrokenInterfaces.Contains(parts[0]);
        if (parts[1] == "ip")
        {
            reason = nics.Count > 0 || broken ? null : $"node '{parts[0]}' has no interface";
            return nics.FirstOrDefault()?.Address;
        }

        if (!networks.ContainsKey(parts[1]) && !brokenNetworks.Contains(parts[1]))
        {
            reason = $"unknown network '{parts[1]}' (networks: {Names(spec.Networks.Select(n => n.Name))})";
            return null;
        }

        var nic = nics.FirstOrDefault(i => i.Network == parts[1]);
        reason = nic is not null || broken ? null : $"node '{parts[0]}' has no interface on network '{parts[1]}'";
        return nic?.Address;
    }

    private string Text(SpecValue value, NodeSpec node, bool starLines)
    {
        var perLine = value.Value.Style == ScalarStyle.Literal;
        var firstLine = perLine ? value.Value.Line + 1 : value.Value.Line;
        var output = new List<string>();
        var failed = false;
        var lines = value.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = perLine ? firstLine + i : firstLine;
            if (starLines && lines[i].StartsWith("* ", StringComparison.Ordinal))
            {
                var body = lines[i][2..];
                if (body.Trim().Length == 0)
                {
                    problems.Add(lineNumber, value.Field, "a '* ' line needs text after the '* '");
                }

                foreach (var server in spec.Nodes.Where(n => n.Role == NodeRole.RealServer))
                {
                    var expanded = Expand(body, lineNumber, value.Field, node, server.Name);
                    failed |= expanded is null;
                    output.Add(expanded ?? "");
                }
            }
            else
            {
                var expanded = Expand(lines[i], lineNumber, value.Field, node, null);
                failed |= expanded is null;
                output.Add(expanded ?? "");
            }
        }

        var text = string.Join("\n", output);
        if (starLines && !failed && text.Trim().Length == 0)
        {
            problems.Add(value.Value.Line, value.Field, "the text is empty");
        }

        return text;
    }

    private string? Expand(string text, int line, string field, NodeSpec? node, string? rs)
    {
        var ok = true;
        var result = Placeholder().Replace(text, match =>
        {
            if (match.Value == "$${")
            {
                return "${";
            }

            var name = match.Groups[1].Value;
            var value = PlaceholderValue(name, node, rs, out var reason);
            if (value is null)
            {
                ok = false;
                if (reason is not null)
                {
                    problems.Add(line, field, $"${{{name}}}: {reason}");
                }

                return match.Value;
            }

            return value;
        });
        return ok ? result : null;
    }

    private string? PlaceholderValue(string name, NodeSpec? node, string? rs, out string? reason)
    {
        reason = null;
        switch (name)
        {
            case "vip":
                if (resolvingVip)
                {
                    reason = "the VIP cannot be defined by itself";
                }

                return vip?.ToString();
            case "port":
                return spec.Port.ToString(CultureInfo.InvariantCulture);
            case "name":
                return spec.Name;
            case "node":
                reason = node is null ? "${node} is the node a value belongs to, and this value belongs to none" : null;
                return node?.Name;
            case "net":
                if (node is null)
                {
                    reason = "${net} is the network of a node's first interface, and this value belongs to no node";
                    return null;
                }

                var first = interfaces[node.Name].FirstOrDefault();
                reason = first is null && !nodesWithBrokenInterfaces.Contains(node.Name) ? $"node '{node.Name}' has no interface" : null;
                return first?.Network;
        }

        var parts = name.Split('.');
        if (parts[0] == "rs" && !nodes.ContainsKey("rs"))
        {
            if (rs is null)
            {
                reason = "${rs} is only bound on the '* ' lines of a file text";
                return null;
            }

            parts[0] = rs;
            name = string.Join('.', parts);
        }
        else if (parts.Length == 1)
        {
            reason = "unknown placeholder: use vip, port, name, node, net, rs (on '* ' lines), NETWORK.HOST, NODE.NETWORK, NODE.ip or NODE.NETWORK.if";
            return null;
        }

        if (parts.Length == 3 && parts[2] == "if")
        {
            if (!nodes.ContainsKey(parts[0]))
            {
                reason = $"unknown node '{parts[0]}' (nodes: {Names(nodes.Keys)})";
                return null;
            }

            var index = interfaces[parts[0]].FindIndex(i => i.Network == parts[1]);
            if (index < 0)
            {
                reason = nodesWithBrokenInterfaces.Contains(parts[0]) ? null : $"node '{parts[0]}' has no interface on network '{parts[1]}'";
                return null;
            }

            return string.Create(CultureInfo.InvariantCulture, $"eth{index}");
        }

        return Lookup(name, out reason)?.ToString();
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"\$\$\{|\$\{([^}]*)\}")]
    private static partial Regex Placeholder();
}
