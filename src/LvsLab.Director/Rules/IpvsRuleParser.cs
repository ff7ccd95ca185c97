using System.Globalization;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// Reads <c>ipvsadm-save -n</c> / <c>ipvsadm -R</c> text: one command per line, in short or long
/// option form, applied in order to build the final rule set. Blank lines and <c>#</c> comments
/// are ignored. All or nothing: the first error throws <see cref="RuleParseException"/> with the
/// line number and a reason.
/// </summary>
/// <remarks>
/// <para>
/// Commands: <c>-A</c>/<c>-E</c>/<c>-D</c> add, edit and delete a service; <c>-a</c>/<c>-e</c>/<c>-d</c>
/// add, edit and delete a real server; <c>-C</c> clears everything. Editing replaces every
/// attribute of the service (or real server) with the line's values and ipvsadm's defaults, as
/// ipvsadm does; a service keeps its real servers.
/// </para>
/// <para>
/// Services: <c>-t</c>/<c>-u</c> a.b.c.d:port or [2001:db8::1]:port (port 0 only when persistent) or <c>-f</c> mark
/// (1..2^32-1), with <c>-s</c> (any IPVS scheduler; <c>wlc</c> when absent), <c>-p [timeout]</c>
/// (300 s when the value is left out, 1..2678400), <c>-M</c> netmask (with <c>-p</c> only),
/// <c>-o</c> (UDP or firewall-mark services only) and <c>-b</c> flags. Real servers: <c>-r</c>
/// a.b.c.d[:port] or [v6][:port] (of the service's family, except with <c>-i</c>), one of <c>-g</c> (default), <c>-m</c>, <c>-i</c> [<c>--tun-type ipip</c>],
/// <c>-w</c> 0..65535 (default 1), <c>-x</c>/<c>-y</c> 0..2^31-1.
/// </para>
/// <para>
/// Both save forms are read: ipvsadm 1.26 prints one-packet scheduling as a bare <c>ops</c>;
/// 1.31 prints <c>-o</c>, <c>-b</c> flags and <c>--tun-type</c>. The parser accepts what
/// ipvsadm accepts whether or not the director can run it; <see cref="RuleSupport"/> says what it
/// cannot run yet.
/// </para>
/// </remarks>
public static class IpvsRuleParser
{
    /// <summary>ipvsadm's scheduler when <c>-s</c> is absent.</summary>
    public const string DefaultScheduler = "wlc";

    private static readonly string[] SchedulerNames =
        ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"];

    // ipvsadm options that exist but are not rule-file material or not supported by this parser.
    private static readonly string[] UnsupportedOptions =
    [
        "-R", "--restore", "-S", "--save", "-L", "-l", "--list",
        "-Z", "--zero", "--set", "--start-daemon", "--stop-daemon", "-h", "--help",
        "--sctp-service", "-6", "--ipv6", "--pe", "--tun-port", "--tun-nocsum", "--tun-csum", "--tun-remcsum",
        "-c", "--connection", "-n", "--numeric", "--exact", "--stats", "--rate", "--thresholds",
        "--persistent-conn", "--nosort", "--sort", "--mcast-interface", "--syncid",
        "--mcast-group", "--mcast-port", "--mcast-ttl", "--timeout", "--daemon", "--tun-info",
    ];

    private const string SupportedTunnelType = "ipip";
    private static readonly string[] KnownTunnelTypes = [SupportedTunnelType, "gue", "gre"];

    private const string FlagNames = "flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port";

    /// <summary>The IPVS scheduler names the parser accepts after <c>-s</c>, whether or not the engine implements them.</summary>
    public static IReadOnlyList<string> KnownSchedulers => SchedulerNames;

    /// <summary>Parses rules.</summary>
    /// <param name="text">The rules text.</param>
    /// <param name="sourceName">A label for messages, usually the file name, e.g. <c>rules.ipvs</c>.</param>
    /// <returns>The rule set.</returns>
    /// <exception cref="RuleParseException">A line is not understood; nothing is returned.</exception>
    public static RuleSet Parse(string text, string sourceName) => Parse(text, sourceName, RuleSet.Empty);

