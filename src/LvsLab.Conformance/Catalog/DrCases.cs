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

    // Last: the cases above are initialised first.
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        CommonCases.ArpOwnership("dr"),
        Rewrite,
        CommonCases.RepliesBypass("dr"),
        CommonCases.TrueClient("dr"),
        CommonCases.ExactRoundRobin("dr"),
        NotForAVip,
    ];
}
