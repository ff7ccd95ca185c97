using System.Globalization;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>
/// Reads the schema of a topology file from its YAML tree: keys, types, required fields and
/// names; expands the real-server group. Addresses are resolved later (<see cref="LabFileResolver"/>).
/// </summary>
/// <param name="problems">Where problems go.</param>
internal sealed partial class LabFileReader(FileProblems problems)
{
    /// <summary>The most real servers a group may have.</summary>
    public const int MaxServers = 50;

    private static readonly string[] TopKeys = ["name", "mode", "vip", "port", "ipv6", "health", "directors", "networks", "nodes", "realServers"];
    private static readonly string[] HealthKeys = ["check", "interval", "timeout", "fall", "rise"];
    private static readonly string[] NetworkKeys = ["subnet"];
    private static readonly string[] NodeKeys = ["role", "image", "interfaces", "routes", "loopback", "sysctls", "capabilities", "environment", "commands", "devices", "readiness", "files"];
    private static readonly string[] GroupKeys = ["count", "maxCount", "namePrefix", "first", "leading", .. NodeKeys.Where(k => k != "interfaces")];
    private static readonly string[] LeadingKeys = ["servers", "first"];
    private static readonly string[] RouteKeys = ["to", "via"];

    private static readonly Dictionary<string, NodeRole> Roles = new(StringComparer.Ordinal)
    {
        ["client"] = NodeRole.Client,
        ["router"] = NodeRole.Router,
        ["director"] = NodeRole.Director,
        ["realserver"] = NodeRole.RealServer,
    };

    /// <summary>Reads the file's tree.</summary>
    /// <param name="root">The document's root; null for an empty file.</param>
    /// <param name="nameOverride">A lab name replacing the file's.</param>
    /// <param name="serversOverride">A real-server count replacing the file's.</param>
    /// <param name="ipv6Override">Whether the lab is dual-stack, replacing the file's <c>ipv6</c>; null keeps the file's.</param>
    /// <returns>The lab as written; null when its shape is too broken to go on.</returns>
    public LabSpec? Read(YamlTreeNode? root, string? nameOverride, int? serversOverride, bool? ipv6Override = null)
    {
        if (root is null)
        {
            problems.Add(1, "(file)", "the file is empty: a lab file is a mapping with name, mode, vip, networks and nodes");
            return null;
        }

        if (Mapping(root, "(file)") is not { } top)
        {
            return null;
        }

        var entries = Entries(top, "", TopKeys);
        var name = RequiredText(entries, "name", "(file)", 1);
        var mode = RequiredText(entries, "mode", "(file)", 1);
        var vip = RequiredText(entries, "vip", "(file)", 1);
        var port = 80;
        if (entries.TryGetValue("port", out var portEntry) && Integer(portEntry.Value, "port") is { } p)
        {
            if (p is < 1 or > 65535)
            {
                problems.Add(portEntry.Value.Line, "port", $"port {p} is outside 1..65535");
            }

            port = p;
        }

        // ipv6: true | false — true makes the lab dual-stack by the stock mapping (Ipv6Plan).
        var ipv6 = false;
        if (entries.TryGetValue("ipv6", out var ipv6Entry) && Text(ipv6Entry.Value, "ipv6") is { } ipv6Text)
        {
            if (ipv6Text.Value is "true" or "false")
            {
                ipv6 = ipv6Text.Value == "true";
            }
            else
            {
                problems.Add(ipv6Text.Line, "ipv6", $"expected true or false, found '{ipv6Text.Value}'");
            }
        }

        var health = entries.TryGetValue("health", out var healthEntry) ? Health(healthEntry.Value) : null;

        // directors: 1 | 2 — two make the director a VRRP pair (as lvslab up --directors 2 does).
        var directors = 1;
        var directorsLine = 1;
        if (entries.TryGetValue("directors", out var directorsEntry) && Integer(directorsEntry.Value, "directors") is { } count)
        {
            if (count is not (1 or 2))
            {
                problems.Add(directorsEntry.Value.Line, "directors", $"directors {count}: 1, or 2 for a VRRP pair");
            }

            directors = count;
            directorsLine = directorsEntry.Value.Line;
        }

        var networks = new List<NetworkSpec>();
        if (Required(entries, "networks", "(file)", 1) is { } networksNode && Mapping(networksNode.Value, "networks") is { } networksMap)
        {
            foreach (var (key, (keyNode, value)) in Entries(networksMap, "networks", null))
            {
                var field = $"networks.{key}";
                CheckName(keyNode, field, "network");
                if (key == "ip")
                {
                    problems.Add(keyNode.Line, field, "'ip' is reserved (NODE.ip means a node's first address): choose another network name");
                }

                var subnet = Mapping(value, field) is { } networkMap
                    ? RequiredText(Entries(networkMap, field, NetworkKeys), "subnet", field, keyNode.Line)
                    : null;
                networks.Add(new NetworkSpec(key, subnet, field, keyNode.Line));
            }
        }

        var nodes = new List<NodeSpec>();
        if (Required(entries, "nodes", "(file)", 1) is { } nodesNode && Mapping(nodesNode.Value, "nodes") is { } nodesMap)
        {
            foreach (var (key, (keyNode, value)) in Entries(nodesMap, "nodes", null))
            {
                var field = $"nodes.{key}";
                CheckName(keyNode, field, "node");
                nodes.Add(Node(key, keyNode.Line, value, field, group: false));
            }
        }

        if (entries.TryGetValue("realServers", out var group))
        {
            nodes.AddRange(RealServers(group.Key, group.Value, nodes, serversOverride));
        }

        return new LabSpec
        {
            Name = nameOverride ?? name?.Value ?? "",
            NameLine = name?.Line ?? 1,
            Mode = mode?.Value ?? "",
            Vip = vip,
            Port = port,
            Ipv6 = ipv6Override ?? ipv6,
            Health = health,
            Directors = directors,
            DirectorsLine = directorsLine,
            Networks = networks,
            Nodes = nodes,
        };
    }