    /// <summary>
    /// Applies ipvsadm commands to an existing rule set, as running <c>ipvsadm</c> against a
    /// configured kernel would: <c>-A</c> adds to it, <c>-E</c>, <c>-e</c>, <c>-D</c> and
    /// <c>-d</c> change what it holds, <c>-C</c> clears it.
    /// </summary>
    /// <param name="text">The commands, one per line, in ipvsadm syntax (without the word <c>ipvsadm</c>).</param>
    /// <param name="sourceName">A label for messages, e.g. <c>command</c>.</param>
    /// <param name="initial">The rule set the commands start from (it is not changed).</param>
    /// <returns>The resulting rule set.</returns>
    /// <exception cref="RuleParseException">A line is not understood or cannot apply; nothing is returned.</exception>
    public static RuleSet Parse(string text, string sourceName, RuleSet initial)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(initial);

        var services = new List<ServiceDraft>(initial.Services.Select(ServiceDraft.From));
        string[] lines = text.Split('\n');
        for (int index = 0; index < lines.Length; index++)
        {
            string line = lines[index].TrimEnd('\r');
            var context = new LineContext(sourceName, index + 1, line);
            List<string> tokens = Tokenize(line);
            if (tokens.Count == 0)
            {
                continue;
            }

            string? command = CanonicalCommand(tokens[0]);
            if (command is null)
            {
                throw UnknownToken(context, tokens[0], "a line starts with a command: -A, -E, -D, -a, -e, -d or -C");
            }

            LineOptions options = ReadOptions(context, tokens);
            CheckOptions(context, tokens[0], command, options);
            switch (command)
            {
                case "-A":
                case "-E":
                    AddOrEditService(context, command == "-E", options, services);
                    break;
                case "-D":
                    services.Remove(FindService(context, options, services, tokens[0], mustExist: true)!);
                    break;
                case "-a":
                case "-e":
                    AddOrEditServer(context, tokens[0], command == "-e", options, services);
                    break;
                case "-d":
                    DeleteServer(context, tokens[0], options, services);
                    break;
                default:
                    services.Clear();
                    break;
            }
        }

