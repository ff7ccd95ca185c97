using System.Globalization;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Testing.Checks;

/// <summary>The named checks: the LVS behaviours and pitfalls a lab must show, runnable against any lab.</summary>
public static class LabChecks
{
    /// <summary>Every check, in the order <c>lvslab run --list</c> shows them.</summary>
    public static IReadOnlyList<ILabCheck> All { get; } =
    [
        new Check("spread", "the scheduler spreads 12 requests over every real server; none fails", [], SpreadAsync),
        new Check("true-client", "every real server sees the client's own address (no source NAT on the way)", [], TrueClientAsync),
        new Check("arp-vip", "only the director answers ARP for the VIP (no real server steals it: the LVS ARP problem)", [], ArpVipAsync),
        new Check("replies-bypass", "DR/TUN: replies go from the real servers to the client's router, never through the director", ["dr", "tun"], RepliesBypassAsync),
        new Check("only-vip", "NAT: the client's link carries only client↔VIP packets; the real servers' addresses never show", ["nat"], OnlyVipAsync),
    ];

    /// <summary>Finds a check by name.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The check.</returns>
    /// <exception cref="KeyNotFoundException">No such check; the message lists the known ones.</exception>
    public static ILabCheck Find(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"no check named '{name}' (checks: {string.Join(", ", All.Select(c => c.Name))})");

    private static string Url(IRunningLab lab) => string.Create(CultureInfo.InvariantCulture, $"http://{lab.Topology.Vip}:{lab.Topology.Port}/");

    private static RunningNode Client(IRunningLab lab) =>
        lab.Nodes.FirstOrDefault(n => n.Role == NodeRole.Client) ?? throw new InvalidOperationException($"lab '{lab.Topology.Name}' has no client");

    private static IReadOnlyList<RunningNode> RealServers(IRunningLab lab) => lab.Nodes.Where(n => n.Role == NodeRole.RealServer).ToList();

