namespace LvsLab.Decap;

/// <summary>The command line of <c>lvs-decap</c>.</summary>
internal sealed record DecapArguments
{
    /// <summary>The TUN device made when <c>--tun</c> is not given.</summary>
    public const string DefaultTun = "tun0";

    /// <summary>The stats file written when <c>--stats</c> is not given.</summary>
    public const string DefaultStats = "/run/lvs-decap.json";

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: lvs-decap [--tun NAME] [--stats PATH]
          --tun NAME     TUN device to create and bring up (default tun0; at most 15 characters)
          --stats PATH   JSON counters file, rewritten atomically on change (default /run/lvs-decap.json)
        Receives tunnelled packets on raw sockets (IPv4 in IPv4: protocol 4; IPv6 in IPv6 and
        IPv4 in IPv6: next headers 41 and 4, unless IPv6 is disabled on the node) and writes each
        valid inner packet to the TUN device. Needs CAP_NET_ADMIN, CAP_NET_RAW and /dev/net/tun.
        """;

    /// <summary>The TUN device's name.</summary>
    public string TunName { get; init; } = DefaultTun;

    /// <summary>The stats file.</summary>
    public string StatsPath { get; init; } = DefaultStats;

    /// <summary>True when help was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The parsed command line.</returns>
    public static DecapArguments Parse(IReadOnlyList<string> args)
    {
        var result = new DecapArguments();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");
            result = args[i] switch
            {
                "--tun" => result with { TunName = ValidTunName(Value()) },
                "--stats" => result with { StatsPath = ValidStatsPath(Value()) },
                "--help" or "-h" => result with { Help = true },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }

        return result;
    }

    /// <summary>An interface name the kernel takes: 1 to 15 of letters, digits, '-', '_' and '.'.</summary>
    private static string ValidTunName(string name)
    {
        if (name.Length is 0 or > 15 || name is "." or ".."
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"--tun '{name}' is not a valid interface name (1-15 of letters, digits, '-', '_', '.')");
        }

        return name;
    }

    private static string ValidStatsPath(string path) =>
        string.IsNullOrWhiteSpace(path) ? throw new ArgumentException("--stats needs a non-empty path") : path;
}
