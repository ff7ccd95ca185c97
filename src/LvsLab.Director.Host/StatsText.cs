using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LvsLab.Director.Rules;

namespace LvsLab.Director.Host;

/// <summary>The director's counters as text (laid out like <c>ipvsadm -Ln --stats</c>) and as JSON.</summary>
internal static class StatsText
{
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

    public static string Table(DirectorEngine engine, FrameIoCounters io, LiveDirector health)
    {
        var c = engine.Counters;
        var text = new StringBuilder();
        text.AppendLine("IP Virtual Server (lvs-director)");
        text.AppendLine("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes Health");
        text.AppendLine("  -> RemoteAddress:Port");
        for (var s = 0; s < engine.Rules.Services.Count; s++)
        {
            var service = engine.Rules.Services[s];
            var traffic = c.GetServiceTraffic(s);
            var replies = c.GetServiceReplyTraffic(s);
            text.AppendLine(Invariant($"{Protocol(service),-4} {Name(service),-28} {c.GetServiceConnectionCount(s),7} {traffic.Packets,8} {replies.Packets,8} {traffic.Bytes,8} {replies.Bytes,8}"));
            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var real = service.RealServers[r];
                var t = c.GetRealServerTraffic(s, r);
                var o = c.GetRealServerReplyTraffic(s, r);
                text.AppendLine(Invariant($"  -> {real.Address.ToString(real.Port),-28} {c.GetRealServerConnectionCount(s, r),7} {t.Packets,8} {o.Packets,8} {t.Bytes,8} {o.Bytes,8} {health.HealthOf(service, real)}"));
            }
        }

        text.AppendLine();
        text.AppendLine(health.HealthKind == "none"
            ? "health checks: none"
            : Invariant($"health checks: {health.HealthKind}; down: {(health.HealthDown.Count == 0 ? "none" : string.Join(", ", health.HealthDown.Select(d => d.ToString()).Order(StringComparer.Ordinal)))}"));

        text.AppendLine();
        text.AppendLine(Invariant($"frames in {c.FramesIn}  forwarded {c.ForwardedPackets} ({c.ForwardedBytes} bytes)  replies {c.ReplyPackets} ({c.ReplyBytes} bytes)  arp replies {c.ArpReplies}  arp requests {c.ArpRequests}  icmp sent {c.IcmpSent}  ignored {c.Ignored}  send errors {io.SendErrors}"));
        text.AppendLine(Invariant($"frame i/o: {io.BatchedFrames} frames sent in {io.Batches} calls  receive queue drops {io.RingDrops}  checksums completed {io.ChecksumsCompleted}  truncated {io.Truncated}  vlan-tagged {io.VlanDropped}"));
        text.AppendLine(Invariant($"dropped {c.Dropped}:"));
        foreach (var (reason, count) in c.EnumerateDrops().Where(d => d.Value > 0))
        {
            text.AppendLine(Invariant($"  {reason,-28} {count}"));
        }

