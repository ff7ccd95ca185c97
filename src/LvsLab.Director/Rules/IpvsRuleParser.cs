using System.Globalization;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// Reads the numeric form of <c>ipvsadm-save</c> (<c>ipvsadm-save -n</c>): <c>-A</c> lines
/// adding virtual services and <c>-a</c> lines adding real servers to them, in short or long
/// option form. Blank lines and <c>#</c> comments are ignored. All or nothing: the first error
/// throws <see cref="RuleParseException"/> with the line number and a reason.
/// </summary>
/// <remarks>
/// Tunnelling: <c>-i</c> (<c>--ipip</c>) may be followed by <c>--tun-type ipip</c>, ipvsadm's
/// default and the only tunnel type supported (<c>gue</c> and <c>gre</c> are refused, and so
/// are their <c>--tun-port</c> and checksum options). ipvsadm-save prints <c>-i</c> alone for
/// ipip, and so does <see cref="IpvsRulePrinter"/>.
/// </remarks>
public static class IpvsRuleParser
{
    // ipvsadm options (commands and options) that exist but are not supported in this slice.
    private static readonly string[] UnsupportedOptions =
    [
        "-E", "--edit-service", "-D", "--delete-service", "-C", "--clear", "-R", "--restore",
        "-S", "--save", "-e", "--edit-server", "-d", "--delete-server", "-L", "-l", "--list",
        "-Z", "--zero", "--set", "--start-daemon", "--stop-daemon", "-h", "--help",
        "-f", "--fwmark-service", "--sctp-service", "-p", "--persistent", "-M", "--netmask",
        "-x", "--u-threshold", "-y", "--l-threshold", "--pe", "-b", "--sched-flags",
        "-o", "--ops", "--tun-port", "--tun-nocsum", "--tun-csum", "--tun-remcsum",
        "-c", "--connection", "-n", "--numeric", "--exact", "--stats", "--rate", "--thresholds",
        "--persistent-conn", "--nosort", "--sort", "--mcast-interface", "--syncid",
        "--mcast-group", "--mcast-port", "--mcast-ttl",
    ];

    // ipvsadm's tunnel types (--tun-type); only the first is supported.
    private const string SupportedTunnelType = "ipip";
    private static readonly string[] KnownTunnelTypes = [SupportedTunnelType, "gue", "gre"];