        return new RuleSet(services.Select(draft => draft.Build()));
    }

    private static string? CanonicalCommand(string token) => token switch
    {
        "-A" or "--add-service" => "-A",
        "-E" or "--edit-service" => "-E",
        "-D" or "--delete-service" => "-D",
        "-a" or "--add-server" => "-a",
        "-e" or "--edit-server" => "-e",
        "-d" or "--delete-server" => "-d",
        "-C" or "--clear" => "-C",
        _ => null,
    };

    // Which options each command takes (besides the service, which all but -C need).
    private static void CheckOptions(LineContext context, string commandToken, string command, LineOptions options)
    {
        bool serviceCommand = command is "-A" or "-E";
        bool serverCommand = command is "-a" or "-e";
        foreach ((string canonical, string name) in options.Names)
        {
            bool allowed = canonical switch
            {
                "svc" => command != "-C",
                "-s" or "-p" or "-M" or "-o" or "-b" => serviceCommand,
                "-r" => serverCommand || command == "-d",
                _ => serverCommand, // fwd, -w, -x, -y, --tun-type
            };
            if (!allowed)
            {
                string hint = command switch
                {
                    "-A" or "-E" => "it belongs on an -a line",
                    "-a" or "-e" => "it belongs on an -A line",
                    "-D" => "-D only names the service",
                    "-d" => "-d only names the service and the real server",
                    _ => "-C takes no options",
                };
                throw context.Error($"option '{name}' cannot be used with {commandToken} ({hint})");
            }
        }

        if (command == "-C")
        {
            return;
        }

        if (options.ServiceText is null)
        {
            throw context.Error($"missing service: {commandToken} needs -t or -u a.b.c.d:port, or -f mark");
        }

        if ((serverCommand || command == "-d") && options.RealServer is null)
        {
            throw context.Error($"missing real server: {commandToken} needs -r a.b.c.d[:port]");
        }
    }

    private static void AddOrEditService(LineContext context, bool edit, LineOptions options, List<ServiceDraft> services)
    {
        ServiceKey key = ParseServiceKey(context, options);
        string scheduler = options.Scheduler ?? DefaultScheduler;
        if (Array.IndexOf(SchedulerNames, scheduler) < 0)
        {
            throw context.Error($"unknown scheduler '{scheduler}' (IPVS schedulers: {string.Join(", ", SchedulerNames)})");
        }

        int? timeout = null;
        if (options.Has("-p"))
        {
            timeout = VirtualService.DefaultPersistenceTimeout;
            if (options.Persistent is { } text)
            {
                timeout = (int)ParseNumber(context, text, 1, VirtualService.MaxPersistenceTimeout, "persistence timeout");
            }
        }

        Ipv4Address netmask = Ipv4Address.Broadcast;
        int prefixLength = 128;
        if (options.Netmask is { } maskText)
        {
            if (timeout is null)
            {
                throw context.Error($"option '{options.NameOf("-M")}' needs -p (a netmask is the granularity of persistence)");
            }

            if (key.Mark is null && key.Address.IsIpv6)
            {
                // As ipvsadm: an IPv6 service's netmask is a prefix length.
                prefixLength = (int)ParseNumber(context, maskText, 1, 128, $"IPv6 persistence prefix length of {key}");
            }
            else
            {
                netmask = ParseNetmask(context, maskText);
            }
        }

        if (key.Mark is null && key.Port == 0 && timeout is null)
        {
            throw context.Error($"port 0 in '{options.ServiceText}' means every port, which only a persistent service (-p) may use");
        }

        bool onePacket = options.Has("-o");
        if (onePacket && key.Mark is null && key.Protocol == ServiceProtocol.Tcp)
        {
            throw context.Error($"option '{options.NameOf("-o")}' (one-packet scheduling) only applies to UDP services, not {key}");
        }

        SchedulerFlags flags = options.SchedulerFlags is { } flagText
            ? ParseSchedulerFlags(context, options.NameOf("-b"), flagText, scheduler)
            : SchedulerFlags.None;

        ServiceDraft? existing = services.Find(s => s.Key == key);
        if (edit)
        {
            if (existing is null)
            {
                throw context.Error($"cannot edit service {key}: it is not defined above (add it with -A first)");
            }
        }
        else
        {
            if (existing is not null)
            {
                throw context.Error($"duplicate service {key} ({Where(existing.LineNumber, "defined")})");
            }

            existing = new ServiceDraft(key, context.LineNumber);
            services.Add(existing);
        }

        existing.Scheduler = scheduler;
        existing.PersistenceTimeout = timeout;
        existing.Netmask = netmask;
        existing.PrefixLength = prefixLength;
        existing.OnePacket = onePacket;
        existing.Flags = flags;
    }

    private static void AddOrEditServer(
        LineContext context, string commandToken, bool edit, LineOptions options, List<ServiceDraft> services)
    {
        ServiceDraft service = FindService(context, options, services, commandToken, mustExist: true)!;
        (IpAddress address, ushort? givenPort) = ParseEndpoint(context, options.RealServer!, requirePort: false, allowPortZero: true);
        ForwardingMethod method = options.Method ?? ForwardingMethod.DirectRouting;
        CheckFamily(context, service.Key, address, method);
        TunnelType? tunnelType = method == ForwardingMethod.Tunnel ? TunnelType.IpIp : null;
        if (options.TunnelType is { } tunnelText)
        {
            if (method != ForwardingMethod.Tunnel)
            {
                throw context.Error(
                    $"option '{options.NameOf("--tun-type")}' only applies to -i (ipip) real servers, not {MethodFlag(method)}");
            }

            if (!string.Equals(tunnelText, SupportedTunnelType, StringComparison.Ordinal))
            {
                throw context.Error(Array.IndexOf(KnownTunnelTypes, tunnelText) >= 0
                    ? $"tunnel type '{tunnelText}' is not supported (supported: {SupportedTunnelType})"
                    : $"unknown tunnel type '{tunnelText}' (supported: {SupportedTunnelType})");
            }
        }

        ushort port = ServerPort(context, service, options.RealServer!, givenPort, method);
        int weight = options.Weight is { } weightText
            ? (int)ParseNumber(context, weightText, 0, RealServer.MaxWeight, "weight")
            : 1;
        int upper = options.UpperThreshold is { } upperText
            ? (int)ParseNumber(context, upperText, 0, RealServer.MaxThreshold, "upper threshold")
            : 0;
        int lower = options.LowerThreshold is { } lowerText
            ? (int)ParseNumber(context, lowerText, 0, RealServer.MaxThreshold, "lower threshold")
            : 0;
        if (lower > upper)
        {
            throw context.Error($"lower threshold {lower} is above the upper threshold {upper} (IPVS refuses this; 0 means no upper limit only when both are 0)");
        }

        var server = new RealServer(address, port, method, weight)
        {
            UpperThreshold = upper,
            LowerThreshold = lower,
            TunnelType = tunnelType,
        };

        int index = service.Servers.FindIndex(s => s.Server.Address == address && s.Server.Port == port);
        if (edit)
        {
            if (index < 0)
            {
                throw context.Error($"cannot edit real server {address.ToString(port)}: service {service.Key} has no such real server");
            }

            service.Servers[index] = (server, service.Servers[index].LineNumber);
            return;
        }

        if (index >= 0)
        {
            throw context.Error(
                $"duplicate real server {address.ToString(port)} in service {service.Key} ({Where(service.Servers[index].LineNumber, "added")})");
        }

        service.Servers.Add((server, context.LineNumber));
    }

    private static void DeleteServer(LineContext context, string commandToken, LineOptions options, List<ServiceDraft> services)
    {
        ServiceDraft service = FindService(context, options, services, commandToken, mustExist: true)!;
        (IpAddress address, ushort? givenPort) = ParseEndpoint(context, options.RealServer!, requirePort: false, allowPortZero: true);
        ushort port = givenPort ?? service.Key.Port;
        int index = service.Servers.FindIndex(s => s.Server.Address == address && s.Server.Port == port);
        if (index < 0)
        {
            throw context.Error($"cannot delete real server {address.ToString(port)}: service {service.Key} has no such real server");
        }

        service.Servers.RemoveAt(index);
    }

    // As IPVS: direct routing and NAT keep the packet's family, so their real servers have the
    // service's; a tunnel may cross families (IPv4 in IPv6, IPv6 in IPv4). Firewall-mark
    // services are IPv4 here.
    private static void CheckFamily(LineContext context, ServiceKey service, IpAddress address, ForwardingMethod method)
    {
        bool serviceIpv6 = service.Mark is null && service.Address.IsIpv6;
        if (service.Mark is not null && address.IsIpv6)
        {
            throw context.Error($"IPv6 real server {address} for {service}: firewall-mark services are IPv4 only here");
        }

        if (serviceIpv6 && address.IsIpv4 && method == ForwardingMethod.Tunnel)
        {
            throw context.Error($"real server {address} is IPv4 but service {service} is IPv6: IPv6 in IPv4 tunnels are not supported (an IPv4 service may tunnel to an IPv6 real server, not the other way)");
        }

        if (serviceIpv6 != address.IsIpv6 && method != ForwardingMethod.Tunnel)
        {
            throw context.Error(
                $"real server {address} is {(address.IsIpv6 ? "IPv6" : "IPv4")} but service {service} is {(serviceIpv6 ? "IPv6" : "IPv4")}: with {MethodFlag(method)} the packet keeps its family, so only -i (tunnelling) can cross families");
        }
    }

    private static ushort ServerPort(LineContext context, ServiceDraft service, string text, ushort? givenPort, ForwardingMethod method)
    {
        if (givenPort == 0 && service.Key.Mark is null && service.Key.Port != 0)
        {
            throw context.Error($"bad port 0 in '{text}': out of range 1..65535");
        }

        if (service.Key.Mark is not null)
        {
            // A firewall-mark service has no port: the real server's port is what was given (0: the packet's own).
            return givenPort ?? 0;
        }

        ushort servicePort = service.Key.Port;
        ushort port = givenPort ?? servicePort;
        if (port != servicePort && method != ForwardingMethod.Masquerading)
        {
            throw context.Error(
                $"real server port {port} differs from the service port {servicePort}: with {MethodFlag(method)} the packet is not rewritten, so only -m (masquerading) can change the port");
        }

        return port;
    }

    private static ServiceDraft? FindService(
        LineContext context, LineOptions options, List<ServiceDraft> services, string commandToken, bool mustExist)
    {
        ServiceKey key = ParseServiceKey(context, options);
        ServiceDraft? found = services.Find(s => s.Key == key);
        if (found is null && mustExist)
        {
            throw context.Error(CanonicalCommand(commandToken) switch
            {
                "-D" => $"cannot delete service {key}: it is not defined above",
                "-a" => $"real server for service {key}, which is not defined above (add it with -A first)",
                _ => $"cannot {(CanonicalCommand(commandToken) == "-e" ? "edit" : "delete")} a real server of service {key}: the service is not defined above",
            });
        }

        return found;
    }

    private static ServiceKey ParseServiceKey(LineContext context, LineOptions options)
    {
        string text = options.ServiceText!;
        if (options.ServiceKind == "-f")
        {
            uint mark = (uint)ParseNumber(context, text, 1, uint.MaxValue, "firewall mark");
            return new ServiceKey(mark, ServiceProtocol.Tcp, Ipv4Address.Any, 0);
        }

        (IpAddress address, ushort? port) = ParseEndpoint(context, text, requirePort: true, allowPortZero: true);
        return new ServiceKey(null, options.ServiceKind == "-t" ? ServiceProtocol.Tcp : ServiceProtocol.Udp, address, port!.Value);
    }

    private static long ParseNumber(LineContext context, string text, long min, long max, string what)
    {
        if (text.Length > 12
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            || value < min || value > max)
        {
            throw context.Error($"{what} '{text}' is not an integer in {min}..{max}");
        }

        return value;
    }

    private static Ipv4Address ParseNetmask(LineContext context, string text)
    {
        if (!Ipv4Address.TryParse(text, out Ipv4Address mask))
        {
            throw context.Error($"bad netmask '{text}': expected a dotted IPv4 mask such as 255.255.255.0");
        }

        uint inverted = ~mask.Value;
        if ((inverted & (inverted + 1)) != 0)
        {
            throw context.Error($"bad netmask '{text}': its one bits must be contiguous from the left (e.g. 255.255.255.0)");
        }

        if (mask.Value == 0)
        {
            throw context.Error($"bad netmask '{text}': 0.0.0.0 would send every client to one real server");
        }

        return mask;
    }

    private static SchedulerFlags ParseSchedulerFlags(LineContext context, string optionName, string text, string scheduler)
    {
        var flags = SchedulerFlags.None;
        foreach (string name in text.Split(','))
        {
            (SchedulerFlags flag, string? only) = name switch
            {
                "flag-1" => (SchedulerFlags.Flag1, (string?)null),
                "flag-2" => (SchedulerFlags.Flag2, null),
                "flag-3" => (SchedulerFlags.Flag3, null),
                "sh-fallback" => (SchedulerFlags.Flag1, "sh"),
                "sh-port" => (SchedulerFlags.Flag2, "sh"),
                "mh-fallback" => (SchedulerFlags.Flag1, "mh"),
                "mh-port" => (SchedulerFlags.Flag2, "mh"),
                _ => throw context.Error(name.Length == 0
                    ? $"option '{optionName}' has an empty flag in '{text}' (flags: {FlagNames})"
                    : $"unknown scheduler flag '{name}' (flags: {FlagNames})"),
            };
            if (only is not null && !string.Equals(only, scheduler, StringComparison.Ordinal))
            {
                throw context.Error($"scheduler flag '{name}' only applies to -s {only}, not -s {scheduler}");
            }

            if ((flags & flag) != 0)
            {
                throw context.Error($"scheduler flag '{name}' is given more than once in '{text}'");
            }

            flags |= flag;
        }

        return flags;
    }

    private static LineOptions ReadOptions(LineContext context, List<string> tokens)
    {
        var options = new LineOptions();
        for (int i = 1; i < tokens.Count; i++)
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

            string? canonical = CanonicalOption(name);
            if (canonical is null)
            {
                throw UnknownToken(context, name, null);
            }

            bool optionalValue = canonical == "-p";
            bool takesValue = canonical is "-t" or "-u" or "-f" or "-s" or "-M" or "-b" or "-r" or "-w" or "-x" or "-y" or "--tun-type";
            if (!takesValue && !optionalValue && value is not null)
            {
                throw context.Error($"option '{name}' takes no value");
            }

            if (takesValue && value is null)
            {
                if (i + 1 >= tokens.Count || LooksLikeOption(tokens[i + 1]))
                {
                    throw context.Error($"option '{name}' needs a value");
                }

                value = tokens[++i];
            }
            else if (optionalValue && value is null && i + 1 < tokens.Count
                && !LooksLikeOption(tokens[i + 1]) && tokens[i + 1] is not ("ops" or "pe"))
            {
                value = tokens[++i];
            }

            if (value is not null && value.Length == 0)
            {
                throw context.Error($"option '{name}' needs a value");
            }

            string slot = canonical switch
            {
                "-t" or "-u" or "-f" => "svc",
                "-g" or "-m" or "-i" => "fwd",
                _ => canonical,
            };
            if (options.Names.TryGetValue(slot, out string? previous))
            {
                throw context.Error(slot switch
                {
                    "svc" => $"option '{name}' repeats the service (only one of -t, -u, -f per line)",
                    "fwd" => $"option '{name}' repeats the forwarding method (only one of -g, -m, -i per line)",
                    _ => string.Equals(previous, name, StringComparison.Ordinal)
                        ? $"option '{name}' is given more than once"
                        : $"option '{name}' is given more than once (also as '{previous}')",
                });
            }

            options.Names[slot] = name;
            switch (canonical)
            {
                case "-t":
                case "-u":
                case "-f":
                    options.ServiceKind = canonical;
                    options.ServiceText = value;
                    break;
                case "-g":
                    options.Method = ForwardingMethod.DirectRouting;
                    break;
                case "-m":
                    options.Method = ForwardingMethod.Masquerading;
                    break;
                case "-i":
                    options.Method = ForwardingMethod.Tunnel;
                    break;
                default:
                    options.Values[canonical] = value;
                    break;
            }
        }

        return options;
    }

    private static string? CanonicalOption(string name) => name switch
    {
        "-t" or "--tcp-service" => "-t",
        "-u" or "--udp-service" => "-u",
        "-f" or "--fwmark-service" => "-f",
        "-s" or "--scheduler" => "-s",
        "-p" or "--persistent" => "-p",
        "-M" or "--netmask" => "-M",
        "-o" or "--ops" or "ops" => "-o",
        "-b" or "--sched-flags" => "-b",
        "-r" or "--real-server" => "-r",
        "-g" or "--gatewaying" => "-g",
        "-m" or "--masquerading" => "-m",
        "-i" or "--ipip" => "-i",
        "-w" or "--weight" => "-w",
        "-x" or "--u-threshold" => "-x",
        "-y" or "--l-threshold" => "-y",
        "--tun-type" => "--tun-type",
        _ => null,
    };

    // "-x" or "--xyz" is an option; "-1" (a negative number) is a value.
    private static bool LooksLikeOption(string token) =>
        token.StartsWith("--", StringComparison.Ordinal)
        || (token.Length >= 2 && token[0] == '-' && char.IsAsciiLetter(token[1]))
        || token == "-6";

    private static RuleParseException UnknownToken(LineContext context, string token, string? hint)
    {
        if (Array.IndexOf(UnsupportedOptions, token) >= 0)
        {
            return context.Error($"option '{token}' is not supported yet");
        }

        if (token == "pe")
        {
            return context.Error("option 'pe' (a persistence engine, as ipvsadm 1.26 saves --pe) is not supported yet");
        }

        if (CanonicalCommand(token) is not null)
        {
            return context.Error($"option '{token}' can only start a line (one command per line)");
        }

        if (LooksLikeOption(token))
        {
            return context.Error($"unknown option '{token}'");
        }

        return context.Error(hint is null ? $"unexpected token '{token}'" : $"unexpected token '{token}' ({hint})");
    }

    private static (IpAddress Address, ushort? Port) ParseEndpoint(LineContext context, string text, bool requirePort, bool allowPortZero)
    {
        IpAddress address;
        int colon;
        if (text.StartsWith('['))
        {
            // IPv6 as ipvsadm writes it: [2001:db8::1]:80, or [2001:db8::1] for a real server.
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !Ipv6Address.TryParse(text.AsSpan(1, close - 1), out Ipv6Address v6))
            {
                throw context.Error($"bad address '{text}': expected an IPv6 address in brackets, [2001:db8::1]{(requirePort ? ":port" : "[:port]")}");
            }

            if (v6.IsIpv4Mapped || v6.IsUnspecified || v6.IsMulticast || v6.IsLoopback || v6.IsLinkLocal)
            {
                throw context.Error($"bad address '{text}': {v6} is not a unicast IPv6 address a director can serve (mapped, unspecified, multicast, loopback and link-local addresses are refused)");
            }

            address = v6;
            if (close + 1 < text.Length && text[close + 1] != ':')
            {
                throw context.Error($"bad address '{text}': expected ':port' after ']'");
            }

            colon = close + 1 < text.Length ? close + 1 : -1;
        }
        else
        {
            colon = text.LastIndexOf(':');
            string addressText = colon >= 0 ? text[..colon] : text;
            if (!Ipv4Address.TryParse(addressText, out Ipv4Address v4))
            {
                throw context.Error(addressText.Contains(':', StringComparison.Ordinal)
                    ? $"bad address '{text}': an IPv6 address goes in brackets, [2001:db8::1]{(requirePort ? ":port" : "[:port]")}"
                    : $"bad address '{text}': expected an IPv4 address a.b.c.d{(requirePort ? ":port" : "[:port]")} or an IPv6 address [2001:db8::1]{(requirePort ? ":port" : "[:port]")} (numeric form, as ipvsadm-save -n prints)");
            }

            address = v4;
        }

        if (colon < 0)
        {
            return requirePort
                ? throw context.Error($"bad address '{text}': a service needs a port (a.b.c.d:port or [v6]:port)")
                : (address, null);
        }

        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || portText.Length > 5)
        {
            throw context.Error($"bad port '{portText}' in '{text}': expected a number {(allowPortZero ? 0 : 1)}..65535 (numeric form, as ipvsadm-save -n prints)");
        }

        if (port > ushort.MaxValue || (port == 0 && !allowPortZero))
        {
            throw context.Error($"bad port {port} in '{text}': out of range {(allowPortZero ? 0 : 1)}..65535");
        }

        return (address, (ushort)port);
    }

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

    // Line 0: it was in the rule set the commands started from.
    private static string Where(int lineNumber, string verb) =>
        lineNumber == 0 ? $"already {verb} in the running rules" : $"already {verb} on line {lineNumber}";

    private static string MethodFlag(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "-g (gatewaying)",
        ForwardingMethod.Tunnel => "-i (ipip)",
        _ => "-m (masquerading)",
    };

    private sealed class LineOptions
    {
        // Slot ("svc", "fwd" or a canonical option) -> the option as written.
        public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?> Values { get; } = new(StringComparer.Ordinal);

        public string? ServiceKind { get; set; }

        public string? ServiceText { get; set; }

        public ForwardingMethod? Method { get; set; }

        public string? Scheduler => Value("-s");

        public string? Persistent => Value("-p");

        public string? Netmask => Value("-M");

        public string? SchedulerFlags => Value("-b");

        public string? RealServer => Value("-r");

        public string? Weight => Value("-w");

        public string? UpperThreshold => Value("-x");

        public string? LowerThreshold => Value("-y");

        public string? TunnelType => Value("--tun-type");

        public bool Has(string canonical) => Names.ContainsKey(canonical);

        public string NameOf(string canonical) => Names[canonical];

        private string? Value(string canonical) => Values.TryGetValue(canonical, out string? value) ? value : null;
    }

    private readonly record struct ServiceKey(uint? Mark, ServiceProtocol Protocol, IpAddress Address, ushort Port)
    {
        public override string ToString() =>
            Mark is { } mark ? $"-f {mark}" : $"{(Protocol == ServiceProtocol.Tcp ? "-t" : "-u")} {Address.ToString(Port)}";
    }

    private sealed class ServiceDraft(ServiceKey key, int lineNumber)
    {
        public ServiceKey Key { get; } = key;

        public int LineNumber { get; } = lineNumber;

        public string Scheduler { get; set; } = DefaultScheduler;

        public int? PersistenceTimeout { get; set; }

        public Ipv4Address Netmask { get; set; } = Ipv4Address.Broadcast;

        public int PrefixLength { get; set; } = 128;

        public bool OnePacket { get; set; }

        public SchedulerFlags Flags { get; set; }

        public List<(RealServer Server, int LineNumber)> Servers { get; } = [];

        // A service that existed before the commands (line 0).
        public static ServiceDraft From(VirtualService service)
        {
            var draft = new ServiceDraft(new ServiceKey(service.FirewallMark, service.Protocol, service.Address, service.Port), 0)
            {
                Scheduler = service.Scheduler,
                PersistenceTimeout = service.PersistenceTimeout,
                Netmask = service.PersistenceNetmask,
                PrefixLength = service.PersistencePrefixLength,
                OnePacket = service.OnePacket,
                Flags = service.SchedulerFlags,
            };
            draft.Servers.AddRange(service.RealServers.Select(server => (server, 0)));
            return draft;
        }

        public VirtualService Build()
        {
            IEnumerable<RealServer> servers = Servers.Select(s => s.Server);
            return Key.Mark is { } mark
                ? new VirtualService(mark, Scheduler, servers)
                {
                    PersistenceTimeout = PersistenceTimeout,
                    PersistenceNetmask = Netmask,
                    OnePacket = OnePacket,
                    SchedulerFlags = Flags,
                }
                : new VirtualService(Key.Protocol, Key.Address, Key.Port, Scheduler, servers)
                {
                    PersistenceTimeout = PersistenceTimeout,
                    PersistenceNetmask = Netmask,
                    PersistencePrefixLength = PrefixLength,
                    OnePacket = OnePacket,
                    SchedulerFlags = Flags,
                };
        }
    }

    private readonly record struct LineContext(string SourceName, int LineNumber, string Line)
    {
        public RuleParseException Error(string reason) => new(SourceName, LineNumber, Line, reason);
    }
}
