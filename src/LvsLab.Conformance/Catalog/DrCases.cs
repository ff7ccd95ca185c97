using System.Globalization;
using System.Text;
using LvsLab.Conformance.Results;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;

namespace LvsLab.Conformance.Catalog;

/// <summary>The cases of LVS-DR (direct routing).</summary>
internal static class DrCases
{
    private static ConformanceCase Rewrite { get; } = new()
    {
        Id = "DR-FWD-1",
        Mode = "dr",
        Level = CaseLevel.Must,
        Sentence = "A request reaches a real server with its IP header and payload byte for byte unchanged (TTL too); only the MACs are rewritten, director → real server.",
        Reference = "ip_vs_xmit.c, ip_vs_dr_xmit: the packet is sent unchanged to the real server's MAC",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var router = LabProbe.Router(lab);
            var director = LabProbe.Director(lab).Interfaces[0];
            var servers = LabProbe.RealServers(lab);
            var taps = TapSet.Start(lab, context.Artifacts, [$"{router.Name}:{director.Network}", .. servers.Select(s => s.Name)]);
            await using (taps.ConfigureAwait(false))
            {
                var replies = await LabProbe.GetAsync(lab, 6, ct);
                await taps.StopAsync();
                var cip = LabProbe.ClientAddress(lab);
                var sent = taps.On($"{router.Name}:{director.Network}").Where(f => f.IsIp(cip, lab.Topology.Vip) && f.DestinationMac == director.Mac).ToList();
                var evidence = new List<string> { LabProbe.Answered(replies), string.Create(CultureInfo.InvariantCulture, $"the router sent {sent.Count} request frames to the director") };
                var requests = new FrameFilter($"{cip} → {lab.Topology.Vip}", f => f.IsIp(cip, lab.Topology.Vip));
                var held = replies.All(r => r is not null) && sent.Count > 0;
                var matched = 0;
                foreach (var server in servers)
                {
                    var dr = new DirectRoutingRewrite(director.Mac, server.Interfaces[0].Mac, server.Name);
                    var result = PacketVerifier.VerifyNoOtherPackets(taps.On(server.Name), [.. sent.Select(f => dr.Expect(f.Data))], requests);
                    matched += result.Matches.Count;
                    evidence.Add($"{server.Name}: {result.Summary}");
                    if (!result.Passed)
                    {
                        held = false;
                        evidence.Add(result.ToString());
                    }
                }

                evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{matched} request frames at the real servers matched the DR rewrite of a frame the router sent"));
                return new CaseFinding(held && matched >= sent.Count, evidence, taps.Pcaps);
            }
        },
    };

    // The router is told the director's MAC for a real server's address, so a datagram to that
    // address goes to the director: an LVS director forwards only what is for a virtual service.
    private static ConformanceCase NotForAVip { get; } = new()
    {
        Id = "DR-NONVIP-1",
        Mode = "dr",
        Level = CaseLevel.Should,
        Sentence = "A frame sent to the director for an address that is no virtual service is not passed on to a real server.",
        Reference = "ip_vs_core.c: IPVS takes only packets of a virtual service; a director that is not also a router forwards nothing else",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var router = LabProbe.Router(lab);
            var director = LabProbe.Director(lab).Interfaces[0];
            var target = LabProbe.RealServers(lab)[0];
            var rip = target.Interfaces[0].Address;
            var routerLan = router.On(director.Network);
            var marker = $"lvslab-nonvip-{Guid.NewGuid():N}"[..24];
            var taps = TapSet.Start(lab, context.Artifacts, target.Name);
            await using (taps.ConfigureAwait(false))
            {
                await lab.ExecAsync(router.Name, ["ip", "neigh", "replace", rip.ToString(), "lladdr", director.Mac, "dev", routerLan.Name, "nud", "permanent"], ct);
                try
                {
                    await lab.ExecAsync(router.Name, ["sh", "-c", $"echo {marker} | socat -t 0.5 - UDP4:{rip}:9"], ct);
                }
                finally
                {
                    await lab.ExecAsync(router.Name, ["ip", "neigh", "del", rip.ToString(), "dev", routerLan.Name], ct);
                }

                await taps.StopAsync();
                var leaked = taps.On(target.Name).Where(f => f.Data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0).ToList();
                var evidence = new List<string>
                {
                    $"{router.Name} sent a UDP datagram to {rip}:9 (a real server, no virtual service) to the director's MAC {director.Mac}",
                    leaked.Count == 0 ? $"{target.Name} never received it" : $"{target.Name} received it {leaked.Count} time(s), from MAC {leaked[0].SourceMac}: the director forwarded a frame that was for no virtual service",
                };
                return new CaseFinding(leaked.Count == 0, evidence, taps.Pcaps);
            }
        },
    };

    // Injected from the host side of the director's link, as if the router had sent them: a SYN
    // with a broken IPv4 header checksum and one whose TCP header is cut short, each marked by
    // its IP identification. Then the service must still answer.
    private static ConformanceCase Malformed { get; } = new()
    {
        Id = "DR-BAD-1",
        Mode = "dr",
        Level = CaseLevel.Should,
        Sentence = "Malformed frames for the virtual service (a wrong IPv4 header checksum, a TCP header cut short) are not passed on to a real server, and the service keeps answering.",
        Reference = "RFC 1122 §3.2.1.2 (a host discards a datagram with a bad header checksum); IPVS sees only what ip_rcv accepted (ip_input.c) and drops a TCP header it cannot read (ip_vs_proto_tcp.c, tcp_conn_schedule). SHOULD: a real server's own IP layer discards what a link-layer forwarder passes on",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var node = LabProbe.Director(lab);
            var director = node.Interfaces[0];
            var router = LabProbe.Router(lab).On(director.Network);
            var cip = LabProbe.ClientAddress(lab);
            var service = new System.Net.IPEndPoint(lab.Topology.Vip, lab.Topology.Port);
            var servers = LabProbe.RealServers(lab);
            const ushort BadChecksumId = 61001;
            const ushort TruncatedId = 61002;
            var taps = TapSet.Start(lab, context.Artifacts, [$"{node.Name}:{director.Network}", .. servers.Select(s => s.Name)]);
            await using (taps.ConfigureAwait(false))
            {
                FrameInjector.Send(director.HostInterface, [
                    MalformedFrames.BadIpChecksum(director.Mac, router.Mac, cip, service, BadChecksumId),
                    MalformedFrames.TruncatedTcp(director.Mac, router.Mac, cip, service, TruncatedId),
                ]);
                var replies = await LabProbe.GetAsync(lab, 3, ct);
                await taps.StopAsync();
                static ushort Id(CapturedFrame f) => f.Data.Length >= 20 ? (ushort)((f.Data[18] << 8) | f.Data[19]) : (ushort)0;
                var injected = taps.On($"{node.Name}:{director.Network}").Count(f => f.DestinationMac == director.Mac && f.IsIp(cip, lab.Topology.Vip) && Id(f) is BadChecksumId or TruncatedId);
                var evidence = new List<string>
                {
                    string.Create(CultureInfo.InvariantCulture, $"injected to the director ({director.Mac}) from the router's MAC: a SYN to {service} with a wrong IPv4 header checksum (IP id {BadChecksumId}) and one whose IPv4 total length ends 10 bytes into the TCP header (IP id {TruncatedId}); {injected} seen on the director's link"),
                    LabProbe.Answered(replies),
                };
                // Judged where the frames leave the director: the lab's bridges verify IPv4 header
                // checksums themselves (br_netfilter), so a bad one sent on would not show at a real server.
                var passedOn = taps.On($"{node.Name}:{director.Network}").Where(f => f.SourceMac == director.Mac && f.IsIp(cip, lab.Topology.Vip) && Id(f) is BadChecksumId or TruncatedId).ToList();
                foreach (var frame in passedOn)
                {
                    evidence.Add(string.Create(CultureInfo.InvariantCulture, $"the director passed on {(Id(frame) == BadChecksumId ? "the bad-checksum SYN" : "the truncated SYN")} to MAC {frame.DestinationMac}"));
                }

                foreach (var server in servers)
                {
                    var arrived = taps.On(server.Name).Count(f => f.IsIp(cip, lab.Topology.Vip) && Id(f) is BadChecksumId or TruncatedId);
                    evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{server.Name}: received {arrived} of them"));
                }

                var held = replies.All(r => r is not null) && passedOn.Count == 0 && injected > 0;
                return new CaseFinding(held, evidence, taps.Pcaps);
            }
        },
    };

    // The stock DR service under wrr with weights n, n-1, …, 1 (3, 2, 1 for three servers): one
    // cycle of 6 connections gives 3, 2 and 1; five cycles give exactly 15, 10 and 5.
    private static ConformanceCase WeightedShares { get; } = new()
    {
        Id = "DR-WRR-1",
        Mode = "dr",
        Level = CaseLevel.Must,
        Scheduler = "wrr",
        Variant = "wrr 3:2:1",
        Rules = topology => LabRules.DirectRouting(topology, "wrr", i => topology.NodesWith(Lab.Model.NodeRole.RealServer).Count - i),
        Sentence = "Weighted round robin with weights 3, 2 and 1 gives the real servers exactly 15, 10 and 5 of 30 new connections.",
        Reference = "ip_vs_wrr.c: in every cycle each real server gets as many connections as its weight",
        Run = async (context, ct) =>
        {
            var servers = LabProbe.RealServers(context.Lab);
            var weights = servers.Select((_, i) => servers.Count - i).ToList();
            var total = 5 * weights.Sum();
            var replies = await LabProbe.GetAsync(context.Lab, total, ct);
            var counts = servers.Select((s, i) => (s.Name, Count: replies.Count(r => r?.Server == s.Name), Expected: 5 * weights[i])).ToList();
            var evidence = counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} (weight {c.Expected / 5}): {c.Count} of {total} (expected {c.Expected})")).Append(LabProbe.Answered(replies)).ToList();
            return new CaseFinding(replies.All(r => r is not null) && counts.All(c => c.Count == c.Expected), evidence, []);
        },
    };

    private static ConformanceCase SourceHashing { get; } = new()
    {
        Id = "DR-SH-1",
        Mode = "dr",
        Level = CaseLevel.Must,
        Scheduler = "sh",
        Variant = "sh",
        Rules = topology => LabRules.DirectRouting(topology, "sh", _ => 1),
        Sentence = "Source hashing sends every connection from one client address to the same real server.",
        Reference = "ip_vs_sh.c: the real server is chosen by a hash of the client's address",
        Run = (context, ct) => OneServerAsync(context, 12, ct),
    };

    private static ConformanceCase Persistence { get; } = new()
    {
        Id = "DR-PERSIST-1",
        Mode = "dr",
        Level = CaseLevel.Must,
        Capabilities = [Lab.Forwarders.ForwarderCapabilities.Persistence],
        Variant = "rr -p 60",
        Rules = topology => LabRules.DirectRouting(topology, "rr", _ => 1, persistenceSeconds: 60),
        Sentence = "A persistent service (rr, -p 60) keeps every connection from one client on the real server its first connection got.",
        Reference = "ip_vs_core.c, ip_vs_sched_persist: a template per client sends its connections to one real server until it expires",
        Run = (context, ct) => OneServerAsync(context, 12, ct),
    };

    // Last: the cases above are initialised first.
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        CommonCases.ArpOwnership("dr"),
        Rewrite,
        CommonCases.RepliesBypass("dr"),
        CommonCases.TrueClient("dr"),
        CommonCases.ExactRoundRobin("dr"),
        NotForAVip,
        Malformed,
        WeightedShares,
        SourceHashing,
        Persistence,
    ];

    private static async Task<CaseFinding> OneServerAsync(CaseContext context, int connections, CancellationToken ct)
    {
        var replies = await LabProbe.GetAsync(context.Lab, connections, ct);
        var chosen = replies.Where(r => r is not null).Select(r => r!.Server).Distinct().ToList();
        var evidence = new List<string>
        {
            LabProbe.Answered(replies),
            chosen.Count == 1
                ? string.Create(CultureInfo.InvariantCulture, $"all {connections} connections from {LabProbe.ClientAddress(context.Lab)} went to {chosen[0]}")
                : $"the connections from {LabProbe.ClientAddress(context.Lab)} went to {string.Join(", ", chosen.Select(c => $"{c} ({replies.Count(r => r?.Server == c)})"))}",
        };
        return new CaseFinding(replies.All(r => r is not null) && chosen.Count == 1, evidence, []);
    }
}
