using LvsLab.Packets;

namespace LvsLab.Director.Host;

/// <summary>The command line of <c>lvs-director</c>.</summary>
internal sealed record DirectorArguments
{
    /// <summary>Where the control socket listens.</summary>
    public const string DefaultControlSocket = "/run/lvs-director.sock";

    public string Command { get; init; } = "run";

    /// <summary>The interfaces to forward on, in port order (comma-separated or repeated on the command line).</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = ["eth0"];

    private bool ExplicitInterfaces { get; init; }

    public string? RulesPath { get; init; }

    /// <summary>The most connections kept; the least recently used is evicted beyond it.</summary>
    public int ConnectionCapacity { get; init; } = Connections.ConnectionTable.DefaultCapacity;

    /// <summary>Which connection a full table evicts (<c>--eviction embryonic-first|lru</c>).</summary>
    public Connections.ConnectionEviction ConnectionEviction { get; init; } = Connections.ConnectionEviction.EmbryonicFirst;

    /// <summary>The frame I/O: AF_PACKET rings (default) or libpcap.</summary>
    public FrameIoKind Io { get; init; } = FrameIoKind.AfPacket;

    /// <summary>How long the AF_PACKET worker busy-polls for frames before it sleeps (µs; 0: never).</summary>
    public int SpinMicroseconds { get; init; }

    /// <summary>
    /// The longest the AF_PACKET worker waits for more frames after a pass, when the arrival rate
    /// says a batch will gather (µs; 0: never waits). See <see cref="PacketIo.ReceiveCoalescing"/>.
    /// </summary>
    public int CoalesceMicroseconds { get; init; } = 50;

    /// <summary>AF_PACKET worker threads (1 to 8): more than one spreads each port's frames over them by flow hash.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Deliberate faults (<c>--fault</c>): a mutant director for testing the tests.</summary>
    public DirectorFaults Faults { get; init; }

    /// <summary>The firewall-mark rules (iptables mangle MARK lines) for <c>-f</c> services.</summary>
    public string? MarksPath { get; init; }

    /// <summary>For <c>restore</c>: clear the running rules first (otherwise the file's commands apply to them).</summary>
    public bool Replace { get; init; }

    /// <summary>For <c>ipvsadm</c>: the ipvsadm arguments, passed on to the running director.</summary>
    public IReadOnlyList<string> IpvsadmArguments { get; init; } = [];

    public bool Json { get; init; }

    /// <summary>For <c>edit</c>: the service (<c>tcp ADDR:PORT</c> or <c>udp ADDR:PORT</c>).</summary>
    public string? Service { get; init; }

    /// <summary>For <c>edit</c>: the real server, ADDR[:PORT].</summary>
    public string? RealServer { get; init; }

    /// <summary>For <c>edit</c>: the new weight.</summary>
    public int? Weight { get; init; }

    public string ControlSocket { get; init; } = DefaultControlSocket;

    /// <summary>The VRRP instance (<c>--vrrp VRID,PRIORITY[,INTERVAL][,nopreempt]</c>), or none.</summary>
    public Vrrp.VrrpSetting? Vrrp { get; init; }

    /// <summary>
    /// The VRRP pair's floating addresses besides the VIPs (<c>--vrrp-address ADDR</c>, repeated):
    /// answered for by ARP while master, on the interface whose subnet holds each — a NAT pair's
    /// gateway for the real servers.
    /// </summary>
    public IReadOnlyList<Ipv4Address> FloatingAddresses { get; init; } = [];

    /// <summary>IPVS's <c>sloppy_tcp</c> (<c>--sloppy-tcp</c>): a TCP segment without a connection is scheduled like a SYN.</summary>
    public bool SloppyTcp { get; init; }

    /// <summary>Whether a VRRP pair synchronises its connections (on unless <c>--sync off</c>).</summary>
    public bool Sync { get; init; } = true;

    /// <summary>How often the master sends its connection table (<c>--sync-period MS</c>, default 500).</summary>
    public int SyncPeriodMilliseconds { get; init; } = 500;

