using System.Globalization;
using System.Text;
using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;

namespace LvsLab.Nft;

/// <summary>
/// Translates <c>ipvsadm-save</c> rules into an nftables ruleset that makes the kernel do the
/// same job, the kernel peer of the C# director:
/// <list type="bullet">
/// <item>DR (<c>-g</c>): a <c>netdev</c> ingress chain on the interface that holds the real
/// servers rewrites the Ethernet header (destination = the real server's MAC, source = the
/// forwarder's own) and sends the frame straight back out (<c>fwd</c>); the IP packet is not
/// touched. A TCP SYN (or any UDP datagram of a new flow) picks the server; a dynamic map keyed
/// by client address and port keeps every later packet of the connection on it.</item>
/// <item>NAT (<c>-m</c>): <c>dnat</c> in prerouting over a map of RIP . RPORT; conntrack keeps a
/// connection on its server and rewrites the replies back.</item>
/// </list>
/// Schedulers: <c>rr</c> and <c>wrr</c> (<c>numgen inc</c> over the servers, each repeated by its
/// weight) and <c>sh</c> (<c>jhash</c> of the client address). Tunnelling, persistence,
/// one-packet scheduling, mark services and the other schedulers are refused with the reason.
/// </summary>
public static class NftTranslator
{
    /// <summary>The nftables table names (one per family) the translation owns.</summary>
    public const string Table = "lvs";

    /// <summary>Translates the rules.</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="lines">Where each rule was written, to name in reasons.</param>
    /// <param name="interfaces">The forwarder's interfaces.</param>
    /// <param name="neighbours">Real servers' MACs (DR needs them), e.g. from <see cref="KernelArpTable.Parse"/>.</param>
    /// <returns>An nft script (for <c>nft -f</c>) that replaces the tables it owns.</returns>
    /// <exception cref="RulesTranslationException">What the rules ask that nftables here cannot do, every reason at once, each naming its line.</exception>
    public static string Translate(RuleSet rules, RuleLines lines, IReadOnlyList<HostInterface> interfaces, IReadOnlyDictionary<Ipv4Address, MacAddress> neighbours)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(neighbours);
        var reasons = new List<string>();
        var netdev = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var nat = new List<string>();
        foreach (VirtualService service in rules.Services)
        {
            string name = lines.Service(service);
            if (service.IsFirewallMark)
            {
                reasons.Add($"{name}: firewall-mark services are not translated");
                continue;
            }

            if (service.IsIpv6 || service.RealServers.Any(server => server.Address.IsIpv6))
            {
                reasons.Add($"{name}: IPv6 services are not translated (the nftables forwarder writes ip rules only)");
                continue;
            }

            if (service.IsPersistent)
            {
                reasons.Add($"{name}: persistence (-p) is not translated");
            }

            if (service.OnePacket)
            {
                reasons.Add($"{name}: one-packet scheduling (-o) is not translated");
            }

            if (service.Scheduler is not ("rr" or "wrr" or "sh"))
            {
                reasons.Add($"{name}: -s {service.Scheduler} is not translated (nftables forwarder: rr, wrr, sh)");
            }

            List<RealServer> servers = service.RealServers.Where(s => s.Weight > 0).ToList();
            ForwardingMethod[] methods = [.. servers.Select(s => s.ForwardingMethod).Distinct()];
            if (methods.Length > 1)
            {
                reasons.Add($"{name}: real servers mix forwarding methods ({string.Join(", ", methods)}); the nftables forwarder needs one per service");
                continue;
            }

            if (servers.Count == 0)
            {
                continue;
            }

            string protocol = service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";
            string match = Invariant($"ip daddr {service.Address} {protocol} dport {service.Port}");
            switch (methods[0])
            {
                case ForwardingMethod.DirectRouting:
                    HostInterface? port = interfaces.FirstOrDefault(p => servers.All(s => p.IsOnLink(s.Address.Ipv4)));
                    if (port is null)
                    {
                        reasons.Add($"{name}: DR real servers must share one of the forwarder's links ({string.Join(", ", interfaces)})");
                        continue;
                    }

                    var missing = servers.Where(s => !neighbours.ContainsKey(s.Address.Ipv4)).Select(s => s.Address.ToString()).ToList();
                    if (missing.Count > 0)
                    {
                        reasons.Add($"{name}: no MAC known for real server(s) {string.Join(", ", missing)} (they did not answer ARP)");
                        continue;
                    }

                    List<string> chain = netdev.TryGetValue(port.Name, out List<string>? existing) ? existing : netdev[port.Name] = [];
                    string flows = Invariant($"flows{netdev.Values.Sum(c => c.Count) / 2}");
                    string pick = Pick(service, servers, s => neighbours[s.Address.Ipv4].ToString());
                    string opening = protocol == "tcp" ? "tcp flags & (syn | ack) == syn " : string.Empty;
                    string key = Invariant($"ip saddr . {protocol} sport");
                    string rewrite = Invariant($"ether saddr set {port.Mac} fwd to \"{port.Name}\"");
                    chain.Add(Invariant($"    map {flows} {{ type ipv4_addr . inet_service : ether_addr; flags dynamic, timeout; timeout {(protocol == "tcp" ? 900 : 300)}s; }}"));
                    // A packet of a known flow follows it; a new flow (TCP: a bare SYN) is
                    // scheduled and remembered; anything else for the service is dropped, as
                    // IPVS drops packets without a connection.
                    chain.Add(Invariant($"    chain {flows}-forward {{\n        {match} ether daddr set {key} map @{flows} update @{flows} {{ {key} : ether daddr }} {rewrite}\n        {match} {opening}ether daddr set {pick} update @{flows} {{ {key} : ether daddr }} {rewrite}\n        {match} drop\n    }}"));
                    break;
                case ForwardingMethod.Masquerading:
                    nat.Add(Invariant($"        {match} dnat ip to {Pick(service, servers, s => $"{s.Address} . {(s.Port != 0 ? s.Port : service.Port)}")}"));
                    break;
                default:
                    reasons.Add($"{name}: tunnelling (-i) is not translated (no IP-in-IP in the nftables forwarder)");
                    break;
            }
        }

