using System.Globalization;
using System.Text;
using System.Text.Json;
using LvsLab.Director.Rules;

namespace LvsLab.Director.Host;

/// <summary>The director's counters as text (laid out like <c>ipvsadm -Ln --stats</c>) and as JSON.</summary>
internal static class StatsText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Drop reasons that mean "the frame itself was broken".</summary>
    private static readonly DropReason[] Malformed =
    [
        DropReason.TruncatedEthernet, DropReason.TruncatedArp, DropReason.TruncatedIpv4, DropReason.BadIpVersion,
        DropReason.BadIpHeaderLength, DropReason.BadIpTotalLength, DropReason.BadIpChecksum, DropReason.TruncatedTcp,
        DropReason.BadTcpDataOffset, DropReason.TruncatedUdp, DropReason.BadUdpLength,
    ];

    public static string Summary(DirectorEngine engine) => string.Create(
        CultureInfo.InvariantCulture,
        $"frames in {engine.Counters.FramesIn}, forwarded {engine.Counters.ForwardedPackets}, dropped {engine.Counters.Dropped}, ignored {engine.Counters.Ignored}");

    public static string Table(DirectorEngine engine, long sendErrors)
    {
        var c = engine.Counters;
        var text = new StringBuilder();
        text.AppendLine("IP Virtual Server (lvs-director)");
        text.AppendLine("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes");
        text.AppendLine("  -> RemoteAddress:Port");
        for (var s = 0; s < engine.Rules.Services.Count; s++)
        {
            var service = engine.Rules.Services[s];
            var traffic = c.GetServiceTraffic(s);
            var replies = c.GetServiceReplyTraffic(s);
            text.AppendLine(Invariant($"{Protocol(service),-4} {service.Address + ":" + service.Port,-28} {"-",7} {traffic.Packets,8} {replies.Packets,8} {traffic.Bytes,8} {replies.Bytes,8}"));
            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var real = service.RealServers[r];
                var t = c.GetRealServerTraffic(s, r);
                var o = c.GetRealServerReplyTraffic(s, r);
                text.AppendLine(Invariant($"  -> {real.Address + ":" + real.Port,-28} {"-",7} {t.Packets,8} {o.Packets,8} {t.Bytes,8} {o.Bytes,8}"));
            }
        }

        text.AppendLine();
        text.AppendLine(Invariant($"frames in {c.FramesIn}  forwarded {c.ForwardedPackets} ({c.ForwardedBytes} bytes)  replies {c.ReplyPackets} ({c.ReplyBytes} bytes)  arp replies {c.ArpReplies}  arp requests {c.ArpRequests}  icmp sent {c.IcmpSent}  ignored {c.Ignored}  send errors {sendErrors}"));
        text.AppendLine(Invariant($"dropped {c.Dropped}:"));
        foreach (var (reason, count) in c.EnumerateDrops().Where(d => d.Value > 0))
        {
            text.AppendLine(Invariant($"  {reason,-28} {count}"));
        }

        text.AppendLine(Invariant($"connections {engine.Connections.Count}"));
        return text.ToString();
    }

    public static string Json(DirectorEngine engine, long sendErrors)
    {
        var c = engine.Counters;
        var drops = new Dictionary<string, long>
        {
            ["total"] = c.Dropped,
            ["malformed"] = Malformed.Sum(c.GetDrops),
        };
        foreach (var (reason, count) in c.EnumerateDrops())
        {
            drops[JsonNamingPolicy.CamelCase.ConvertName(reason.ToString())] = count;
        }

        var services = engine.Rules.Services.Select((service, s) => new Dictionary<string, object>
        {
            ["protocol"] = Protocol(service),
            ["address"] = service.Address.ToString(),
            ["port"] = service.Port,
            ["scheduler"] = service.Scheduler,
            ["packets"] = c.GetServiceTraffic(s).Packets,
            ["bytes"] = c.GetServiceTraffic(s).Bytes,
            ["realServers"] = service.RealServers.Select((real, r) => new Dictionary<string, object>
            {
                ["address"] = real.Address.ToString(),
                ["port"] = real.Port,
                ["method"] = real.ForwardingMethod.ToString(),
                ["weight"] = real.Weight,
                ["packets"] = c.GetRealServerTraffic(s, r).Packets,
                ["bytes"] = c.GetRealServerTraffic(s, r).Bytes,
                ["replyPackets"] = c.GetRealServerReplyTraffic(s, r).Packets,
                ["replyBytes"] = c.GetRealServerReplyTraffic(s, r).Bytes,
            }).ToList(),
        }).ToList();
        var document = new Dictionary<string, object>
        {
            ["framesIn"] = c.FramesIn,
            ["forwardedPackets"] = c.ForwardedPackets,
            ["forwardedBytes"] = c.ForwardedBytes,
            ["replyPackets"] = c.ReplyPackets,
            ["replyBytes"] = c.ReplyBytes,
            ["arpReplies"] = c.ArpReplies,
            ["arpRequests"] = c.ArpRequests,
            ["icmpSent"] = c.IcmpSent,
            ["ignored"] = c.Ignored,
            ["sendErrors"] = sendErrors,
            ["connections"] = engine.Connections.Count,
            ["drops"] = drops,
            ["services"] = services,
        };
        return JsonSerializer.Serialize(document, Indented) + "\n";
    }

    /// <summary>Services and real servers in ipvsadm's <c>-Ln</c> layout.</summary>
    public static string List(DirectorEngine engine)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"IP Virtual Server (lvs-director) (connections={engine.Connections.Count})"));
        text.AppendLine("Prot LocalAddress:Port Scheduler Flags");
        text.AppendLine("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn");
        for (var s = 0; s < engine.Rules.Services.Count; s++)
        {
            var service = engine.Rules.Services[s];
            text.AppendLine(Invariant($"{Protocol(service),-4} {service.Address + ":" + service.Port} {service.Scheduler}"));
            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var real = service.RealServers[r];
                var counts = engine.GetRealServerConnections(s, r);
                text.AppendLine(Invariant($"  -> {real.Address + ":" + real.Port,-28} {Forward(real.ForwardingMethod),-7} {engine.GetWeight(s, r),-6} {counts.Active,-10} {counts.Inactive}"));
            }
        }

        return text.ToString();
    }

    /// <summary>The connection table in ipvsadm's <c>-Lnc</c> layout.</summary>
    public static string Connections(DirectorEngine engine, long nowMilliseconds)
    {
        var text = new StringBuilder();
        text.AppendLine("IPVS connection entries");
        text.AppendLine("pro expire state       source                virtual               destination");
        foreach (var (key, entry) in engine.Connections.Entries.OrderBy(e => e.Value.ExpiresAtMilliseconds))
        {
            var service = engine.Rules.Services[entry.ServiceIndex];
            var real = service.RealServers[entry.RealServerIndex];
            var left = TimeSpan.FromMilliseconds(Math.Max(0, entry.ExpiresAtMilliseconds - nowMilliseconds));
            text.AppendLine(Invariant($"{Protocol(service),-3} {(int)left.TotalMinutes:00}:{left.Seconds:00} {State(entry.State),-11} {key.ClientAddress + ":" + key.ClientPort,-21} {key.VirtualAddress + ":" + key.VirtualPort,-21} {real.Address + ":" + real.Port}"));
        }

        return text.ToString();
    }

    private static string Forward(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "Route",
        ForwardingMethod.Masquerading => "Masq",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => method.ToString(),
    };

    private static string State(Connections.ConnectionState state) => state.ToString().ToUpperInvariant() switch
    {
        "SYNRECEIVED" or "SYNSENT" or "SYN" => "SYN_RECV",
        "ESTABLISHED" => "ESTABLISHED",
        "FINWAIT" => "FIN_WAIT",
        "CLOSEWAIT" => "CLOSE_WAIT",
        "CLOSED" => "CLOSE",
        var other => other,
    };

    private static string Protocol(VirtualService service) => service.Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
