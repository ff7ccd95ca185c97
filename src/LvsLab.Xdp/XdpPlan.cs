using System.Globalization;
using System.Text;
using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;

namespace LvsLab.Xdp;

/// <summary>
/// Makes <c>ipvsadm-save</c> rules into the entries of the XDP forwarder's BPF maps, as the plan
/// <c>xdp-loader</c> reads (<c>images/xdp-director/</c>):
/// <code>
/// service VIP PORT tcp|udp flow|source FIRST SLOTS   # services map: VIP:PORT/proto → ring[FIRST .. FIRST+SLOTS)
/// slot INDEX MAC                                     # ring map: a real server's MAC
/// </code>
/// The XDP program picks slot <c>FIRST + hash % SLOTS</c>: a hash of the 5-tuple (<c>flow</c>),
/// or of the client's address alone for <c>sh</c> (<c>source</c>). Each real server fills as
/// many slots as its weight (<c>wrr</c>, <c>sh</c>; weights divided by their greatest common
/// divisor) or one (<c>rr</c>), interleaved; a server of weight 0 none. So <c>rr</c> and
/// <c>wrr</c> are approximated by a hash (shares converge on the weights, a connection stays on
/// its server); there is no connection table. Only DR (<c>-g</c>) services with <c>rr</c>,
/// <c>wrr</c> or <c>sh</c> are taken: everything else is refused, naming its line.
/// </summary>
public static class XdpPlan
{
    /// <summary>The ring's size (the <c>ring</c> map's entries).</summary>
    public const int RingSlots = 65536;

    /// <summary>The most slots one service may take.</summary>
    public const int MaxServiceSlots = 4096;

    /// <summary>The most services (the <c>services</c> map's entries).</summary>
    public const int MaxServices = 256;

    /// <summary>Translates the rules.</summary>
    /// <param name="rules">The parsed rules.</param>
    /// <param name="lines">Where each rule was written, to name the line of a refused service or real server.</param>
    /// <param name="port">The interface the program is attached to.</param>
    /// <param name="neighbours">Real servers' MACs, e.g. from <see cref="KernelArpTable.Parse"/>.</param>
    /// <returns>The plan's text.</returns>
    /// <exception cref="RulesTranslationException">What the rules ask that the XDP forwarder cannot do, every reason at once.</exception>
    public static string Translate(RuleSet rules, RuleLines lines, HostInterface port, IReadOnlyDictionary<Ipv4Address, MacAddress> neighbours)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(neighbours);
        var reasons = new List<string>();
        var plan = new StringBuilder();
        plan.AppendLine("# Written by lvs-xdp from ipvsadm-save rules.");
        var first = 0;
        if (rules.Services.Count > MaxServices)
        {
            reasons.Add($"{lines.SourceName}: {rules.Services.Count} services, more than the XDP forwarder's {MaxServices}");
        }

        foreach (VirtualService service in rules.Services)
        {
            string at = lines.Service(service);
            if (service.IsFirewallMark)
            {
                reasons.Add($"{at}: firewall-mark services (-f) are not supported by the XDP forwarder");
                continue;
            }

            if (service.IsIpv6 || service.RealServers.Any(server => server.Address.IsIpv6))
            {
                reasons.Add($"{at}: IPv6 is not supported by the XDP forwarder (its program parses IPv4 only)");
                continue;
            }

            var refused = reasons.Count;
            if (service.IsPersistent)
            {
                reasons.Add($"{at}: persistence (-p) is not supported by the XDP forwarder (no connection table)");
            }

            if (service.OnePacket)
            {
                reasons.Add($"{at}: one-packet scheduling (-o) is not supported by the XDP forwarder");
            }

            if (service.Scheduler is not ("rr" or "wrr" or "sh"))
            {
                reasons.Add($"{at}: -s {service.Scheduler} is not supported by the XDP forwarder (rr, wrr, sh, each by a hash)");
            }

            foreach (RealServer server in service.RealServers)
            {
                string serverAt = lines.RealServer(service, server);
                if (server.ForwardingMethod != ForwardingMethod.DirectRouting)
                {
                    reasons.Add($"{serverAt}: only direct routing (-g) is supported by the XDP forwarder, not {(server.ForwardingMethod == ForwardingMethod.Masquerading ? "masquerading (-m)" : "tunnelling (-i)")}");
                }
                else if (server.Port != 0 && server.Port != service.Port)
                {
                    reasons.Add($"{serverAt}: DR cannot change the port ({service.Port.ToString(CultureInfo.InvariantCulture)} → {server.Port.ToString(CultureInfo.InvariantCulture)})");
                }
                else if (server.Weight > 0 && !port.IsOnLink(server.Address.Ipv4))
                {
                    reasons.Add($"{serverAt}: not on {port.Name}'s subnet ({port.Address}/{port.PrefixLength.ToString(CultureInfo.InvariantCulture)}); DR sends the frame back out of that link");
                }
                else if (server.Weight > 0 && !neighbours.ContainsKey(server.Address.Ipv4))
                {
                    reasons.Add($"{serverAt}: no MAC known (it did not answer ARP)");
                }
            }

            if (reasons.Count > refused)
            {
                continue;
            }

            List<RealServer> slots = Slots(service);
            if (slots.Count > MaxServiceSlots)
            {
                reasons.Add($"{at}: its weights need {slots.Count.ToString(CultureInfo.InvariantCulture)} slots, more than {MaxServiceSlots.ToString(CultureInfo.InvariantCulture)}");
                continue;
            }

            if (first + slots.Count > RingSlots)
            {
                reasons.Add($"{at}: the services need more than {RingSlots.ToString(CultureInfo.InvariantCulture)} slots in all");
                continue;
            }

            string protocol = service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";
            string hash = service.Scheduler == "sh" ? "source" : "flow";
            plan.AppendLine(Invariant($"service {service.Address} {service.Port} {protocol} {hash} {first} {slots.Count}"));
            for (var i = 0; i < slots.Count; i++)
            {
                plan.AppendLine(Invariant($"slot {first + i} {neighbours[slots[i].Address.Ipv4]}"));
            }

            first += slots.Count;
        }

        return reasons.Count > 0 ? throw new RulesTranslationException(reasons) : plan.ToString();
    }

    /// <summary>
    /// A service's slots in order: each real server of weight above 0 as many times as its weight
    /// (over the weights' greatest common divisor; once each for <c>rr</c>), interleaved as
    /// <c>wrr</c> would send them in a cycle.
    /// </summary>
    /// <param name="service">A service.</param>
    /// <returns>The real server of each slot.</returns>
    public static List<RealServer> Slots(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var servers = service.RealServers.Where(s => s.Weight > 0).ToList();
        if (servers.Count == 0)
        {
            return [];
        }

        var divisor = servers.Select(s => s.Weight).Aggregate(Gcd);
        var weights = servers.Select(s => service.Scheduler == "rr" ? 1 : s.Weight / divisor).ToList();
        var slots = new List<RealServer>();
        for (var round = 1; round <= weights.Max() && slots.Count <= MaxServiceSlots; round++)
        {
            for (var i = 0; i < servers.Count; i++)
            {
                if (weights[i] >= round)
                {
                    slots.Add(servers[i]);
                }
            }
        }

        return slots;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