        if (reasons.Count > 0)
        {
            throw new RulesTranslationException(reasons);
        }

        var text = new StringBuilder();
        text.AppendLine("# Written by lvs-nft from ipvsadm-save rules.");
        foreach ((string device, List<string> entries) in netdev)
        {
            string table = $"{Table}-{device}";
            text.AppendLine(Invariant($"table netdev {table}"));
            text.AppendLine(Invariant($"delete table netdev {table}"));
            text.AppendLine(Invariant($"table netdev {table} {{"));
            var maps = entries.Where(l => l.TrimStart().StartsWith("map ", StringComparison.Ordinal)).ToList();
            var chains = entries.Except(maps).ToList();
            foreach (string map in maps)
            {
                text.AppendLine(map);
            }

            foreach (string chain in chains)
            {
                text.AppendLine(chain);
            }

            text.AppendLine(Invariant($"    chain ingress {{\n        type filter hook ingress device \"{device}\" priority 0; policy accept;"));
            foreach (string chain in chains)
            {
                string chainName = chain.TrimStart()["chain ".Length..].Split(' ')[0];
                text.AppendLine(Invariant($"        jump {chainName}"));
            }

            text.AppendLine("    }");
            text.AppendLine("}");
        }

        if (nat.Count > 0)
        {
            text.AppendLine(Invariant($"table ip {Table}"));
            text.AppendLine(Invariant($"delete table ip {Table}"));
            text.AppendLine(Invariant($"table ip {Table} {{"));
            text.AppendLine("    chain prerouting {\n        type nat hook prerouting priority dstnat; policy accept;");
            foreach (string line in nat)
            {
                text.AppendLine(line);
            }

            text.AppendLine("    }");
            text.AppendLine("}");
        }

        return text.ToString();
    }

    // rr/wrr: numgen inc over the servers, each repeated by its weight (wrr's counts per cycle);
    // sh: a hash of the client's address.
    private static string Pick(VirtualService service, List<RealServer> servers, Func<RealServer, string> value)
    {
        var slots = service.Scheduler == "wrr"
            ? servers.SelectMany(s => Enumerable.Repeat(s, s.Weight)).ToList()
            : servers;
        string selector = service.Scheduler == "sh"
            ? Invariant($"jhash ip saddr mod {slots.Count}")
            : Invariant($"numgen inc mod {slots.Count}");
        return Invariant($"{selector} map {{ {string.Join(", ", slots.Select((s, i) => Invariant($"{i} : {value(s)}")))} }}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
