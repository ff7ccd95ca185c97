using System.Globalization;
using System.Net;
using LvsLab.Conformance.Results;
using LvsLab.Lab.Forwarders;
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

    // The client sends a datagram to VIP:53 from a socket it closes at once: the real server's
    // answer (VIP:53 -> CIP:port once rewritten) finds no socket, and the client's kernel sends
    // ICMP port unreachable to the VIP about it. The director must pass that error to the real
    // server that answered, about its own packet: outer destination RIP, quote RIP:5353 -> CIP.
    private static ConformanceCase IcmpRelayed { get; } = new()
    {
        Id = "NAT-ICMP-1",
        Mode = "nat",
        Level = CaseLevel.Must,
        Capabilities = [ForwarderCapabilities.IcmpErrors],
        Sentence = "An ICMP error from the client about a reply (port unreachable) reaches the real server that sent the reply, rewritten: to RIP, quoting RIP:5353 -> CIP, with valid checksums.",
        Reference = "ip_vs_core.c, ip_vs_in_icmp and ip_vs_nat_icmp: an ICMP error about a connection goes to its real server with the embedded packet rewritten",
        Run = async (context, ct) =>
        {
            var lab = context.Lab;
            var client = LabProbe.Client(lab);
            var cip = LabProbe.ClientAddress(lab);
            var vip = lab.Topology.Vip;
            var servers = LabProbe.RealServers(lab);
            var taps = TapSet.Start(lab, context.Artifacts, [client.Name, .. servers.Select(s => s.Name)]);
            await using (taps.ConfigureAwait(false))
            {
                for (var i = 0; i < servers.Count; i++)
                {
                    await lab.ExecAsync(client.Name, ["sh", "-c", $"echo icmp-probe | socat -u - UDP4-SENDTO:{vip}:{NatLab.UdpPort}"], ct);
                }

                await taps.StopAsync();
                var sent = taps.On(client.Name).Where(f => f.IsIp(cip, vip) && IcmpUnreachable(f, 3)).ToList();
                if (sent.Count == 0)
                {
                    throw new InvalidOperationException($"the client sent no ICMP port unreachable about a reply from {vip}:{NatLab.UdpPort} (did any reply reach it?): the case has nothing to judge");
                }

                var evidence = new List<string> { string.Create(CultureInfo.InvariantCulture, $"the client sent {sent.Count} ICMP port unreachable to {vip} about replies from {vip}:{NatLab.UdpPort}") };
                var relayed = 0;
                var misdelivered = false;
                foreach (var server in servers)
                {
                    var rip = server.On("back").Address;
                    var arrived = taps.On(server.Name).Where(f => f.IsIp(cip, rip) && IcmpUnreachable(f, 3)).ToList();
                    foreach (var frame in arrived)
                    {
                        var problem = QuoteProblem(frame, rip, NatLab.RealUdpPort, cip);
                        evidence.Add(problem is null
                            ? $"{server.Name}: received the error from {cip}, quoting {rip}:{NatLab.RealUdpPort} -> {cip}, checksums valid"
                            : $"{server.Name}: received an error from {cip}, but {problem}");
                        relayed += problem is null ? 1 : 0;
                    }

                    var leaked = taps.On(server.Name).Where(f => f.IsIp(cip, null) && IcmpUnreachable(f, 3) && !f.IsIp(cip, rip)).ToList();
                    if (leaked.Count > 0)
                    {
                        evidence.Add($"{server.Name}: received {leaked.Count} error(s) not addressed to it ({leaked[0]})");
                        misdelivered = true;
                    }
                }

                if (relayed <= 0)
                {
                    evidence.Add("no real server received the client's ICMP error rewritten for it");
                }

                return new CaseFinding(relayed > 0 && !misdelivered, evidence, taps.Pcaps);
            }
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
        IcmpRelayed,
    ];

    private static bool IcmpUnreachable(CapturedFrame frame, int code) =>
        frame.Ip is { Protocol: PacketDotNet.ProtocolType.Icmp } ip
        && frame.AfterEthernet.Length >= (ip.HeaderLength * 4) + 8
        && frame.AfterEthernet[ip.HeaderLength * 4] == 3
        && frame.AfterEthernet[(ip.HeaderLength * 4) + 1] == code;

    // What is wrong with the quote of an ICMP error that should quote from:port -> to (UDP), or null.
    private static string? QuoteProblem(CapturedFrame frame, IPAddress from, int port, IPAddress to)
    {
        var packet = frame.AfterEthernet[..frame.Ip!.TotalLength];
        var icmp = packet[(frame.Ip.HeaderLength * 4)..];
        if (InternetChecksum.Compute(icmp) != 0 || InternetChecksum.Compute(packet[..(frame.Ip.HeaderLength * 4)]) != 0)
        {
            return "its IP or ICMP checksum is wrong";
        }

        var quote = icmp[8..];
        if (quote.Length < 28)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it quotes only {quote.Length} bytes");
        }

        var quotedFrom = new IPAddress(quote[12..16]);
        var quotedTo = new IPAddress(quote[16..20]);
        var quoteHeader = (quote[0] & 0x0F) * 4;
        var quotedPort = (quote[quoteHeader] << 8) | quote[quoteHeader + 1];
        return quotedFrom.Equals(from) && quotedTo.Equals(to) && quotedPort == port
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"it quotes {quotedFrom}:{quotedPort} -> {quotedTo}, not {from}:{port} -> {to}");
    }

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