    private static async Task<CheckResult> SpreadAsync(IRunningLab lab, string artifacts, CancellationToken ct)
    {
        var replies = await HttpProbe.GetAsync(lab, Client(lab).Name, Url(lab), 12, cancellationToken: ct);
        var evidence = RealServers(lab)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name}: {replies.Count(r => r?.Server == s.Name)} of {replies.Count}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"failed: {replies.Count(r => r is null)}"))
            .ToList();
        var passed = replies.All(r => r is not null) && RealServers(lab).All(s => replies.Any(r => r!.Server == s.Name));
        return new CheckResult("spread", passed, evidence, []);
    }

    private static async Task<CheckResult> TrueClientAsync(IRunningLab lab, string artifacts, CancellationToken ct)
    {
        var client = Client(lab);
        var cips = client.Interfaces.Select(i => i.Address).ToHashSet();
        var replies = await HttpProbe.GetAsync(lab, client.Name, Url(lab), 6, cancellationToken: ct);
        var evidence = replies.Select((r, i) => r is null
            ? string.Create(CultureInfo.InvariantCulture, $"request {i + 1}: failed")
            : string.Create(CultureInfo.InvariantCulture, $"request {i + 1}: {r.Server} saw {r.Client}:{r.ClientPort}")).ToList();
        return new CheckResult("true-client", replies.All(r => r is not null && cips.Contains(r.Client)), evidence, []);
    }

    private static async Task<CheckResult> ArpVipAsync(IRunningLab lab, string artifacts, CancellationToken ct)
    {
        // Someone other than the director on the VIP's network asks for it.
        var vip = lab.Topology.Vip;
        var network = lab.Topology.Networks.FirstOrDefault(n => n.Subnet.Contains(vip))
            ?? throw new InvalidOperationException($"no lab network holds the VIP {vip}");
        var asker = lab.Nodes.FirstOrDefault(n => n.Role is NodeRole.Router or NodeRole.Client && n.Interfaces.Any(i => i.Network == network.Name))
            ?? throw new InvalidOperationException($"no client or router on '{network.Name}' to ask for the VIP");
        var tap = TapSet.Start(lab, artifacts, $"{asker.Name}:{network.Name}");
        await using (tap.ConfigureAwait(false))
        {
            await lab.ExecAsync(asker.Name, ["ip", "neigh", "flush", "to", vip.ToString()], ct);
            await lab.ExecAsync(asker.Name, ["ping", "-c", "1", "-W", "1", vip.ToString()], ct);
            await tap.StopAsync();
            var owners = ArpEvidence.Owners(tap.On(asker.Name), vip);
            var byMac = lab.Nodes.SelectMany(n => n.Interfaces.Select(i => (i.Mac, n.Name))).ToDictionary(x => x.Mac, x => x.Name, StringComparer.OrdinalIgnoreCase);
            var directors = lab.Nodes.Where(n => n.Role == NodeRole.Director).Select(n => n.Name).ToHashSet();
            var evidence = owners.Select(m => $"{asker.Name} got an ARP reply for {vip} from {m} ({byMac.GetValueOrDefault(m, "?")})").ToList();
            if (evidence.Count == 0)
            {
                evidence.Add($"nobody answered {asker.Name}'s ARP request for {vip}");
            }

            var passed = owners.Count > 0 && owners.All(m => directors.Contains(byMac.GetValueOrDefault(m, "?")));
            return new CheckResult("arp-vip", passed, evidence, tap.Pcaps);
        }
    }

    private static async Task<CheckResult> RepliesBypassAsync(IRunningLab lab, string artifacts, CancellationToken ct)
    {
        var director = lab.Nodes.First(n => n.Role == NodeRole.Director);
        var cip = Client(lab).Interfaces[0].Address;
        var vip = lab.Topology.Vip;
        var tap = TapSet.Start(lab, artifacts, director.Name);
        await using (tap.ConfigureAwait(false))
        {
            var replies = await HttpProbe.GetAsync(lab, Client(lab).Name, Url(lab), 6, cancellationToken: ct);
            await tap.StopAsync();
            var frames = director.Interfaces.SelectMany(i => tap.On($"{director.Name}:{i.Network}")).ToList();
            var requests = frames.Count(f => f.IsIp(cip, vip));
            var repliesSeen = frames.Count(f => f.IsIp(vip, cip));
            var evidence = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"answered: {replies.Count(r => r is not null)} of {replies.Count}"),
                string.Create(CultureInfo.InvariantCulture, $"director's links: {requests} client→VIP frames, {repliesSeen} VIP→client frames"),
            };
            return new CheckResult("replies-bypass", replies.All(r => r is not null) && requests > 0 && repliesSeen == 0, evidence, tap.Pcaps);
        }
    }

    private static async Task<CheckResult> OnlyVipAsync(IRunningLab lab, string artifacts, CancellationToken ct)
    {
        var client = Client(lab);
        var cip = client.Interfaces[0].Address;
        var vip = lab.Topology.Vip;
        var rips = RealServers(lab).SelectMany(n => n.Interfaces.Select(i => i.Address)).ToHashSet();
        var tap = TapSet.Start(lab, artifacts, client.Name);
        await using (tap.ConfigureAwait(false))
        {
            var replies = await HttpProbe.GetAsync(lab, client.Name, Url(lab), 3, maxSeconds: 3, cancellationToken: ct);
            await tap.StopAsync();
            var ip = tap.On(client.Name).Where(f => f.Ip is not null).ToList();
            var strangers = ip.Where(f => !(f.IsIp(cip, vip) || f.IsIp(vip, cip))).ToList();
            var leaks = ip.Count(f => rips.Contains(f.Ip!.SourceAddress) || rips.Contains(f.Ip.DestinationAddress));
            var evidence = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"answered: {replies.Count(r => r is not null)} of {replies.Count}"),
                string.Create(CultureInfo.InvariantCulture, $"client's link: {ip.Count} IP frames, {ip.Count - strangers.Count} client↔VIP, {leaks} with a real server's address"),
            };
            evidence.AddRange(strangers.Take(5).Select(f => $"unexpected: {f}"));
            return new CheckResult("only-vip", replies.All(r => r is not null) && ip.Count > 0 && strangers.Count == 0, evidence, tap.Pcaps);
        }
    }

    private sealed class Check(string name, string description, IReadOnlyList<string> modes, Func<IRunningLab, string, CancellationToken, Task<CheckResult>> run) : ILabCheck
    {
        public string Name => name;

        public string Description => description;

        public IReadOnlyList<string> Modes => modes;

        public Task<CheckResult> RunAsync(IRunningLab lab, string artifacts, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(lab);
            return Modes.Count > 0 && !Modes.Contains(lab.Topology.Mode)
                ? Task.FromResult(new CheckResult(Name, false, [$"applies to {string.Join(", ", Modes)} labs; lab '{lab.Topology.Name}' is {lab.Topology.Mode}"], []))
                : run(lab, artifacts, cancellationToken);
        }
    }
}
