using LvsLab.Conformance.Results;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;

namespace LvsLab.Conformance.Catalog;

/// <summary>The cases of LVS-TUN (IP-in-IP): requests wrapped to real servers on the LAN and across a router.</summary>
internal static class TunCases
{
    private static ConformanceCase Wrapped { get; } = new()
    {
        Id = "TUN-ENC-1",
        Mode = "tun",
        Level = CaseLevel.Must,
        Sentence = "A request leaves the director wrapped in IP-in-IP (protocol 4) from the director to a real server's address, the inner packet unchanged, towards the real server on the LAN or the router for one on another subnet.",
        Reference = "ip_vs_xmit.c, ip_vs_tunnel_xmit; LVS-TUN (LVS-HOWTO)",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var director = LabProbe.Director(lab);
            var lan = director.Interfaces[0];
            var router = LabProbe.Router(lab).On(lan.Network);
            var cip = LabProbe.ClientAddress(lab);
            var models = LabProbe.RealServers(lab).Select(s =>
            {
                // A real server on the director's network is reached directly, any other through the router.
                var onLan = s.Interfaces.FirstOrDefault(i => i.Network == lan.Network);
                var address = (onLan ?? s.Interfaces[0]).Address;
                return (IRewriteModel)new TunnelRewrite(lan.Address, address, lan.Mac, onLan?.Mac ?? router.Mac, s.Name);
            }).ToList();
            var taps = TapSet.Start(lab, context.Artifacts, $"{director.Name}:{lan.Network}");
            await using (taps.ConfigureAwait(false))
            {
                var replies = await LabProbe.GetAsync(lab, 6, ct);
                await taps.StopAsync();
                var frames = taps.On($"{director.Name}:{lan.Network}");
                var entered = frames.Where(f => f.IsIp(cip, lab.Topology.Vip) && f.DestinationMac == lan.Mac).ToList();
                var evidence = new List<string> { LabProbe.Answered(replies) };
                var wrappedOut = new FrameFilter("IP-in-IP from the director", f => f.SourceMac == lan.Mac && f.Ip is { Protocol: PacketDotNet.ProtocolType.IPv4 });
                var held = RewriteCheck.Holds(entered, frames, models, wrappedOut, evidence);
                return new CaseFinding(held && replies.All(r => r is not null), evidence, taps.Pcaps);
            }
        },
    };

    // Last: the cases above are initialised first.
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        CommonCases.ArpOwnership("tun"),
        Wrapped,
        CommonCases.RepliesBypass("tun"),
        CommonCases.TrueClient("tun"),
        CommonCases.ExactRoundRobin("tun"),
    ];
}