    // health: none | tcp | http | { check, interval, timeout, fall, rise } (unset fields: the lab default).
    private HealthCheck? Health(YamlTreeNode value)
    {
        const string field = "health";
        var result = HealthCheck.LabDefault;
        if (value is YamlTreeScalar scalar)
        {
            return Kind(scalar) is { } kind ? (kind == "none" ? HealthCheck.None : result with { Kind = kind }) : null;
        }

        if (Mapping(value, field) is not { } map)
        {
            return null;
        }

        var entries = Entries(map, field, HealthKeys);
        var broken = false;
        if (entries.TryGetValue("check", out var check))
        {
            if (Text(check.Value, "health.check") is { } text && Kind(text) is { } kind)
            {
                result = result with { Kind = kind };
            }
            else
            {
                broken = true;
            }
        }

        result = Duration("interval", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(60)) is { } interval ? result with { Interval = interval } : result;
        result = Duration("timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10)) is { } timeout ? result with { Timeout = timeout } : result;
        result = Count("fall") is { } fall ? result with { Fall = fall } : result;
        result = Count("rise") is { } rise ? result with { Rise = rise } : result;
        return broken ? null : result.Kind == "none" ? HealthCheck.None : result;

        string? Kind(YamlTreeScalar text)
        {
            if (HealthCheck.Kinds.Contains(text.Value))
            {
                return text.Value;
            }

            problems.Add(text.Line, field, $"unknown health check '{text.Value}' (allowed: {string.Join(", ", HealthCheck.Kinds)})");
            return null;
        }

        TimeSpan? Duration(string key, TimeSpan min, TimeSpan max)
        {
            if (!entries.TryGetValue(key, out var entry) || Text(entry.Value, $"health.{key}") is not { } text)
            {
                return null;
            }

            if (!HealthCheck.TryParseDuration(text.Value, out var duration))
            {
                problems.Add(text.Line, $"health.{key}", $"expected a duration such as 500ms or 2s, found '{text.Value}'");
                broken = true;
                return null;
            }

            if (duration < min || duration > max)
            {
                problems.Add(text.Line, $"health.{key}", $"{key} {text.Value} is outside {min.TotalMilliseconds:F0}ms..{max.TotalSeconds:F0}s");
                broken = true;
                return null;
            }

            return duration;
        }

        int? Count(string key)
        {
            if (!entries.TryGetValue(key, out var entry) || Integer(entry.Value, $"health.{key}") is not { } n)
            {
                return null;
            }

            if (n is < 1 or > 100)
            {
                problems.Add(entry.Value.Line, $"health.{key}", $"{key} {n} is outside 1..100");
                broken = true;
                return null;
            }

            return n;
        }
    }

    // A key written as '' (empty) is shown as that, so no error names an empty field.
    private static string Join(string field, string key)
    {
        var shown = key.Length == 0 ? "''" : key;
        return field.Length == 0 ? shown : $"{field}.{shown}";
    }

    private List<NodeSpec> RealServers(YamlTreeScalar groupKey, YamlTreeNode value, List<NodeSpec> nodes, int? serversOverride)
    {
        const string field = "realServers";
        var generated = new List<NodeSpec>();
        if (Mapping(value, field) is not { } map)
        {
            return generated;
        }

        var entries = Entries(map, field, GroupKeys);
        var maxCount = MaxServers;
        if (entries.TryGetValue("maxCount", out var maxEntry) && Integer(maxEntry.Value, "realServers.maxCount") is { } max)
        {
            if (max is < 1 or > MaxServers)
            {
                problems.Add(maxEntry.Value.Line, "realServers.maxCount", $"maxCount {max} is outside 1..{MaxServers}");
            }
            else
            {
                maxCount = max;
            }
        }

        int? count = null;
        var countLine = groupKey.Line;
        if (Required(entries, "count", field, groupKey.Line) is { } countEntry)
        {
            countLine = countEntry.Value.Line;
            count = Integer(countEntry.Value, "realServers.count");
        }

        var source = "";
        if (serversOverride is { } servers)
        {
            count = servers;
            source = " (the servers override)";
        }

        if (count is < 1)
        {
            problems.Add(countLine, "realServers.count", $"count {count} is below 1{source}");
            count = null;
        }
        else if (count > maxCount)
        {
            problems.Add(countLine, "realServers.count", $"count {count} is above the maximum of {maxCount}{source}");
            count = null;
        }

        var prefix = "rs";
        if (entries.TryGetValue("namePrefix", out var prefixEntry) && Text(prefixEntry.Value, "realServers.namePrefix") is { } prefixText)
        {
            prefix = prefixText.Value;
            CheckName(prefixText, "realServers.namePrefix", "name prefix");
        }

        var first = Required(entries, "first", field, groupKey.Line) is { } firstEntry
            ? Placement(firstEntry.Value, "realServers.first")
            : null;

        var leadingCount = 0;
        List<SpecValue>? leadingFirst = null;
        if (entries.TryGetValue("leading", out var leadingEntry) && Mapping(leadingEntry.Value, "realServers.leading") is { } leadingMap)
        {
            var leading = Entries(leadingMap, "realServers.leading", LeadingKeys);
            if (Required(leading, "servers", "realServers.leading", leadingEntry.Key.Line) is { } serversEntry
                && Integer(serversEntry.Value, "realServers.leading.servers") is { } n)
            {
                if (n < 0)
                {
                    problems.Add(serversEntry.Value.Line, "realServers.leading.servers", $"servers {n} is below 0");
                }

                leadingCount = Math.Max(0, n);
            }

            if (Required(leading, "first", "realServers.leading", leadingEntry.Key.Line) is { } leadingFirstEntry)
            {
                leadingFirst = Placement(leadingFirstEntry.Value, "realServers.leading.first");
            }
        }

        var template = Node(prefix, groupKey.Line, map, field, group: true, entries);
        if (first is null || count is not { } total || (leadingCount > 0 && leadingFirst is null))
        {
            return generated;
        }

        // The leading servers take their own placement, but at least one server keeps the main one.
        var leadingTotal = Math.Min(leadingCount, total - 1);
        var taken = nodes.ToDictionary(n => n.Name, n => n.Line, StringComparer.Ordinal);
        for (var i = 1; i <= total; i++)
        {
            var serverName = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}");
            if (taken.TryGetValue(serverName, out var line))
            {
                problems.Add(groupKey.Line, field, $"real server '{serverName}' has the name of the node on line {line}");
                continue;
            }

            var placement = i <= leadingTotal ? leadingFirst! : first;
            generated.Add(template with
            {
                Name = serverName,
                Interfaces = placement.Select(v => new InterfaceSpec(v.Key, v.Value, v.Field, i - 1)).ToList(),
            });
        }

        return generated;
    }

