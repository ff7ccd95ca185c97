using System.Globalization;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// Reads marks files for <see cref="FirewallMarkRules.Parse"/>: one
/// <c>iptables -t mangle -A PREROUTING ... -j MARK --set-mark N</c> command per line. Only what a
/// mark service needs is understood; anything else is an error rather than a rule that silently
/// matches more (or less) than iptables would.
/// </summary>
internal static class FirewallMarkRuleParser
{
    private const string Supported =
        "supported: -t mangle, -A PREROUTING, -d, -p, -m tcp|udp|multiport, --dport, --dports, -j MARK, --set-mark, --set-xmark";

    private const string MarkRange = "1..4294967295";

    // iptables commands other than -A: a marks file is a list of appended rules.
    private static readonly string[] OtherCommands =
    [
        "-I", "--insert", "-D", "--delete", "-R", "--replace", "-C", "--check", "-F", "--flush",
        "-L", "--list", "-S", "--list-rules", "-Z", "--zero", "-N", "--new-chain", "-X", "--delete-chain",
        "-P", "--policy", "-E", "--rename-chain",
    ];

    /// <summary>Parses a marks file.</summary>
    /// <param name="text">The text.</param>
    /// <param name="sourceName">A label for messages.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="RuleParseException">A line is not understood.</exception>
    public static FirewallMarkRules Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);

        var rules = new List<FirewallMarkRule>();
        string[] lines = text.Split('\n');
        for (int index = 0; index < lines.Length; index++)
        {
            string line = lines[index].TrimEnd('\r');
            List<string> tokens = Tokenize(line);
            if (tokens.Count > 0)
            {
                rules.Add(ParseLine(new LineContext(sourceName, index + 1, line), tokens));
            }
        }

        return rules.Count == 0 ? FirewallMarkRules.Empty : new FirewallMarkRules(rules);
    }

    private static FirewallMarkRule ParseLine(LineContext context, List<string> tokens)
    {
        if (tokens.Contains("!"))
        {
            throw context.Error("negation '!' is not supported (write rules for the packets to mark)");
        }

        var draft = new Draft();
        int start = IsIptables(tokens[0]) ? 1 : 0;
        for (int i = start; i < tokens.Count; i++)
        {
            string token = tokens[i];
            string name = token;
            string? value = null;
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            if (token.StartsWith("--", StringComparison.Ordinal) && equals > 2)
            {
                name = token[..equals];
                value = token[(equals + 1)..];
            }

            string canonical = CanonicalOption(name) ?? throw UnknownToken(context, name, i == 0);
            if (value is null)
            {
                if (i + 1 >= tokens.Count || LooksLikeOption(tokens[i + 1]))
                {
                    throw context.Error($"option '{name}' needs a value");
                }

                value = tokens[++i];
            }
            else if (value.Length == 0)
            {
                throw context.Error($"option '{name}' needs a value");
            }

            if (canonical == "-m")
            {
                AddMatch(context, draft, value);
                continue;
            }

            string slot = canonical is "--set-mark" or "--set-xmark" ? "mark" : canonical;
            if (draft.Names.TryGetValue(slot, out string? previous))
            {
                throw context.Error(string.Equals(previous, name, StringComparison.Ordinal)
                    ? $"option '{name}' is given more than once"
                    : $"option '{name}' is given more than once (also as '{previous}')");
            }

            draft.Names[slot] = name;
            ReadValue(context, draft, canonical, name, value);
        }

        return Build(context, draft);
    }

    private static void ReadValue(LineContext context, Draft draft, string canonical, string name, string value)
    {
        switch (canonical)
        {
            case "-t":
                if (!string.Equals(value, "mangle", StringComparison.Ordinal))
                {
                    throw context.Error($"table '{value}' is not supported: marks are set in the mangle table (-t mangle)");
                }

                break;
            case "-A":
                if (!string.Equals(value, "PREROUTING", StringComparison.Ordinal))
                {
                    throw context.Error($"chain '{value}' is not supported: the director marks packets as they arrive (-A PREROUTING)");
                }

                draft.HasChain = true;
                break;
            case "-d":
                (draft.Destination, draft.PrefixLength) = ParseDestination(context, value);
                break;
            case "-p":
                draft.Protocol = value.ToLowerInvariant() switch
                {
                    "tcp" => ServiceProtocol.Tcp,
                    "udp" => ServiceProtocol.Udp,
                    "all" => null,
                    _ => throw context.Error($"protocol '{value}' is not supported (tcp, udp)"),
                };
                break;
            case "--dport":
                draft.SinglePort = ParsePortRange(context, value, value);
                break;
            case "--dports":
                draft.PortList = ParsePortList(context, name, value);
                break;
            case "-j":
                if (!string.Equals(value, "MARK", StringComparison.Ordinal))
                {
                    throw context.Error($"target '{value}' is not supported: a rule sets a mark (-j MARK --set-mark N)");
                }

                draft.HasMarkTarget = true;
                break;
            default:
                draft.Mark = ParseMark(context, value);
                break;
        }
    }

    private static void AddMatch(LineContext context, Draft draft, string match)
    {
        if (match is not ("tcp" or "udp" or "multiport"))
        {
            throw context.Error($"match '{match}' is not supported (tcp, udp, multiport)");
        }

        if (draft.Matches.Contains(match))
        {
            throw context.Error($"match '{match}' is given more than once");
        }

        draft.Matches.Add(match);
    }

    private static FirewallMarkRule Build(LineContext context, Draft draft)
    {
        if (!draft.HasChain)
        {
            throw context.Error("missing chain: a rule appends to PREROUTING (-A PREROUTING)");
        }

        string? protocolName = draft.Protocol switch
        {
            ServiceProtocol.Tcp => "tcp",
            ServiceProtocol.Udp => "udp",
            _ => null,
        };
        foreach (string match in draft.Matches)
        {
            if (match is "tcp" or "udp" && !string.Equals(match, protocolName, StringComparison.Ordinal))
            {
                throw context.Error($"match '-m {match}' needs -p {match}");
            }
        }

        bool multiport = draft.Matches.Contains("multiport");
        if (draft.SinglePort is not null && draft.PortList is not null)
        {
            throw context.Error(
                $"option '{draft.Names["--dport"]}' and option '{draft.Names["--dports"]}' together: use one of --dport or -m multiport --dports");
        }

        if (draft.SinglePort is not null && protocolName is null)
        {
            throw context.Error($"option '{draft.Names["--dport"]}' needs -p tcp or -p udp");
        }

        if (draft.PortList is not null && !multiport)
        {
            throw context.Error($"option '{draft.Names["--dports"]}' needs -m multiport");
        }

        if (multiport && protocolName is null)
        {
            throw context.Error("match '-m multiport' needs -p tcp or -p udp");
        }

        if (multiport && draft.PortList is null)
        {
            throw context.Error("match '-m multiport' needs --dports");
        }

        if (!draft.HasMarkTarget)
        {
            throw context.Error("missing target: a rule ends with -j MARK --set-mark N");
        }

        if (draft.Mark is not { } mark)
        {
            throw context.Error("target 'MARK' needs --set-mark N");
        }

        PortRange[] ports = draft.PortList ?? (draft.SinglePort is { } single ? [single] : []);
        return new FirewallMarkRule(draft.Destination, draft.PrefixLength, draft.Protocol, ports, mark)
        {
            LineNumber = context.LineNumber,
        };
    }

    private static (Ipv4Address Network, int PrefixLength) ParseDestination(LineContext context, string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash >= 0 ? text[..slash] : text;
        if (!Ipv4Address.TryParse(addressText, out Ipv4Address address))
        {
            throw context.Error($"bad destination '{text}': expected an IPv4 address a.b.c.d[/0..32] (numeric; names are not looked up)");
        }

        if (slash < 0)
        {
            return (address, 32);
        }

        string lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 2
            || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out int length)
            || length > 32)
        {
            throw context.Error($"bad prefix length '{lengthText}' in '{text}': expected 0..32");
        }

        // As iptables does, host bits beyond the prefix are dropped: 10.0.0.7/24 is 10.0.0.0/24.
        return (address, length);
    }

    private static PortRange[] ParsePortList(LineContext context, string name, string text)
    {
        string[] parts = text.Split(',');
        var ranges = new PortRange[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            ranges[i] = ParsePortRange(context, parts[i], text);
        }

        if (FirewallMarkRule.PortSlots(ranges) > FirewallMarkRule.MaxPortSlots)
        {
            throw context.Error(
                $"too many ports in '{name} {text}': multiport takes at most {FirewallMarkRule.MaxPortSlots} (a range counts as two)");
        }

        return ranges;
    }

    private static PortRange ParsePortRange(LineContext context, string text, string whole)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            ushort port = ParsePort(context, text, whole);
            return new PortRange(port);
        }

        ushort first = ParsePort(context, text[..colon], whole);
        ushort last = ParsePort(context, text[(colon + 1)..], whole);
        if (first > last)
        {
            throw context.Error($"bad port range '{text}': the first port is above the last");
        }

        return new PortRange(first, last);
    }

    private static ushort ParsePort(LineContext context, string text, string whole)
    {
        string where = string.Equals(text, whole, StringComparison.Ordinal) ? string.Empty : $" in '{whole}'";
        if (text.Length is 0 or > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            throw context.Error($"bad port '{text}'{where}: expected a number 1..65535 (numeric; names are not looked up)");
        }

        if (port is 0 or > ushort.MaxValue)
        {
            throw context.Error($"bad port '{text}'{where}: out of range 1..65535");
        }

        return (ushort)port;
    }

    private static uint ParseMark(LineContext context, string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string valueText = slash >= 0 ? text[..slash] : text;
        uint mark = ParseNumber(valueText)
            ?? throw context.Error($"bad mark '{text}': expected a number {MarkRange} (decimal or 0x hex)");
        if (slash >= 0)
        {
            string maskText = text[(slash + 1)..];
            uint mask = ParseNumber(maskText)
                ?? throw context.Error($"bad mark mask '{maskText}' in '{text}': expected a number (decimal or 0x hex)");
            if (mask != uint.MaxValue)
            {
                throw context.Error($"mark mask '{maskText}' in '{text}' is not supported: only whole marks (no mask, or /0xffffffff)");
            }
        }

        if (mark == 0)
        {
            throw context.Error($"mark '{text}' is 0, which marks nothing: IPVS firewall marks are {MarkRange}");
        }

        return mark;
    }

    private static uint? ParseNumber(string text)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        string digits = hex ? text[2..] : text;
        if (digits.Length == 0)
        {
            return null;
        }

        return uint.TryParse(
            digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out uint value)
            ? value
            : null;
    }

    private static string? CanonicalOption(string name) => name switch
    {
        "-t" or "--table" => "-t",
        "-A" or "--append" => "-A",
        "-d" or "--destination" or "--dst" => "-d",
        "-p" or "--protocol" => "-p",
        "-m" or "--match" => "-m",
        "--dport" or "--destination-port" => "--dport",
        "--dports" or "--destination-ports" => "--dports",
        "-j" or "--jump" => "-j",
        "--set-mark" => "--set-mark",
        "--set-xmark" => "--set-xmark",
        _ => null,
    };

    private static RuleParseException UnknownToken(LineContext context, string token, bool first)
    {
        if (Array.IndexOf(OtherCommands, token) >= 0)
        {
            return context.Error($"command '{token}' is not supported: a marks file appends rules in order (-A PREROUTING)");
        }

        if (LooksLikeOption(token))
        {
            return context.Error($"unsupported option '{token}' ({Supported})");
        }

        return context.Error(first
            ? $"unexpected token '{token}' (a line is a rule: [iptables] -t mangle -A PREROUTING ... -j MARK --set-mark N)"
            : $"unexpected token '{token}'");
    }

    // The command name itself, bare or as a path (/sbin/iptables).
    private static bool IsIptables(string token) =>
        string.Equals(token, "iptables", StringComparison.Ordinal) || token.EndsWith("/iptables", StringComparison.Ordinal);

    private static bool LooksLikeOption(string token) =>
        token.StartsWith("--", StringComparison.Ordinal) || (token.Length >= 2 && token[0] == '-' && char.IsAsciiLetter(token[1]));

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        foreach (string token in line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith('#'))
            {
                break;
            }

            tokens.Add(token);
        }

        return tokens;
    }

    private sealed class Draft
    {
        // Slot (a canonical option, or "mark") -> the option as written.
        public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

        public List<string> Matches { get; } = [];

        public bool HasChain { get; set; }

        public Ipv4Address Destination { get; set; }

        public int PrefixLength { get; set; }

        public ServiceProtocol? Protocol { get; set; }

        public PortRange? SinglePort { get; set; }

        public PortRange[]? PortList { get; set; }

        public bool HasMarkTarget { get; set; }

        public uint? Mark { get; set; }
    }

    private readonly record struct LineContext(string SourceName, int LineNumber, string Line)
    {
        public RuleParseException Error(string reason) => new(SourceName, LineNumber, Line, reason);
    }
}
