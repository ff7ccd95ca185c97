using System.Globalization;
using System.Text;
using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;

namespace LvsLab.Nft;

/// <summary>
/// Translates <c>ipvsadm-save</c> rules into an nftables ruleset that makes the kernel do the
/// same job, the kernel peer of the C# director, for IPv4 and IPv6 services alike:
/// <list type="bullet">
/// <item>DR (<c>-g</c>): a <c>netdev</c> ingress chain on the interface that holds the real
/// servers rewrites the Ethernet header (destination = the real server's MAC, source = the
/// forwarder's own) and sends the frame straight back out (<c>fwd</c>); the IP packet is not
/// touched (nor an IPv6 packet's hop limit, as IPVS leaves it). A TCP SYN (or any UDP datagram
/// of a new flow) picks the server; a dynamic map keyed by client address and port
/// (<c>ipv4_addr . inet_service</c>) to the server's MAC keeps every later packet of the
/// connection on it; for IPv6, one dynamic set of <c>ipv6_addr . inet_service</c> per server MAC
/// does (see <see cref="NftDirectRouting"/> for why). An IPv6 real server's MAC comes from the
/// kernel's IPv6 neighbour table and its link from the interface's IPv6 subnet.</item>
/// <item>NAT (<c>-m</c>): <c>dnat</c> in prerouting over a map of RIP . RPORT, in table
/// <c>ip lvs</c> for IPv4 and <c>ip6 lvs</c> for IPv6; conntrack keeps a connection on its server
/// and rewrites the replies back (no rule of ours: as for IPv4), and forwarding lowers the TTL or
/// hop limit.</item>
/// </list>
/// Schedulers: <c>rr</c> and <c>wrr</c> (<c>numgen inc</c> over the servers, each repeated by its
/// weight) and <c>sh</c> (<c>jhash</c> of the client address). Tunnelling (in any family),
/// persistence, one-packet scheduling, mark services and the other schedulers are refused with
/// the reason.
/// </summary>
public static class NftTranslator
{
    /// <summary>The nftables table names (one per family) the translation owns.</summary>
    public const string Table = "lvs";

    /// <summary>Translates the rules, knowing no IPv6 neighbour (an IPv6 DR service is then refused).</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="lines">Where each rule was written, to name in reasons.</param>
    /// <param name="interfaces">The forwarder's interfaces.</param>
    /// <param name="neighbours">Real servers' MACs (DR needs them), e.g. from <see cref="KernelArpTable.Parse"/>.</param>
    /// <returns>An nft script (for <c>nft -f</c>) that replaces the tables it owns.</returns>
    /// <exception cref="RulesTranslationException">What the rules ask that nftables here cannot do, every reason at once, each naming its line.</exception>
    public static string Translate(RuleSet rules, RuleLines lines, IReadOnlyList<HostInterface> interfaces, IReadOnlyDictionary<Ipv4Address, MacAddress> neighbours) =>
        Translate(rules, lines, interfaces, neighbours, new Dictionary<Ipv6Address, MacAddress>());