    public const string Usage = """
        usage: lvs-director [run] --rules FILE [--marks FILE] [--interface IF[,IF...]] [--control PATH] [--max-connections N] [--eviction embryonic-first|lru] [--io af-packet|pcap] [--workers N] [--busy-poll MICROSECONDS] [--coalesce MICROSECONDS] [--sloppy-tcp] [--vrrp VRID,PRIORITY[,INTERVAL][,nopreempt] [--vrrp-address ADDR]... [--sync on|off] [--sync-period MS]] [--fault NAME,...]
               lvs-director check --rules FILE [--marks FILE]
               lvs-director restore --rules FILE [--replace]   (apply a file of ipvsadm commands at once, like ipvsadm -R;
                   --replace clears the running rules first; all or nothing)
               lvs-director ipvsadm ARGS...                    (like ipvsadm against the running director:
                   -A|-E|-D -t|-u VIP:PORT|-f MARK [-s SCHED] [-p [SECS]] [-M MASK] [-o]
                   -a|-e|-d -t|-u VIP:PORT|-f MARK -r RIP[:PORT] [-g|-m|-i] [-w W]    -C
                   -L|-l [-n] [--stats|--rate|--timeout|-c]    -S [-n]    --set TCP TCPFIN UDP    -Z)
               lvs-director stats [--json] [--control PATH]     (counters, like ipvsadm -Ln --stats)
               lvs-director list [--control PATH]              (services and real servers, like ipvsadm -Ln)
               lvs-director connections [--control PATH]       (the connection table, like ipvsadm -Lnc)
               lvs-director edit -t|-u VIP:PORT -r RIP[:PORT] -w W   (like ipvsadm -e: weight 0 drains)
        """;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static DirectorArguments Parse(IReadOnlyList<string> args)
    {
        var result = new DirectorArguments();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            result = result with { Command = args[0] };
            i = 1;
            if (result.Command is not ("run" or "check" or "stats" or "list" or "connections" or "edit" or "ipvsadm" or "restore"))
            {
                throw new ArgumentException($"unknown command '{args[0]}'");
            }
        }

        if (result.Command == "ipvsadm")
        {
            // Everything after the word is ipvsadm's, except where the control socket is.
            var rest = args.Skip(1).ToList();
            var control = rest.IndexOf("--control");
            if (control >= 0)
            {
                if (control + 1 >= rest.Count)
                {
                    throw new ArgumentException("option '--control' needs a value");
                }

                result = result with { ControlSocket = rest[control + 1] };
                rest.RemoveRange(control, 2);
            }

            return rest.Count == 0 || rest.Any(a => a.Any(char.IsWhiteSpace))
                ? throw new ArgumentException("ipvsadm needs arguments, e.g. 'ipvsadm -L -n' (no argument may hold a space)")
                : result with { IpvsadmArguments = rest };
        }

