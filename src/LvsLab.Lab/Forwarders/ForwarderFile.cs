using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Forwarders;

/// <summary>
/// Reads <c>*.forwarder.yml</c> forwarder descriptions (the schema is in <c>docs/forwarders.md</c>).
/// Every problem is reported at once as <c>FILE:LINE: FIELD: reason</c> in a
/// <see cref="TopologyFileException"/>; on any problem nothing is returned.
/// </summary>
public static partial class ForwarderFile
{
    private static readonly string[] Keys = ["name", "image", "modes", "schedulers", "capabilities", "linuxCapabilities", "environment", "sysctls", "requires", "readiness"];
    private static readonly string[] ReadinessKeys = ["log", "command", "file"];

    /// <summary>Loads the description at <paramref name="path"/>.</summary>
    /// <param name="path">The file; errors name it as given.</param>
    /// <returns>The description.</returns>
    /// <exception cref="TopologyFileException">The file has problems.</exception>
    public static ForwarderDescription Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path) with { Source = path };
    }

    /// <summary>Reads a description from its text.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="fileName">The name errors give the file.</param>
    /// <returns>The description.</returns>
    /// <exception cref="TopologyFileException">The text has problems.</exception>
    public static ForwarderDescription Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var problems = new FileProblems(fileName);
        if (!YamlTreeReader.TryRead(text, out var root, out var syntax))
        {
            problems.Add(syntax!.Value.Line, "yaml", syntax.Value.Reason);
            throw problems.ToException();
        }

        if (root is not YamlTreeMapping top)
        {
            problems.Add(root?.Line ?? 1, "(file)", $"a forwarder description is a mapping with name, image, modes and readiness; found {root?.Kind ?? "nothing"}");
            throw problems.ToException();
        }

        var entries = new Dictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)>(StringComparer.Ordinal);
        foreach (var (key, value) in top.Entries)
        {
            if (!Keys.Contains(key.Value, StringComparer.Ordinal))
            {
                problems.Add(key.Line, key.Value, $"unknown key (known: {string.Join(", ", Keys)})");
            }
            else if (!entries.TryAdd(key.Value, (key, value)))
            {
                problems.Add(key.Line, key.Value, "given twice");
            }
        }

        var reader = new Reader(problems, entries);
        var name = reader.RequiredText("name");
        if (name is not null && !NamePattern().IsMatch(name))
        {
            problems.Add(entries["name"].Value.Line, "name", $"'{name}' is not a name (letters, digits, '.', '_', '-', '/', ':')");
        }

        var image = reader.RequiredText("image");
        var modes = reader.Words("modes", ForwarderCapabilities.Modes, required: true);
        var schedulers = reader.Words("schedulers", ForwarderCapabilities.Schedulers, required: false);
        var capabilities = reader.Words("capabilities", [.. ForwarderCapabilities.Known.Keys], required: false);
        var linuxCapabilities = reader.Names("linuxCapabilities", LinuxCapabilityPattern(), "a Linux capability as Docker names it (e.g. SYS_ADMIN, no CAP_ prefix)");
        var environment = reader.Pairs("environment", EnvironmentNamePattern(), "an environment variable name");
        var sysctls = reader.Pairs("sysctls", SysctlPattern(), "a kernel setting (e.g. net.ipv4.ip_forward)");
        var requirements = reader.Requirements();
        var readiness = reader.Readiness();
        if (problems.Any || name is null || image is null || readiness is null)
        {
            throw problems.Any ? problems.ToException() : new InvalidOperationException("the forwarder description could not be read, yet no problem was recorded");
        }

        return new ForwarderDescription
        {
            Name = name,
            Image = image,
            Modes = modes,
            Schedulers = schedulers,
            Capabilities = capabilities,
            LinuxCapabilities = linuxCapabilities,
            Environment = environment,
            Sysctls = sysctls,
            Requirements = requirements,
            Readiness = readiness,
            Source = fileName,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/:-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex("^(?!CAP_)[A-Z][A-Z0-9_]*$")]
    private static partial Regex LinuxCapabilityPattern();

    [GeneratedRegex("^[a-z0-9_]+(\\.[A-Za-z0-9_-]+)+$")]
    private static partial Regex SysctlPattern();

    private sealed class Reader(FileProblems problems, Dictionary<string, (YamlTreeScalar Key, YamlTreeNode Value)> entries)
    {
        public string? RequiredText(string key)
        {
            if (!entries.TryGetValue(key, out var entry))
            {
                problems.Add(1, key, "missing (required)");
                return null;
            }

            return Text(entry.Value, key);
        }

        public HashSet<string> Words(string key, IReadOnlyList<string> known, bool required)
        {
            var words = new HashSet<string>(StringComparer.Ordinal);
            if (!entries.TryGetValue(key, out var entry))
            {
                if (required)
                {
                    problems.Add(1, key, $"missing (required; of {string.Join(", ", known)})");
                }

                return words;
            }

            if (entry.Value is not YamlTreeSequence list)
            {
                problems.Add(entry.Value.Line, key, $"expected a list such as [{known[0]}], found {entry.Value.Kind}");
                return words;
            }

            foreach (var item in list.Items)
            {
                if (Text(item, key) is not { } word)
                {
                    continue;
                }

                if (!known.Contains(word, StringComparer.Ordinal))
                {
                    problems.Add(item.Line, key, $"unknown '{word}' (known: {string.Join(", ", known)})");
                }
                else if (!words.Add(word))
                {
                    problems.Add(item.Line, key, $"'{word}' given twice");
                }
            }

            if (required && words.Count == 0 && list.Items.Count == 0)
            {
                problems.Add(entry.Value.Line, key, $"empty: claim at least one of {string.Join(", ", known)}");
            }

            return words;
        }

        public List<string> Names(string key, Regex pattern, string what)
        {
            var names = new List<string>();
            if (!entries.TryGetValue(key, out var entry))
            {
                return names;
            }

            if (entry.Value is not YamlTreeSequence list)
            {
                problems.Add(entry.Value.Line, key, $"expected a list, found {entry.Value.Kind}");
                return names;
            }

            foreach (var item in list.Items)
            {
                if (Text(item, key) is not { } name)
                {
                    continue;
                }

                if (!pattern.IsMatch(name))
                {
                    problems.Add(item.Line, key, $"'{name}' is not {what}");
                }
                else if (names.Contains(name, StringComparer.Ordinal))
                {
                    problems.Add(item.Line, key, $"'{name}' given twice");
                }
                else
                {
                    names.Add(name);
                }
            }

            return names;
        }

        public Dictionary<string, string> Pairs(string key, Regex namePattern, string what)
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!entries.TryGetValue(key, out var entry))
            {
                return pairs;
            }

            if (entry.Value is not YamlTreeMapping map)
            {
                problems.Add(entry.Value.Line, key, $"expected a mapping of NAME: VALUE, found {entry.Value.Kind}");
                return pairs;
            }

            foreach (var (name, value) in map.Entries)
            {
                var field = $"{key}.{name.Value}";
                if (!namePattern.IsMatch(name.Value))
                {
                    problems.Add(name.Line, field, $"'{name.Value}' is not {what}");
                }
                else if (Text(value, field) is { } text && !pairs.TryAdd(name.Value, text))
                {
                    problems.Add(name.Line, field, "given twice");
                }
            }

            return pairs;
        }

        public List<HostRequirement> Requirements()
        {
            var requirements = new List<HostRequirement>();
            if (!entries.TryGetValue("requires", out var entry))
            {
                return requirements;
            }

            if (entry.Value is not YamlTreeSequence list)
            {
                problems.Add(entry.Value.Line, "requires", $"expected a list of {{ path, reason }}, found {entry.Value.Kind}");
                return requirements;
            }

            foreach (var item in list.Items)
            {
                if (item is not YamlTreeMapping map || map.Entries.Count != 2
                    || map.Entries.FirstOrDefault(e => e.Key.Value == "path").Value is not YamlTreeScalar { IsNull: false } path
                    || map.Entries.FirstOrDefault(e => e.Key.Value == "reason").Value is not YamlTreeScalar { IsNull: false } reason)
                {
                    problems.Add(item.Line, "requires", "each requirement is { path: /host/path, reason: why the forwarder needs it }");
                    continue;
                }

                if (!path.Value.StartsWith('/'))
                {
                    problems.Add(path.Line, "requires.path", $"'{path.Value}' is not an absolute path");
                }

                requirements.Add(new HostRequirement(path.Value, reason.Value));
            }

            return requirements;
        }

        public NodeReadiness? Readiness()
        {
            if (!entries.TryGetValue("readiness", out var entry))
            {
                problems.Add(1, "readiness", "missing (required): one of log: PATTERN, command: [ARGS], file: PATH");
                return null;
            }

            if (entry.Value is not YamlTreeMapping { Entries.Count: 1 } map || !ReadinessKeys.Contains(map.Entries[0].Key.Value, StringComparer.Ordinal))
            {
                problems.Add(entry.Value.Line, "readiness", "expected exactly one of log: PATTERN, command: [ARGS], file: PATH");
                return null;
            }

            var (kind, value) = (map.Entries[0].Key.Value, map.Entries[0].Value);
            var field = $"readiness.{kind}";
            switch (kind)
            {
                case "log":
                    if (Text(value, field) is not { } pattern)
                    {
                        return null;
                    }

                    try
                    {
                        return NodeReadiness.LogLine(pattern);
                    }
                    catch (ArgumentException e)
                    {
                        problems.Add(value.Line, field, $"'{pattern}' is not a regular expression: {e.Message}");
                        return null;
                    }

                case "command":
                    if (value is not YamlTreeSequence { Items.Count: > 0 } words)
                    {
                        problems.Add(value.Line, field, $"expected the command as a list of words, e.g. [sh, -c, \"test -e /run/ready\"], found {value.Kind}");
                        return null;
                    }

                    var arguments = words.Items.Select(w => Text(w, field)).ToList();
                    return arguments.Any(a => a is null) ? null : NodeReadiness.Command([.. arguments!]);
                default:
                    if (Text(value, field) is not { } path)
                    {
                        return null;
                    }

                    if (!path.StartsWith('/'))
                    {
                        problems.Add(value.Line, field, $"'{path}' is not an absolute path");
                        return null;
                    }

                    return NodeReadiness.File(path);
            }
        }

        private string? Text(YamlTreeNode node, string field)
        {
            if (node is YamlTreeScalar { IsNull: false } scalar && scalar.Value.Length > 0)
            {
                return scalar.Value;
            }

            problems.Add(node.Line, field, $"expected text, found {node.Kind}");
            return null;
        }
    }
}
