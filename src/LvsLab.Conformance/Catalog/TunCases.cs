using System.Globalization;
using LvsLab.Conformance.Results;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Topologies;
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

    // The client uploads 1 MiB over TCP to VIP:9000 with full-size segments (DF set, as Linux
    // does): wrapped, each would exceed the link's MTU by the 20-byte outer header. The director
    // must answer with ICMP fragmentation-needed carrying the tunnel's MTU, the client's TCP
    // lowers its segment size, and the upload completes. A director that drops silently makes a
    // path-MTU black hole: the upload stalls (bounded here at 15 s).
    private static ConformanceCase FragmentationNeeded { get; } = new()
    {
        Id = "TUN-FRAG-1",
        Mode = "tun",
        Level = CaseLevel.Must,
        Capabilities = [ForwarderCapabilities.FragmentationNeeded],
        Sentence = "A packet with DF set too big to wrap gets the client ICMP fragmentation-needed from the director with the next-hop MTU less the 20-byte outer header, and a 1 MiB upload completes.",
        Reference = "ip_vs_xmit.c, ip_vs_tunnel_xmit / ensure_mtu_is_adequate: ICMP_FRAG_NEEDED with the MTU less the tunnel header; RFC 1191",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var client = LabProbe.Client(lab);
            var cip = LabProbe.ClientAddress(lab);
            var director = LabProbe.Director(lab);
            var lan = director.Interfaces[0];
            var mtuText = (await lab.ExecAsync(director.Name, ["cat", $"/sys/class/net/{lan.Name}/mtu"], ct)).Stdout.Trim();
            var expected = int.Parse(mtuText, CultureInfo.InvariantCulture) - 20;
            var taps = TapSet.Start(lab, context.Artifacts, client.Name, $"{director.Name}:{lan.Network}");
            await using (taps.ConfigureAwait(false))
            {
                var upload = await lab.ExecAsync(
                    client.Name,
                    ["sh", "-c", $"head -c 1048576 /dev/zero | timeout 15 socat -t 15 - TCP4:{lab.Topology.Vip}:{TunLab.UploadPort}"],
                    ct);
                await taps.StopAsync();
                var counted = upload.Stdout.Trim();
                var errors = taps.On($"{director.Name}:{lan.Network}")
                    .Where(f => f.SourceMac == lan.Mac && f.IsIp(null, cip) && f.Ip!.Protocol == PacketDotNet.ProtocolType.Icmp)
                    .Select(f => f.AfterEthernet[(f.Ip!.HeaderLength * 4)..].ToArray())
                    .Where(icmp => icmp.Length >= 8 && icmp[0] == 3 && icmp[1] == 4)
                    .ToList();
                var mtus = errors.Select(icmp => (icmp[6] << 8) | icmp[7]).Distinct().ToList();
                var reachedClient = taps.On(client.Name).Count(f => f.IsIp(null, cip) && f.Ip!.Protocol == PacketDotNet.ProtocolType.Icmp);
                var evidence = new List<string>
                {
                    counted == "1048576"
                        ? "the upload completed: the server counted 1048576 bytes"
                        : $"the upload did not complete within 15 s: the server counted '{counted}' (exit {upload.ExitCode}) {upload.Stderr.Trim()}",
                    errors.Count == 0
                        ? "the director sent the client no ICMP fragmentation-needed"
                        : string.Create(CultureInfo.InvariantCulture, $"the director sent {errors.Count} ICMP fragmentation-needed to {cip}, next-hop MTU {string.Join(", ", mtus)} (expected {expected}: the link's {mtuText} less 20); {reachedClient} ICMP reached the client"),
                };
                var held = counted == "1048576" && errors.Count > 0 && mtus.All(m => m == expected) && reachedClient > 0;
                return new CaseFinding(held, evidence, taps.Pcaps);
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
        FragmentationNeeded,
    ];
}