        text.AppendLine(Invariant($"connections {engine.Connections.Count} of {engine.Connections.Capacity} (evicted {engine.Connections.Evicted}, embryonic {engine.Connections.EmbryonicEvicted}; {EvictionName(engine.Connections.Eviction)} eviction)  persistence templates {engine.Connections.TemplateCount}  connections scheduled {c.ConnectionsScheduled}"));
        return text.ToString();
    }

    /// <summary>
    /// The counters as one JSON document, written field by field (no reflection, a few kilobytes
    /// allocated a call). The garbage collector's figures are sampled last, so the allocations
    /// of this call fall before them and the next call's sample sees only what happened between.
    /// </summary>
    public static string Json(DirectorEngine engine, FrameIoCounters io, LiveDirector health)
    {
        var c = engine.Counters;
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("framesIn", c.FramesIn);
            json.WriteNumber("forwardedPackets", c.ForwardedPackets);
            json.WriteNumber("forwardedBytes", c.ForwardedBytes);
            json.WriteNumber("replyPackets", c.ReplyPackets);
            json.WriteNumber("replyBytes", c.ReplyBytes);
            json.WriteNumber("arpReplies", c.ArpReplies);
            json.WriteNumber("arpRequests", c.ArpRequests);
            json.WriteNumber("icmpSent", c.IcmpSent);
            json.WriteNumber("ignored", c.Ignored);
            json.WriteNumber("sendErrors", io.SendErrors);
            json.WriteStartObject("io");
            json.WriteNumber("sendCalls", io.Batches);
            json.WriteNumber("framesSent", io.BatchedFrames);
            json.WriteNumber("receiveQueueDrops", io.RingDrops);
            json.WriteNumber("checksumsCompleted", io.ChecksumsCompleted);
            json.WriteNumber("truncated", io.Truncated);
            json.WriteNumber("vlanTagged", io.VlanDropped);
            json.WriteNumber("coalescingWaits", io.CoalescingWaits);
            json.WriteEndObject();
            json.WriteString("healthChecks", health.HealthKind);
            json.WriteNumber("connections", engine.Connections.Count);
            json.WriteNumber("connectionCapacity", engine.Connections.Capacity);
            json.WriteNumber("connectionsEvicted", engine.Connections.Evicted);
            json.WriteNumber("embryonicEvicted", engine.Connections.EmbryonicEvicted);
            json.WriteNumber("embryonicConnections", engine.Connections.EmbryonicCount);
            json.WriteString("connectionEviction", EvictionName(engine.Connections.Eviction));
            json.WriteNumber("workingSetBytes", Environment.WorkingSet);
            json.WriteNumber("managedHeapBytes", GC.GetTotalMemory(false));
            json.WriteNumber("persistenceTemplates", engine.Connections.TemplateCount);
            json.WriteNumber("connectionsScheduled", c.ConnectionsScheduled);
            json.WriteStartObject("timeouts");
            json.WriteNumber("tcp", engine.Connections.Timeouts.TcpEstablishedMilliseconds / 1000);
            json.WriteNumber("tcpFin", engine.Connections.Timeouts.TcpFinWaitMilliseconds / 1000);
            json.WriteNumber("udp", engine.Connections.Timeouts.UdpMilliseconds / 1000);
            json.WriteEndObject();
            json.WriteStartObject("drops");
            json.WriteNumber("total", c.Dropped);
            json.WriteNumber("malformed", Malformed.Sum(c.GetDrops));
            foreach (var (reason, count) in c.EnumerateDrops())
            {
                json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(reason.ToString()), count);
            }

            json.WriteEndObject();
            json.WriteStartArray("services");
            for (var s = 0; s < engine.Rules.Services.Count; s++)
            {
                var service = engine.Rules.Services[s];
                json.WriteStartObject();
                json.WriteString("protocol", Protocol(service));
                json.WriteString("address", service.Address.ToString());
                json.WriteNumber("port", service.Port);
                json.WriteNumber("firewallMark", service.FirewallMark ?? 0);
                json.WriteString("scheduler", service.Scheduler);
                json.WriteNumber("persistence", service.PersistenceTimeout ?? 0);
                json.WriteNumber("connectionsScheduled", c.GetServiceConnectionCount(s));
                json.WriteNumber("packets", c.GetServiceTraffic(s).Packets);
                json.WriteNumber("bytes", c.GetServiceTraffic(s).Bytes);
                json.WriteStartArray("realServers");
                for (var r = 0; r < service.RealServers.Count; r++)
                {
                    var real = service.RealServers[r];
                    var (active, inactive) = engine.GetRealServerConnections(s, r);
                    json.WriteStartObject();
                    json.WriteString("address", real.Address.ToString());
                    json.WriteNumber("port", real.Port);
                    json.WriteString("method", real.ForwardingMethod.ToString());
                    json.WriteNumber("weight", real.Weight);
                    json.WriteString("health", health.HealthOf(service, real));
                    json.WriteNumber("activeConnections", active);
                    json.WriteNumber("inactiveConnections", inactive);
                    json.WriteNumber("connectionsScheduled", c.GetRealServerConnectionCount(s, r));
                    json.WriteNumber("packets", c.GetRealServerTraffic(s, r).Packets);
                    json.WriteNumber("bytes", c.GetRealServerTraffic(s, r).Bytes);
                    json.WriteNumber("replyPackets", c.GetRealServerReplyTraffic(s, r).Packets);
                    json.WriteNumber("replyBytes", c.GetRealServerReplyTraffic(s, r).Bytes);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (health.Vrrp is { } vrrp)
            {
                // Which of a VRRP pair holds the VIPs now: "master" or "backup".
                var v = vrrp.Snapshot();
                json.WriteString("vrrp", v.StateName);
                json.WriteStartObject("vrrpDetail");
                json.WriteNumber("virtualRouterId", vrrp.Options.VirtualRouterId);
                json.WriteNumber("priority", vrrp.Options.Priority);
                json.WriteString("masterAddress", v.MasterAddress.ToString());
                json.WriteNumber("masterIntervalMilliseconds", v.MasterIntervalCentiseconds * 10);
                json.WriteNumber("advertisementsReceived", v.Received);
                json.WriteNumber("advertisementsAccepted", v.Accepted);
                json.WriteNumber("advertisementsIgnored", v.Ignored);
                json.WriteStartObject("ignoredBy");
                foreach (var (reason, count) in v.IgnoredBy)
                {
                    json.WriteNumber(reason, count);
                }

                json.WriteEndObject();
                json.WriteNumber("addressListMismatches", v.AddressListMismatches);
                json.WriteNumber("becameMaster", v.MasterTransitions);
                json.WriteNumber("becameBackup", v.BackupTransitions);
                json.WriteNumber("inboxDropped", v.InboxDropped);
                json.WriteEndObject();
            }

            if (health.Sync is { } sync)
            {
                var s = sync.Counters;
                json.WriteStartObject("sync");
                json.WriteNumber("sentMessages", s.SentMessages);
                json.WriteNumber("sentEntries", s.SentEntries);
                json.WriteNumber("receivedMessages", s.ReceivedMessages);
                json.WriteNumber("installedEntries", s.InstalledEntries);
                json.WriteNumber("refusedMessages", s.RefusedMessages);
                json.WriteNumber("engineInstalled", engine.SyncInstalled);
                json.WriteNumber("engineRefused", engine.SyncRefused);
                json.WriteEndObject();
            }

            json.WriteStartObject("gc");
            json.WriteNumber("gen0", GC.CollectionCount(0));
            json.WriteNumber("gen1", GC.CollectionCount(1));
            json.WriteNumber("gen2", GC.CollectionCount(2));
            json.WriteNumber("allocatedBytes", GC.GetTotalAllocatedBytes());
            json.WriteNumber("frameThreadsAllocatedBytes", io.FrameThreadAllocatedBytes);
            json.WriteNumber("pauseMilliseconds", GC.GetTotalPauseDuration().TotalMilliseconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
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
            text.AppendLine(Invariant($"{Protocol(service),-4} {Name(service)} {service.Scheduler}{Flags(service)}"));
            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var real = service.RealServers[r];
                var counts = engine.GetRealServerConnections(s, r);
                text.AppendLine(Invariant($"  -> {real.Address.ToString(real.Port),-28} {Forward(real.ForwardingMethod),-7} {engine.GetWeight(s, r),-6} {counts.Active,-10} {counts.Inactive}"));
            }
        }

        return text.ToString();
    }

    /// <summary>Rates in ipvsadm's <c>-Ln --rate</c> layout (2 s estimators, weight 1/4).</summary>
    public static string Rates(DirectorEngine engine, RateTracker rates)
    {
        var text = new StringBuilder();
        text.AppendLine("IP Virtual Server (lvs-director)");
        text.AppendLine("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS");
        text.AppendLine("  -> RemoteAddress:Port");
        foreach (var service in engine.Rules.Services)
        {
            var r = rates.Of(service);
            text.AppendLine(Invariant($"{Protocol(service),-4} {Name(service),-30} {r.ConnectionsPerSecond,8:F0} {r.PacketsInPerSecond,8:F0} {r.PacketsOutPerSecond,8:F0} {r.BytesInPerSecond,8:F0} {r.BytesOutPerSecond,8:F0}"));
            foreach (var real in service.RealServers)
            {
                var x = rates.Of(service, real);
                text.AppendLine(Invariant($"  -> {real.Address.ToString(real.Port),-30} {x.ConnectionsPerSecond,6:F0} {x.PacketsInPerSecond,8:F0} {x.PacketsOutPerSecond,8:F0} {x.BytesInPerSecond,8:F0} {x.BytesOutPerSecond,8:F0}"));
            }
        }

        return text.ToString();
    }

    /// <summary>The timeouts as ipvsadm <c>-L --timeout</c> prints them.</summary>
    public static string Timeouts(DirectorEngine engine) => Invariant(
        $"{engine.Connections.Timeouts.TcpEstablishedMilliseconds / 1000} {engine.Connections.Timeouts.TcpFinWaitMilliseconds / 1000} {engine.Connections.Timeouts.UdpMilliseconds / 1000}");

    private static string Forward(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "Route",
        ForwardingMethod.Masquerading => "Masq",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => method.ToString(),
    };

    /// <summary>A connection state as ipvsadm names it.</summary>
    public static string State(Connections.ConnectionState state) => state switch
    {
        Connections.ConnectionState.SynReceived => "SYN_RECV",
        Connections.ConnectionState.Established => "ESTABLISHED",
        Connections.ConnectionState.FinWait => "FIN_WAIT",
        Connections.ConnectionState.CloseWait => "CLOSE_WAIT",
        Connections.ConnectionState.Closed => "CLOSE",
        Connections.ConnectionState.Udp => "UDP",
        _ => "UNKNOWN",
    };

    /// <summary>A service's protocol as ipvsadm names it (FWM for a mark service).</summary>
    public static string Protocol(VirtualService service) =>
        service.IsFirewallMark ? "FWM" : service.Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP";

    /// <summary>The service as ipvsadm -Ln names it: VIP:PORT, or the mark of a -f service.</summary>
    public static string Name(VirtualService service) =>
        service.FirewallMark is { } mark ? mark.ToString(CultureInfo.InvariantCulture) : service.Address.ToString(service.Port);

    // ipvsadm -Ln's flags after the scheduler: persistent N [mask M], ops.
    private static string Flags(VirtualService service)
    {
        var flags = new StringBuilder();
        if (service.PersistenceTimeout is { } timeout)
        {
            flags.Append(Invariant($" persistent {timeout}"));
            if (service.PersistenceNetmask != Packets.Ipv4Address.Broadcast)
            {
                flags.Append(Invariant($" mask {service.PersistenceNetmask}"));
            }
        }

        if (service.OnePacket)
        {
            flags.Append(" ops");
        }

        return flags.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string EvictionName(Connections.ConnectionEviction eviction) =>
        eviction == Connections.ConnectionEviction.EmbryonicFirst ? "embryonic-first" : "lru";
}
