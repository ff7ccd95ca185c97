using LvsLab.Director.Rules;

namespace LvsLab.Director.Control;

/// <summary>
/// The rules a running director serves, as three layers: what the operator configured (the
/// rules file, then <c>ipvsadm</c> commands at run time), what health checks found down, and
/// the sorry server. <see cref="Effective"/> is what the engine gets
/// (<see cref="DirectorEngine.Apply"/>): down servers with weight 0 (<see cref="FailureAction.Inhibit"/>)
/// or left out (<see cref="FailureAction.Remove"/>), and, in a service none of whose servers may
/// take connections, the sorry server (keepalived's <c>sorry_server</c>). Not thread-safe.
/// </summary>
public sealed class LiveConfiguration
{
    private readonly HashSet<RealServerEndpoint> _down = [];
    private readonly FirewallMarkRules _marks;

    /// <summary>Creates the layers over the configured rules.</summary>
    /// <param name="configured">The rules as configured.</param>
    /// <param name="onFailure">What a failed health check does.</param>
    /// <param name="sorryServer">A server that takes a service's traffic while none of its own can (null: none).</param>
    /// <param name="marks">The firewall-mark rules (for checking <c>-f</c> services); none when null.</param>
    /// <exception cref="RuleParseException">The rules use what the director cannot do (<see cref="RuleSupport"/>).</exception>
    public LiveConfiguration(RuleSet configured, FailureAction onFailure = FailureAction.Inhibit, RealServerEndpoint? sorryServer = null, FirewallMarkRules? marks = null)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _marks = marks ?? FirewallMarkRules.Empty;
        OnFailure = onFailure;
        SorryServer = sorryServer;
        Check(configured, "rules");
        Configured = configured;
        Effective = Compute();
    }

    /// <summary>The rules as the operator configured them.</summary>
    public RuleSet Configured { get; private set; }

    /// <summary>The rules the engine serves now.</summary>
    public RuleSet Effective { get; private set; }

    /// <summary>What a failed health check does.</summary>
    public FailureAction OnFailure { get; }

    /// <summary>The sorry server, if any.</summary>
    public RealServerEndpoint? SorryServer { get; }

    /// <summary>The endpoints health checks hold down.</summary>
    public IReadOnlyCollection<RealServerEndpoint> Down => _down;

    /// <summary>
    /// The distinct real server endpoints of the configured rules, to check (see <see cref="IsChecked"/>).
    /// </summary>
    public IReadOnlyList<RealServerEndpoint> HealthTargets =>
        Configured.Services
            .SelectMany(service => service.RealServers.Where(server => IsChecked(service, server)))
            .Select(server => new RealServerEndpoint(server.Address, server.Port))
            .Distinct()
            .ToList();

    /// <summary>
    /// Whether health checks probe a service's real server: they connect by TCP, so a server
    /// without a port (an all-ports service's) and the servers of a UDP service are left out —
    /// a TCP connection to a UDP port says nothing about it.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="server">One of its real servers.</param>
    /// <returns>True when it is probed.</returns>
    public static bool IsChecked(VirtualService service, RealServer server)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(server);
        return server.Port != 0 && (service.IsFirewallMark || service.Protocol == ServiceProtocol.Tcp);
    }

    /// <summary>
    /// Runs ipvsadm commands (<c>-A -E -D -a -e -d -C</c>, one per line) against the configured
    /// rules. On any error nothing changes.
    /// </summary>
    /// <param name="commands">The command lines, without the word <c>ipvsadm</c>.</param>
    /// <param name="sourceName">A label for messages.</param>
    /// <returns>True when <see cref="Effective"/> changed.</returns>
    /// <exception cref="RuleParseException">A command is wrong or asks for what the director cannot do; names the line and the reason.</exception>
    public bool Execute(string commands, string sourceName)
    {
        RuleSet next = IpvsRuleParser.Parse(commands, sourceName, Configured);
        if (RuleSupport.Unsupported(next, _marks).Count > 0)
        {
            ThrowAtFirstUnsupportedLine(commands, sourceName);
        }

        Configured = next;
        return Recompute();
    }

    /// <summary>Health checks found an endpoint down.</summary>
    /// <param name="endpoint">The real server.</param>
    /// <returns>True when <see cref="Effective"/> changed.</returns>
    public bool MarkDown(RealServerEndpoint endpoint) => _down.Add(endpoint) && Recompute();

    /// <summary>Health checks found an endpoint up again: its configured weight comes back.</summary>
    /// <param name="endpoint">The real server.</param>
    /// <returns>True when <see cref="Effective"/> changed.</returns>
    public bool MarkUp(RealServerEndpoint endpoint) => _down.Remove(endpoint) && Recompute();

    // The commands parse but ask for what the director cannot do: finds the first line after
    // which the rules do, and names it (a whole batch is refused either way).
    private void ThrowAtFirstUnsupportedLine(string commands, string sourceName)
    {
        string[] lines = commands.Split('\n');
        for (int count = 1; count <= lines.Length; count++)
        {
            RuleSet prefix = IpvsRuleParser.Parse(string.Join('\n', lines[..count]), sourceName, Configured);
            IReadOnlyList<string> reasons = RuleSupport.Unsupported(prefix, _marks);
            if (reasons.Count > 0)
            {
                throw new RuleParseException(sourceName, count, lines[count - 1].TrimEnd('\r'), string.Join("; ", reasons));
            }
        }

        throw new RuleParseException(sourceName, lines.Length, lines[^1], string.Join("; ", RuleSupport.Unsupported(IpvsRuleParser.Parse(commands, sourceName, Configured), _marks)));
    }

    private void Check(RuleSet rules, string sourceName)
    {
        IReadOnlyList<string> reasons = RuleSupport.Unsupported(rules, _marks);
        if (reasons.Count > 0)
        {
            throw new RuleParseException(sourceName, 0, string.Empty, string.Join("; ", reasons));
        }
    }

    private bool Recompute()
    {
        RuleSet next = Compute();
        bool changed = !IpvsRulePrinter.Print(next).Equals(IpvsRulePrinter.Print(Effective), StringComparison.Ordinal);
        Effective = next;
        return changed;
    }

    private RuleSet Compute()
    {
        var services = new List<VirtualService>(Configured.Services.Count);
        foreach (VirtualService service in Configured.Services)
        {
            var servers = new List<RealServer>(service.RealServers.Count + 1);
            foreach (RealServer server in service.RealServers)
            {
                if (!_down.Contains(new RealServerEndpoint(server.Address, server.Port)))
                {
                    servers.Add(server);
                }
                else if (OnFailure == FailureAction.Inhibit)
                {
                    servers.Add(server.WithWeight(0));
                }
            }

            if (SorryServer is { } sorry && servers.All(server => server.Weight == 0))
            {
                ForwardingMethod method = service.RealServers.Count > 0 ? service.RealServers[0].ForwardingMethod : ForwardingMethod.DirectRouting;
                ushort port = sorry.Port != 0 ? sorry.Port : service.Port;
                if (!servers.Any(server => server.Address == sorry.Address && server.Port == port))
                {
                    servers.Add(new RealServer(sorry.Address, port, method, 1));
                }
            }

            services.Add(service.WithRealServers(servers));
        }

        return new RuleSet(services);
    }
}