    /// <summary>Parses rules.</summary>
    /// <param name="text">The rules text.</param>
    /// <param name="sourceName">A label for messages, usually the file name, e.g. <c>rules.ipvs</c>.</param>
    /// <returns>The rule set.</returns>
    /// <exception cref="RuleParseException">A line is not understood; nothing is returned.</exception>
    public static RuleSet Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);

        var services = new List<ServiceDraft>();
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

            string command = tokens[0];
            switch (command)
            {
                case "-A":
                case "--add-service":
                    AddService(context, tokens, services);
                    break;
                case "-a":
                case "--add-server":
                    AddServer(context, tokens, services);
                    break;
                default:
                    throw UnknownToken(context, command, "a line starts with -A (add a service) or -a (add a real server)");
            }
        }

        var result = new List<VirtualService>(services.Count);
        foreach (ServiceDraft draft in services)
        {
            result.Add(new VirtualService(draft.Protocol, draft.Address, draft.Port, draft.Scheduler, draft.RealServers));
        }

        return new RuleSet(result);
    }

    private static void AddService(LineContext context, List<string> tokens, List<ServiceDraft> services)
    {
        LineOptions options = ReadOptions(context, tokens);
        string command = tokens[0];
        foreach (string? invalid in (string?[])[options.RealServerOption, options.MethodOption, options.WeightOption, options.TunnelTypeOption])
        {
            if (invalid is not null)
            {
                throw context.Error($"option '{invalid}' cannot be used with {command} (it belongs on an -a line)");
            }
        }

        (ServiceProtocol protocol, Ipv4Address address, ushort port) = RequireService(context, options, command);
        if (options.Scheduler is null)
        {
            throw context.Error(
                $"missing scheduler: add -s (ipvsadm's default 'wlc' is not supported yet; supported: {SchedulerFactory.SupportedList})");
        }

        string scheduler = options.Scheduler;
        if (!SchedulerFactory.IsSupported(scheduler))
        {
            throw context.Error(SchedulerFactory.IsKnownButUnsupported(scheduler)
                ? $"scheduler '{scheduler}' is not supported yet (supported: {SchedulerFactory.SupportedList})"
                : $"unknown scheduler '{scheduler}' (supported: {SchedulerFactory.SupportedList})");
        }

        foreach (ServiceDraft existing in services)
        {
            if (existing.Protocol == protocol && existing.Address == address && existing.Port == port)
            {
                throw context.Error(
                    $"duplicate service {ServiceText(protocol, address, port)} (already defined on line {existing.LineNumber})");
            }
        }

        services.Add(new ServiceDraft(protocol, address, port, scheduler, context.LineNumber));
    }

    private static void AddServer(LineContext context, List<string> tokens, List<ServiceDraft> services)
    {
        LineOptions options = ReadOptions(context, tokens);
        string command = tokens[0];
        if (options.SchedulerOption is not null)
        {
            throw context.Error($"option '{options.SchedulerOption}' cannot be used with {command} (it belongs on an -A line)");
        }

        (ServiceProtocol protocol, Ipv4Address address, ushort port) = RequireService(context, options, command);
        if (options.RealServer is null)
        {
            throw context.Error($"missing real server: {command} needs -r a.b.c.d[:port]");
        }

        ServiceDraft? service = null;
        foreach (ServiceDraft candidate in services)
        {
            if (candidate.Protocol == protocol && candidate.Address == address && candidate.Port == port)
            {
                service = candidate;
                break;
            }
        }

        string serviceText = ServiceText(protocol, address, port);
        if (service is null)
        {
            throw context.Error($"real server for service {serviceText}, which is not defined above (add it with -A first)");
        }

        (Ipv4Address serverAddress, ushort? givenPort) = ParseEndpoint(context, options.RealServer, requirePort: false);
        ForwardingMethod method = options.Method ?? ForwardingMethod.DirectRouting;
        if (options.TunnelType is { } tunnelType)
        {
            if (method != ForwardingMethod.Tunnel)
            {
                throw context.Error(
                    $"option '{options.TunnelTypeOption}' only applies to -i (ipip) real servers, not {MethodFlag(method)}");
            }

            if (!string.Equals(tunnelType, SupportedTunnelType, StringComparison.Ordinal))
            {
                throw context.Error(Array.IndexOf(KnownTunnelTypes, tunnelType) >= 0
                    ? $"tunnel type '{tunnelType}' is not supported (supported: {SupportedTunnelType})"
                    : $"unknown tunnel type '{tunnelType}' (supported: {SupportedTunnelType})");
            }
        }

        ushort serverPort = givenPort ?? port;
        if (serverPort != port && method != ForwardingMethod.Masquerading)
        {
            throw context.Error(
                $"real server port {serverPort} differs from the service port {port}: with {MethodFlag(method)} the packet is not rewritten, so only -m (masquerading) can change the port");
        }

        int weight = 1;
        if (options.Weight is not null)
        {
            if (!int.TryParse(options.Weight, NumberStyles.None, CultureInfo.InvariantCulture, out weight)
                || weight > RealServer.MaxWeight)
            {
                throw context.Error($"weight '{options.Weight}' is not an integer in 0..{RealServer.MaxWeight}");
            }
        }

        foreach ((RealServer existing, int lineNumber) in service.Servers)
        {
            if (existing.Address == serverAddress && existing.Port == serverPort)
            {
                throw context.Error(
                    $"duplicate real server {serverAddress}:{serverPort} in service {serviceText} (already added on line {lineNumber})");
            }
        }

        service.Servers.Add((new RealServer(serverAddress, serverPort, method, weight), context.LineNumber));
    }

    private static (ServiceProtocol Protocol, Ipv4Address Address, ushort Port) RequireService(
        LineContext context, LineOptions options, string command)
    {
        if (options.Service is null)
        {
            throw context.Error($"missing service: {command} needs -t or -u a.b.c.d:port");
        }

        (Ipv4Address address, ushort? port) = ParseEndpoint(context, options.Service, requirePort: true);
        return (options.Protocol, address, port!.Value);
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

            string? canonical = Canonical(name);
            if (canonical is null)
            {
                throw UnknownToken(context, name, null);
            }

            bool takesValue = canonical is "-t" or "-u" or "-s" or "-r" or "-w" or "--tun-type";
            if (!takesValue && value is not null)
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

            if (value is not null && value.Length == 0)
            {
                throw context.Error($"option '{name}' needs a value");
            }

            switch (canonical)
            {
                case "-t":
                case "-u":
                    if (options.Service is not null)
                    {
                        throw context.Error($"option '{name}' repeats the service (only one -t or -u per line)");
                    }

                    options.Service = value;
                    options.Protocol = canonical == "-t" ? ServiceProtocol.Tcp : ServiceProtocol.Udp;
                    break;
                case "-s":
                    options.Scheduler = Once(context, name, options.Scheduler, value);
                    options.SchedulerOption = name;
                    break;
                case "-r":
                    options.RealServer = Once(context, name, options.RealServer, value);
                    options.RealServerOption = name;
                    break;
                case "-w":
                    options.Weight = Once(context, name, options.Weight, value);
                    options.WeightOption = name;
                    break;
                case "--tun-type":
                    options.TunnelType = Once(context, name, options.TunnelType, value);
                    options.TunnelTypeOption = name;
                    break;
                default:
                    if (options.Method is not null)
                    {
                        throw context.Error($"option '{name}' repeats the forwarding method (only one of -g, -m, -i per line)");
                    }

                    options.Method = canonical switch
                    {
                        "-g" => ForwardingMethod.DirectRouting,
                        "-m" => ForwardingMethod.Masquerading,
                        _ => ForwardingMethod.Tunnel,
                    };
                    options.MethodOption = name;
                    break;
            }
        }

        return options;
    }

    private static string Once(LineContext context, string name, string? existing, string? value) =>
        existing is null ? value! : throw context.Error($"option '{name}' is given more than once");

    private static string? Canonical(string name) => name switch
    {
        "-t" or "--tcp-service" => "-t",
        "-u" or "--udp-service" => "-u",
        "-s" or "--scheduler" => "-s",
        "-r" or "--real-server" => "-r",
        "-g" or "--gatewaying" => "-g",
        "-m" or "--masquerading" => "-m",
        "-i" or "--ipip" => "-i",
        "-w" or "--weight" => "-w",
        "--tun-type" => "--tun-type",
        _ => null,
    };

    // "-x" or "--xyz" is an option; "-1" (a negative number) is a value.
    private static bool LooksLikeOption(string token) =>
        token.StartsWith("--", StringComparison.Ordinal)
        || (token.Length >= 2 && token[0] == '-' && char.IsAsciiLetter(token[1]));

    private static RuleParseException UnknownToken(LineContext context, string token, string? hint)
    {
        if (Array.IndexOf(UnsupportedOptions, token) >= 0)
        {
            return context.Error($"option '{token}' is not supported yet");
        }

        if (token is "-A" or "--add-service" or "-a" or "--add-server")
        {
            return context.Error($"option '{token}' can only start a line (one command per line)");
        }

        if (LooksLikeOption(token))
        {
            return context.Error($"unknown option '{token}'");
        }

        return context.Error(hint is null ? $"unexpected token '{token}'" : $"unexpected token '{token}' ({hint})");
    }

    private static (Ipv4Address Address, ushort? Port) ParseEndpoint(LineContext context, string text, bool requirePort)
    {
        int colon = text.LastIndexOf(':');
        string addressText = colon >= 0 ? text[..colon] : text;
        if (!Ipv4Address.TryParse(addressText, out Ipv4Address address))
        {
            throw context.Error($"bad address '{text}': expected an IPv4 address a.b.c.d{(requirePort ? ":port" : "[:port]")} (numeric form, as ipvsadm-save -n prints)");
        }

        if (colon < 0)
        {
            return requirePort
                ? throw context.Error($"bad address '{text}': a service needs a port (a.b.c.d:port)")
                : (address, null);
        }

        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || portText.Length > 5)
        {
            throw context.Error($"bad port '{portText}' in '{text}': expected a number 1..65535 (numeric form, as ipvsadm-save -n prints)");
        }

        if (port is < 1 or > ushort.MaxValue)
        {
            throw context.Error($"bad port {port} in '{text}': out of range 1..65535");
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

    private static string ServiceText(ServiceProtocol protocol, Ipv4Address address, ushort port) =>
        $"{(protocol == ServiceProtocol.Tcp ? "-t" : "-u")} {address}:{port}";

    private static string MethodFlag(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "-g (gatewaying)",
        ForwardingMethod.Tunnel => "-i (ipip)",
        _ => "-m (masquerading)",
    };

    private sealed class LineOptions
    {
        public string? Service { get; set; }

        public ServiceProtocol Protocol { get; set; }

        public string? Scheduler { get; set; }

        public string? SchedulerOption { get; set; }

        public string? RealServer { get; set; }

        public string? RealServerOption { get; set; }

        public ForwardingMethod? Method { get; set; }

        public string? MethodOption { get; set; }

        public string? Weight { get; set; }

        public string? WeightOption { get; set; }

        public string? TunnelType { get; set; }

        public string? TunnelTypeOption { get; set; }
    }

    private sealed class ServiceDraft(ServiceProtocol protocol, Ipv4Address address, ushort port, string scheduler, int lineNumber)
    {
        public ServiceProtocol Protocol { get; } = protocol;

        public Ipv4Address Address { get; } = address;

        public ushort Port { get; } = port;

        public string Scheduler { get; } = scheduler;

        public int LineNumber { get; } = lineNumber;

        public List<(RealServer Server, int LineNumber)> Servers { get; } = [];

        public IEnumerable<RealServer> RealServers => Servers.Select(s => s.Server);
    }

    private readonly record struct LineContext(string SourceName, int LineNumber, string Line)
    {
        public RuleParseException Error(string reason) => new(SourceName, LineNumber, Line, reason);
    }
}