    private List<SpecValue>? Placement(YamlTreeNode value, string field)
    {
        var placement = TextMap(value, field);
        if (placement is { Count: 0 })
        {
            problems.Add(value.Line, field, "a real server needs at least one network: give NETWORK: FIRST_HOST");
            return null;
        }

        return placement;
    }

    private NodeSpec Node(string name, int line, YamlTreeNode value, string field, bool group, OrderedDictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)>? entries = null)
    {
        var before = problems.Count;
        if (entries is null)
        {
            if (Mapping(value, field) is not { } map)
            {
                return new NodeSpec { Name = name, Field = field, Line = line, Role = NodeRole.Client, Image = "", Interfaces = [], Broken = true };
            }

            entries = Entries(map, field, NodeKeys);
        }

        NodeRole? role = group ? NodeRole.RealServer : null;
        var roleText = group
            ? entries.TryGetValue("role", out var roleEntry) ? Text(roleEntry.Value, Join(field, "role")) : null
            : RequiredText(entries, "role", field, line);
        if (roleText is not null)
        {
            if (Roles.TryGetValue(roleText.Value, out var parsed))
            {
                role = parsed;
            }
            else
            {
                problems.Add(roleText.Line, Join(field, "role"), $"unknown role '{roleText.Value}' (allowed: {string.Join(", ", Roles.Keys)})");
                role = null;
            }
        }

        var image = entries.TryGetValue("image", out var imageEntry) ? Text(imageEntry.Value, Join(field, "image"))?.Value : null;
        var interfaces = new List<InterfaceSpec>();
        if (!group && Required(entries, "interfaces", field, line) is { } interfacesEntry)
        {
            var nics = TextMap(interfacesEntry.Value, Join(field, "interfaces"));
            if (nics is { Count: 0 })
            {
                problems.Add(interfacesEntry.Value.Line, Join(field, "interfaces"), "a node needs at least one interface: give NETWORK: HOST");
            }

            interfaces.AddRange((nics ?? []).Select(v => new InterfaceSpec(v.Key, v.Value, v.Field, 0)));
        }

        // A node whose role or interfaces are wrong stays, so that references to it raise no second error.
        var broken = problems.Count > before;

        var routes = new List<RouteSpec>();
        if (entries.TryGetValue("routes", out var routesEntry) && Sequence(routesEntry.Value, Join(field, "routes")) is { } routeItems)
        {
            for (var i = 0; i < routeItems.Count; i++)
            {
                var routeField = string.Create(CultureInfo.InvariantCulture, $"{field}.routes[{i}]");
                if (Mapping(routeItems[i], routeField) is not { } routeMap)
                {
                    continue;
                }

                var routeEntries = Entries(routeMap, routeField, RouteKeys);
                var to = RequiredText(routeEntries, "to", routeField, routeMap.Line);
                var via = RequiredText(routeEntries, "via", routeField, routeMap.Line);
                if (to is not null && via is not null)
                {
                    routes.Add(new RouteSpec(to, via, routeField));
                }
            }
        }

        List<SpecValue> List(string key) => entries.TryGetValue(key, out var e) ? TextList(e.Value, Join(field, key)) ?? [] : [];
        List<SpecValue> Map(string key) => entries.TryGetValue(key, out var e) ? TextMap(e.Value, Join(field, key)) ?? [] : [];

        return new NodeSpec
        {
            Name = name,
            Field = field,
            Line = line,
            Role = role ?? NodeRole.Client,
            Image = image ?? (role is { } r ? Roles.First(kv => kv.Value == r).Key : ""),
            Interfaces = interfaces,
            Routes = routes,
            Loopback = List("loopback"),
            Sysctls = Map("sysctls"),
            Capabilities = entries.ContainsKey("capabilities") ? List("capabilities") : null,
            Environment = Map("environment"),
            Commands = List("commands"),
            Devices = List("devices"),
            Readiness = List("readiness"),
            Files = Map("files"),
            Broken = broken,
        };
    }

    private void CheckName(YamlTreeScalar name, string field, string what)
    {
        if (!NamePattern().IsMatch(name.Value))
        {
            problems.Add(name.Line, field, $"{what} name '{name.Value}' is invalid: use a-z, 0-9 and '-', starting with a letter (at most 24)");
        }
    }

    private OrderedDictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)> Entries(YamlTreeMapping map, string field, IReadOnlyList<string>? allowed)
    {
        var result = new OrderedDictionary<string, (YamlTreeScalar, YamlTreeNode)>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            var path = Join(field, key.Value);
            if (allowed is not null && !allowed.Contains(key.Value))
            {
                problems.Add(key.Line, path, $"unknown key '{key.Value}' (allowed: {string.Join(", ", allowed)})");
            }
            else if (result.TryGetValue(key.Value, out var earlier))
            {
                problems.Add(key.Line, path, $"'{key.Value}' is defined twice (first on line {earlier.Item1.Line})");
            }
            else
            {
                result.Add(key.Value, (key, value));
            }
        }

        return result;
    }

    private (YamlTreeScalar Key, YamlTreeNode Value)? Required(OrderedDictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)> entries, string key, string field, int line)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            return entry;
        }

        problems.Add(line, field, $"missing required field '{key}'");
        return null;
    }

    private YamlTreeScalar? RequiredText(OrderedDictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)> entries, string key, string field, int line) =>
        Required(entries, key, field, line) is { } entry ? Text(entry.Value, Join(field, key)) : null;

    private YamlTreeMapping? Mapping(YamlTreeNode node, string field)
    {
        switch (node)
        {
            case YamlTreeMapping map:
                return map;
            case YamlTreeScalar { IsNull: true }:
                return new YamlTreeMapping(node.Line, []);
            default:
                problems.Add(node.Line, field, $"expected a mapping (KEY: VALUE), found {node.Kind}");
                return null;
        }
    }

    private IReadOnlyList<YamlTreeNode>? Sequence(YamlTreeNode node, string field)
    {
        switch (node)
        {
            case YamlTreeSequence sequence:
                return sequence.Items;
            case YamlTreeScalar { IsNull: true }:
                return [];
            default:
                problems.Add(node.Line, field, $"expected a list ([A, B] or '- A' lines), found {node.Kind}");
                return null;
        }
    }

    private YamlTreeScalar? Text(YamlTreeNode node, string field)
    {
        switch (node)
        {
            case YamlTreeScalar { IsNull: true }:
                problems.Add(node.Line, field, "a value is required");
                return null;
            case YamlTreeScalar scalar:
                return scalar;
            default:
                problems.Add(node.Line, field, $"expected a single value, found {node.Kind}");
                return null;
        }
    }

    private int? Integer(YamlTreeNode node, string field)
    {
        if (Text(node, field) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add(text.Line, field, $"expected an integer, found '{text.Value}'");
        return null;
    }

    private List<SpecValue>? TextList(YamlTreeNode node, string field)
    {
        if (Sequence(node, field) is not { } items)
        {
            return null;
        }

        var result = new List<SpecValue>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemField = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            if (Text(items[i], itemField) is { } text)
            {
                result.Add(new SpecValue("", text, itemField));
            }
        }

        return result;
    }

    private List<SpecValue>? TextMap(YamlTreeNode node, string field)
    {
        if (Mapping(node, field) is not { } map)
        {
            return null;
        }

        var result = new List<SpecValue>();
        foreach (var (key, (_, value)) in Entries(map, field, null))
        {
            var itemField = Join(field, key);
            if (Text(value, itemField) is { } text)
            {
                result.Add(new SpecValue(key, text, itemField));
            }
        }

        return result;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,23}$")]
    private static partial Regex NamePattern();
}
