using System.Globalization;
using LvsLab.Conformance.Results;
using LvsLab.Testing.Checks;

namespace LvsLab.Conformance.Catalog;

/// <summary>Cases every mode has, each made for one mode: ARP ownership of the VIP, exact round robin, the true client.</summary>
internal static class CommonCases
{
    public static ConformanceCase ArpOwnership(string mode) => new()
    {
        Id = $"{Prefix(mode)}-ARP-1",
        Mode = mode,
        Level = CaseLevel.Must,
        Sentence = "Only the director answers ARP for the VIP; no real server does.",
        Reference = "LVS-HOWTO, \"The ARP problem\"; every LVS director owns the VIP on the client's side",
        Run = (context, ct) => FromCheck("arp-vip", context, ct),
    };

    public static ConformanceCase ExactRoundRobin(string mode) => new()
    {
        Id = $"{Prefix(mode)}-RR-1",
        Mode = mode,
        Level = CaseLevel.Must,
        Sentence = "Round robin gives each of the three real servers exactly 10 of 30 new connections, and none fails.",
        Reference = "ip_vs_rr.c: each new connection goes to the next real server in turn",
        Scheduler = "rr",
        Run = async (context, ct) =>
        {
            var replies = await LabProbe.GetAsync(context.Lab, 30, ct);
            var servers = LabProbe.RealServers(context.Lab);
            var counts = servers.Select(s => (s.Name, Count: replies.Count(r => r?.Server == s.Name))).ToList();
            var evidence = counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}: {c.Count} of 30 (expected 10)")).Append(LabProbe.Answered(replies)).ToList();
            return new CaseFinding(replies.All(r => r is not null) && counts.All(c => c.Count == 30 / servers.Count), evidence, []);
        },
    };

    public static ConformanceCase TrueClient(string mode) => new()
    {
        Id = $"{Prefix(mode)}-CLIENT-1",
        Mode = mode,
        Level = CaseLevel.Must,
        Sentence = "Every real server sees the client's own address: no source NAT on the way.",
        Reference = "LVS-HOWTO: LVS forwards at layer 4 without proxying, so the real server sees the client",
        Run = (context, ct) => FromCheck("true-client", context, ct),
    };

    public static ConformanceCase RepliesBypass(string mode) => new()
    {
        Id = $"{Prefix(mode)}-RET-1",
        Mode = mode,
        Level = CaseLevel.Must,
        Sentence = "Replies go from the real servers to the client's router directly, never through the director.",
        Reference = "LVS-DR and LVS-TUN (Zhang, \"Linux Virtual Server for scalable network services\"): only requests pass the director",
        Run = (context, ct) => FromCheck("replies-bypass", context, ct),
    };

    public static string Prefix(string mode) => mode.ToUpperInvariant();

    private static async Task<CaseFinding> FromCheck(string check, CaseContext context, CancellationToken ct)
    {
        var result = await LabChecks.Find(check).RunAsync(context.Lab, context.Artifacts, ct);
        return new CaseFinding(result.Passed, result.Evidence, result.Pcaps);
    }
}
