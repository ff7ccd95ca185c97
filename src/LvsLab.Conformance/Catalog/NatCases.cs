using System.Globalization;
using System.Net;
using LvsLab.Conformance.Results;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Checks;
using LvsLab.Testing.Expectations;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Conformance.Catalog;

/// <summary>The cases of LVS-NAT (masquerading): the director rewrites VIP:80 → RIP:8080 in and back out.</summary>
internal static class NatCases
{
    private static ConformanceCase Inbound { get; } = new()
    {
        Id = "NAT-FWD-1",
        Mode = "nat",
        Level = CaseLevel.Must,
        Sentence = "A request to VIP:80 leaves for a real server as RIP:8080 with TTL − 1 and correct IP and TCP checksums, all else unchanged.",
        Reference = "ip_vs_xmit.c, ip_vs_nat_xmit; ip_vs_proto_tcp.c, tcp_dnat_handler",
        Run = (context, ct) => RewriteAsync(context, inbound: true, ct),
    };

    private static ConformanceCase Outbound { get; } = new()
    {
        Id = "NAT-RET-1",
        Mode = "nat",
        Level = CaseLevel.Must,
        Sentence = "A real server's reply from RIP:8080 leaves for the client as VIP:80 with TTL − 1 and correct checksums.",
        Reference = "ip_vs_core.c, ip_vs_out / handle_response; ip_vs_proto_tcp.c, tcp_snat_handler",
        Run = (context, ct) => RewriteAsync(context, inbound: false, ct),
    };

    private static ConformanceCase OnlyVip { get; } = new()
    {
        Id = "NAT-VIP-1",
        Mode = "nat",
        Level = CaseLevel.Must,
        Sentence = "The client's link carries only client ↔ VIP packets: a real server's address never shows there.",
        Reference = "LVS-NAT (LVS-HOWTO): the director masquerades the real servers behind the VIP",
        Run = async (context, ct) =>
        {
            var result = await LabChecks.Find("only-vip").RunAsync(context.Lab, context.Artifacts, ct);
            return new CaseFinding(result.Passed, result.Evidence, result.Pcaps);
        },
    };

    private static ConformanceCase Udp { get; } = new()
    {
        Id = "NAT-UDP-1",
        Mode = "nat",
        Level = CaseLevel.Must,
        Sentence = "UDP datagrams to VIP:53 reach a real server's port 5353 and its answers come back from VIP:53, spread over every real server.",
        Reference = "ip_vs_proto_udp.c: udp_dnat_handler and udp_snat_handler",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var servers = LabProbe.RealServers(lab);
            var replies = await HttpProbe.UdpAsync(lab, LabProbe.Client(lab).Name, lab.Topology.Vip.ToString(), NatLab.UdpPort, servers.Count, ct);
            var evidence = replies.Select((r, i) => r is null
                ? string.Create(CultureInfo.InvariantCulture, $"datagram {i + 1}: no answer from {lab.Topology.Vip}:{NatLab.UdpPort}")
                : string.Create(CultureInfo.InvariantCulture, $"datagram {i + 1}: answered by {r.Server}, which saw {r.Client}:{r.ClientPort}")).ToList();
            var held = replies.All(r => r is not null) && replies.Select(r => r!.Server).Distinct().Count() == servers.Count;
            return new CaseFinding(held, evidence, []);
        },
    };

    // Last: the cases above are initialised first.
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        CommonCases.ArpOwnership("nat"),
        Inbound,
        Outbound,
        OnlyVip,
        Udp,
        CommonCases.TrueClient("nat"),
        CommonCases.ExactRoundRobin("nat"),
    ];

    private static async Task<CaseFinding> RewriteAsync(CaseContext context, bool inbound, CancellationToken ct)
    {
        var lab = context.Lab;
        var director = LabProbe.Director(lab);
        var front = director.On("front");
        var back = director.On("back");
        var client = LabProbe.Client(lab);
        var cip = LabProbe.ClientAddress(lab);
        var vip = lab.Topology.Vip;
        var servers = LabProbe.RealServers(lab);
        var taps = TapSet.Start(lab, context.Artifacts, $"{director.Name}:front", $"{director.Name}:back");
        await using (taps.ConfigureAwait(false))
        {
            var replies = await LabProbe.GetAsync(lab, 6, ct);
            await taps.StopAsync();
            var atFront = taps.On($"{director.Name}:front");
            var atBack = taps.On($"{director.Name}:back");
            var evidence = new List<string> { LabProbe.Answered(replies) };
            bool held;
            if (inbound)
            {
                var entered = atFront.Where(f => f.IsIp(cip, vip) && f.DestinationMac == front.Mac).ToList();
                var models = servers.Select(s => (IRewriteModel)new NatRequestRewrite(new IPEndPoint(s.On("back").Address, NatLab.RealTcpPort), back.Mac, s.On("back").Mac, s.Name)).ToList();
                held = RewriteCheck.Holds(entered, atBack, models, new FrameFilter($"{cip} → a real server", f => f.SourceMac == back.Mac && f.IsIp(cip, null)), evidence);
            }
            else
            {
                var rips = servers.Select(s => s.On("back").Address).ToHashSet();
                var entered = atBack.Where(f => f.Ip is { } ip && rips.Contains(ip.SourceAddress) && ip.DestinationAddress.Equals(cip) && f.DestinationMac == back.Mac).ToList();
                var model = new NatReplyRewrite(new IPEndPoint(vip, lab.Topology.Port), front.Mac, client.Interfaces[0].Mac, client.Name);
                held = RewriteCheck.Holds(entered, atFront, [model], new FrameFilter($"replies → {cip}", f => f.SourceMac == front.Mac && f.IsIp(null, cip)), evidence);
            }

            return new CaseFinding(held && replies.All(r => r is not null), evidence, taps.Pcaps);
        }
    }
}
