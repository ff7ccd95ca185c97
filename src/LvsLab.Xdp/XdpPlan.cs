using System.Globalization;
using System.Text;
using LvsLab.Director.Rules;
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
    /// <param name="text">Their text (to name the line of a refused service or real server).</param>
    /// <param name="sourceName">The file's name, for reasons.</param>
    /// <param name="port">The interface the program is attached to.</param>
    /// <param name="neighbours">Real servers' MACs, e.g. from <see cref="ReadArpTable"/>.</param>
    /// <returns>The plan's text.</returns>
    /// <exception cref="XdpTranslationException">What the rules ask that the XDP forwarder cannot do, every reason at once.</exception>
    public static string Translate(RuleSet rules, string text, string sourceName, XdpPort port, IReadOnlyDictionary<Ipv4Address, MacAddress> neighbours)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(neighbours);
        var lines = text.Split('\n');
        var reasons = new List<string>();
        var plan = new StringBuilder();
        plan.AppendLine("# Written by lvs-xdp from ipvsadm-save rules.");
        var first = 0;
        if (rules.Services.Count > MaxServices)
        {
            reasons.Add($"{sourceName}: {rules.Services.Count} services, more than the XDP forwarder's {MaxServices}");
        }

        foreach (VirtualService service in rules.Services)
        {
            string at = $"{sourceName}:{ServiceLine(lines, service)}: service {service}";
            if (service.IsFirewallMark)
            {
                reasons.Add($"{at}: firewall-mark services (-f) are not supported by the XDP forwarder");
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
                string serverAt = $"{sourceName}:{RealServerLine(lines, service, server)}: real server {server.Address}:{server.Port.ToString(CultureInfo.InvariantCulture)} of {service}";
                if (server.ForwardingMethod != ForwardingMethod.DirectRouting)
                {
                    reasons.Add($"{serverAt}: only direct routing (-g) is supported by the XDP forwarder, not {(server.ForwardingMethod == ForwardingMethod.Masquerading ? "masquerading (-m)" : "tunnelling (-i)")}");
                }
                else if (server.Port != 0 && server.Port != service.Port)
                {
                    reasons.Add($"{serverAt}: DR cannot change the port ({service.Port.ToString(CultureInfo.InvariantCulture)} → {server.Port.ToString(CultureInfo.InvariantCulture)})");
                }
                else if (server.Weight > 0 && !port.IsOnLink(server.Address))
                {
                    reasons.Add($"{serverAt}: not on {port.Name}'s subnet ({port.Address}/{port.PrefixLength.ToString(CultureInfo.InvariantCulture)}); DR sends the frame back out of that link");
                }
                else if (server.Weight > 0 && !neighbours.ContainsKey(server.Address))
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
                plan.AppendLine(Invariant($"slot {first + i} {neighbours[slots[i].Address]}"));
            }

            first += slots.Count;
        }

        return reasons.Count > 0 ? throw new XdpTranslationException(reasons) : plan.ToString();
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

    /// <summary>The MACs of complete entries in the kernel's ARP table (<c>/proc/net/arp</c>).</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>Address to MAC.</returns>
    public static IReadOnlyDictionary<Ipv4Address, MacAddress> ReadArpTable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var table = new Dictionary<Ipv4Address, MacAddress>();
        foreach (string line in text.Split('\n').Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // IP address, HW type, Flags (0x2: complete), HW address, Mask, Device.
            if (f.Length >= 4 && f[2] == "0x2" && Ipv4Address.TryParse(f[0], out Ipv4Address ip) && MacAddress.TryParse(f[3], out MacAddress mac))
            {
                table[ip] = mac;
            }
        }

        return table;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    // The 1-based line that adds the service (-A … -t|-u VIP:PORT), or "?" when not found.
    private static string ServiceLine(string[] lines, VirtualService service) =>
        FindLine(lines, words => IsAdd(words, "-A", "--add-service") && Names(words, service));

    private static string RealServerLine(string[] lines, VirtualService service, RealServer server) =>
        FindLine(lines, words => IsAdd(words, "-a", "--add-server") && Names(words, service)
            && words.Any(w => w == $"{server.Address}" || w.StartsWith($"{server.Address}:", StringComparison.Ordinal)));

    private static string FindLine(string[] lines, Func<string[], bool> match)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (match(lines[i].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)))
            {
                return (i + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        return "?";
    }

    private static bool IsAdd(string[] words, string shortName, string longName) =>
        words.Contains(shortName, StringComparer.Ordinal) || words.Contains(longName, StringComparer.Ordinal);

    private static bool Names(string[] words, VirtualService service)
    {
        var kinds = service.Protocol == ServiceProtocol.Tcp ? new[] { "-t", "--tcp-service" } : ["-u", "--udp-service"];
        var endpoint = Invariant($"{service.Address}:{service.Port}");
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (kinds.Contains(words[i], StringComparer.Ordinal) && words[i + 1] == endpoint)
            {
                return true;
            }
        }

        return false;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