    /// <summary>Translates the rules.</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="lines">Where each rule was written, to name in reasons.</param>
    /// <param name="interfaces">The forwarder's interfaces.</param>
    /// <param name="neighbours">IPv4 real servers' MACs (DR needs them), e.g. from <see cref="KernelArpTable.Parse"/>.</param>
    /// <param name="neighbours6">IPv6 real servers' MACs (DR needs them), e.g. from <see cref="KernelIpv6NeighbourTable.Parse"/>.</param>
    /// <returns>An nft script (for <c>nft -f</c>) that replaces the tables it owns.</returns>
    /// <exception cref="RulesTranslationException">What the rules ask that nftables here cannot do, every reason at once, each naming its line.</exception>
    public static string Translate(
        RuleSet rules,
        RuleLines lines,
        IReadOnlyList<HostInterface> interfaces,
        IReadOnlyDictionary<Ipv4Address, MacAddress> neighbours,
        IReadOnlyDictionary<Ipv6Address, MacAddress> neighbours6)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(neighbours6);
        var reasons = new List<string>();
        var netdev = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var nat = new List<string>();
        var nat6 = new List<string>();
        var drServices = 0;
        foreach (VirtualService service in rules.Services)
        {
            string name = lines.Service(service);
            if (service.IsFirewallMark)
            {
                reasons.Add($"{name}: firewall-mark services are not translated");
                continue;
            }

            NftFamily family = NftFamily.Of(service.Address);
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

            if (methods[0] == ForwardingMethod.Tunnel)
            {
                reasons.Add($"{name}: {TunnelReason(service, servers)}");
                continue;
            }

            // DR and NAT keep the packet's family (the rules parser refuses the mix; a rule set
            // built otherwise is refused here).
            var strangers = servers.Where(s => NftFamily.Of(s.Address) != family).Select(s => s.Address.ToString()).ToList();
            if (strangers.Count > 0)
            {
                string flag = methods[0] == ForwardingMethod.DirectRouting ? "-g" : "-m";
                reasons.Add($"{name}: real server(s) {string.Join(", ", strangers)} are not {family.Label} like the service: with {flag} the packet keeps its family (only -i crosses families)");
                continue;
            }

            switch (methods[0])
            {
                case ForwardingMethod.DirectRouting:
                    HostInterface? port = interfaces.FirstOrDefault(p => servers.All(s => s.Address.IsIpv4 ? p.IsOnLink(s.Address.Ipv4) : p.IsOnLink(s.Address.Ipv6)));
                    if (port is null)
                    {
                        reasons.Add(family == NftFamily.Ipv4
                            ? $"{name}: DR real servers must share one of the forwarder's links ({string.Join(", ", interfaces)})"
                            : $"{name}: DR real servers must share one of the forwarder's IPv6 links ({string.Join(", ", interfaces.Select(p => p.ToIpv6String()))})");
                        continue;
                    }

                    MacAddress? MacOf(RealServer s) =>
                        s.Address.IsIpv4
                            ? neighbours.TryGetValue(s.Address.Ipv4, out MacAddress mac4) ? mac4 : null
                            : neighbours6.TryGetValue(s.Address.Ipv6, out MacAddress mac6) ? mac6 : null;
                    var missing = servers.Where(s => MacOf(s) is null).Select(s => s.Address.ToString()).ToList();
                    if (missing.Count > 0)
                    {
                        reasons.Add(family == NftFamily.Ipv4
                            ? $"{name}: no MAC known for real server(s) {string.Join(", ", missing)} (they did not answer ARP)"
                            : $"{name}: no MAC known for IPv6 real server(s) {string.Join(", ", missing)} (not in the IPv6 neighbour table: they did not answer neighbour solicitation, or no --neigh6 was given)");
                        continue;
                    }

                    List<string> entries = netdev.TryGetValue(port.Name, out List<string>? existing) ? existing : netdev[port.Name] = [];
                    entries.AddRange(NftDirectRouting.Entries(Invariant($"flows{drServices++}"), family, service, port, servers, s => MacOf(s).GetValueOrDefault()));
                    break;
                case ForwardingMethod.Masquerading:
                    string protocol = service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";
                    string to = NftScheduler.Pick(service, family, servers, s => Invariant($"{s.Address} . {(s.Port != 0 ? s.Port : service.Port)}"));
                    (family == NftFamily.Ipv4 ? nat : nat6).Add(Invariant($"        {family.Name} daddr {service.Address} {protocol} dport {service.Port} dnat {family.Name} to {to}"));
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
            var maps = entries.Where(l => l.TrimStart().StartsWith("map ", StringComparison.Ordinal) || l.TrimStart().StartsWith("set ", StringComparison.Ordinal)).ToList();
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

        AppendNat(text, NftFamily.Ipv4, nat);
        AppendNat(text, NftFamily.Ipv6, nat6);
        return text.ToString();
    }

    // One family's NAT table (ip lvs, ip6 lvs), replaced whole; none without rules.
    private static void AppendNat(StringBuilder text, NftFamily family, List<string> rules)
    {
        if (rules.Count == 0)
        {
            return;
        }

        text.AppendLine(Invariant($"table {family.Name} {Table}"));
        text.AppendLine(Invariant($"delete table {family.Name} {Table}"));
        text.AppendLine(Invariant($"table {family.Name} {Table} {{"));
        text.AppendLine("    chain prerouting {\n        type nat hook prerouting priority dstnat; policy accept;");
        foreach (string line in rules)
        {
            text.AppendLine(line);
        }

        text.AppendLine("    }");
        text.AppendLine("}");
    }

    // Tunnels are not written: nftables has no IP-in-IP (nor IPv6-in-IPv6, nor across families)
    // encapsulation; the reason names the encapsulation each real server would need.
    private static string TunnelReason(VirtualService service, List<RealServer> servers)
    {
        NftFamily outer = NftFamily.Of(service.Address);
        var kinds = servers
            .GroupBy(s => NftFamily.Of(s.Address))
            .Select(g => g.Key == outer
                ? outer == NftFamily.Ipv4 ? "IP-in-IP" : "IPv6-in-IPv6"
                : $"{outer.Label}-in-{g.Key.Label} (to {string.Join(", ", g.Select(s => s.Address))})");
        return $"tunnelling (-i) is not translated (no {string.Join(" nor ", kinds)} in the nftables forwarder)";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