        for (; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");
            result = args[i] switch
            {
                "--interface" or "-i" => result with { Interfaces = AddInterfaces(result, Value()), ExplicitInterfaces = true },
                "--rules" or "-r" when result.Command != "edit" => result with { RulesPath = Value() },
                "--marks" => result with { MarksPath = Value() },
                "--workers" => result with { Workers = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 8 ? n : throw new ArgumentException($"--workers '{args[i]}': 1 to 8") },
                "--coalesce" => result with { CoalesceMicroseconds = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var hold) && hold <= 1000 ? hold : throw new ArgumentException($"--coalesce '{args[i]}': microseconds, 0 to 1000") },
                "--busy-poll" => result with { SpinMicroseconds = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var us) && us <= 1_000_000 ? us : throw new ArgumentException($"--busy-poll '{args[i]}': microseconds, 0 to 1000000") },
                "--io" => result with { Io = Value() switch { "af-packet" => FrameIoKind.AfPacket, "pcap" => FrameIoKind.Pcap, var v => throw new ArgumentException($"--io '{v}': af-packet or pcap") } },
                "--eviction" => result with
                {
                    ConnectionEviction = Value() switch
                    {
                        "embryonic-first" => Connections.ConnectionEviction.EmbryonicFirst,
                        "lru" => Connections.ConnectionEviction.LeastRecentlyUsed,
                        _ => throw new ArgumentException($"--eviction '{args[i]}': embryonic-first (the default: half-open connections go first) or lru"),
                    },
                },
                "--max-connections" => result with { ConnectionCapacity = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) && c >= 1 ? c : throw new ArgumentException($"--max-connections '{args[i]}' is not a whole number ≥ 1") },
                "--control" => result with { ControlSocket = Value() },
                "--vrrp" => result with { Vrrp = LvsLab.Director.Host.Vrrp.VrrpSetting.Parse(Value()) },
                "--vrrp-address" => result with { FloatingAddresses = [.. result.FloatingAddresses, Ipv4Address.TryParse(Value(), out var floating) && floating != Ipv4Address.Any ? floating : throw new ArgumentException($"--vrrp-address '{args[i]}' is not an IPv4 address")] },
                "--sync" => result with { Sync = Value() switch { "on" => true, "off" => false, var v => throw new ArgumentException($"--sync '{v}': on or off") } },
                "--sync-period" => result with { SyncPeriodMilliseconds = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var period) && period is >= 50 and <= 60_000 ? period : throw new ArgumentException($"--sync-period '{args[i]}': milliseconds, 50 to 60000") },
                "--fault" => result with { Faults = ParseFaults(Value()) },
                "--json" => result with { Json = true },
                "--sloppy-tcp" => result with { SloppyTcp = true },
                "--replace" => result with { Replace = true },
                "-t" or "--tcp-service" => result with { Service = "tcp " + Value() },
                "-u" or "--udp-service" => result with { Service = "udp " + Value() },
                "-r" or "--real-server" when result.Command == "edit" => result with { RealServer = Value() },
                "-w" or "--weight" => result with { Weight = int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) && w <= 65535 ? w : throw new ArgumentException($"weight '{args[i]}' is not a whole number 0..65535") },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }

        if (result.Command == "edit" && (result.Service is null || result.RealServer is null || result.Weight is null))
        {
            throw new ArgumentException("edit needs -t|-u VIP:PORT -r RIP[:PORT] -w WEIGHT");
        }

        if (result.FloatingAddresses.Count > 0 && result.Vrrp is null)
        {
            throw new ArgumentException("--vrrp-address needs --vrrp: a floating address moves with the VRRP master");
        }

        if (result.Command is "run" or "check" or "restore" && result.RulesPath is null)
        {
            throw new ArgumentException("--rules FILE is required");
        }

        return result;
    }

    private static List<string> AddInterfaces(DirectorArguments current, string value)
    {
        var named = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (named.Length == 0)
        {
            throw new ArgumentException($"--interface '{value}' names no interface");
        }

        // The first --interface replaces the default eth0; later ones add ports.
        var list = current.ExplicitInterfaces ? [.. current.Interfaces] : new List<string>();
        list.AddRange(named);
        return list.Distinct(StringComparer.Ordinal).Count() == list.Count
            ? list
            : throw new ArgumentException($"--interface: an interface is named twice ({string.Join(", ", list)})");
    }

    /// <summary>The fault names of <c>--fault</c>, comma-separated.</summary>
    public static IReadOnlyDictionary<string, DirectorFaults> FaultNames { get; } = new Dictionary<string, DirectorFaults>(StringComparer.Ordinal)
    {
        ["arp-silent"] = DirectorFaults.ArpSilent,
        ["dr-source-mac"] = DirectorFaults.DrSourceMac,
        ["ttl"] = DirectorFaults.Ttl,
        ["nat-checksum"] = DirectorFaults.NatChecksum,
        ["nat-reply-unmapped"] = DirectorFaults.NatReplyUnmapped,
        ["first-server"] = DirectorFaults.FirstServer,
        ["source-nat"] = DirectorFaults.SourceNat,
        ["frag-silent"] = DirectorFaults.FragmentationSilent,
        ["icmp-dropped"] = DirectorFaults.IcmpDropped,
        ["bad-checksum"] = DirectorFaults.ForwardBadChecksum,
        ["no-affinity"] = DirectorFaults.NoAffinity,
        ["no-gratuitous-arp"] = DirectorFaults.NoGratuitousArp,
    };

    private static DirectorFaults ParseFaults(string names)
    {
        var faults = DirectorFaults.None;
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            faults |= FaultNames.TryGetValue(name, out var fault)
                ? fault
                : throw new ArgumentException($"--fault '{name}': unknown (faults: {string.Join(", ", FaultNames.Keys)})");
        }

        return faults;
    }
}
