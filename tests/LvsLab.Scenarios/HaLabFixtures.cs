using System.Globalization;
using System.Text;
using System.Text.Json;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;

namespace LvsLab.Scenarios;

/// <summary>
/// The stock DR lab with two directors instead of one, a VRRP pair (virtual router 51, adverts
/// every 100 ms): director1 (priority 250) and director2 (priority 200), each with the same rules
/// plus a UDP service on port 9999 for a steady stream and the upload service on 9000 for
/// long-lived connections; the pair synchronises its connections unless a subclass says not.
/// </summary>
public class HaLabFixture : LabFixture
{
    /// <summary>The advertisement interval.</summary>
    public const int IntervalMilliseconds = 100;

    /// <summary>
    /// director2's master down interval (RFC 5798 §6.1): three advertisement intervals and its
    /// skew, (256 − 200) × 100 / 256 ms.
    /// </summary>
    public const int MasterDownMilliseconds = (3 * IntervalMilliseconds) + ((256 - 200) * IntervalMilliseconds / 256);

    private const string RulesFile = "/etc/lvs/rules.ipvs";

    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha";

    /// <summary>The pair's settings (what <c>lvslab up dr --directors 2</c> gives, with sync).</summary>
    protected virtual DirectorPairOptions Pair => new() { IntervalMilliseconds = IntervalMilliseconds };

    /// <summary>The scheduler of the long-lived connections' service (port 9000).</summary>
    protected virtual string LongLivedScheduler => "rr";

    /// <summary>The stock lab made a pair: dr, nat or tun.</summary>
    public virtual string Mode => "dr";

    /// <summary>Whether the lab is dual-stack (an IPv6 twin of every service).</summary>
    protected virtual bool Ipv6 => false;

    /// <summary>The network the VIP lives on (and the VRRP advertisements go over).</summary>
    public string VipNetwork => Mode == "nat" ? "front" : "lan";

    /// <summary>The node that sends the clients' packets to the VIP: the router, or in NAT the client itself.</summary>
    public string VipNeighbour => Mode == "nat" ? "client" : "router";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot)
    {
        // The stock lab made a pair (as lvslab up dr --directors 2 does), plus services on both directors: in DR a UDP
        // stream's and the upload service for long-lived connections, in NAT the upload service (the stock TUN rules
        // already serve it on 9000, by rr).
        var pair = DirectorPair.Apply(StockLabs.Load(Mode, name, slot, ipv6: Ipv6), Pair);
        if (Mode == "tun")
        {
            return pair;
        }

        var (network, method) = Mode == "nat" ? ("back", "-m") : ("lan", "-g");
        var servers = pair.NodesWith(NodeRole.RealServer).Select(n => n.AddressOn(network)).ToList();
        var extra = new StringBuilder();
        if (Mode == "dr")
        {
            extra.AppendLine(CultureInfo.InvariantCulture, $"-A -u {pair.Vip}:9999 -s rr");
            servers.ForEach(rs => extra.AppendLine(CultureInfo.InvariantCulture, $"-a -u {pair.Vip}:9999 -r {rs}:9999 -g -w 1"));
        }

        extra.AppendLine(CultureInfo.InvariantCulture, $"-A -t {pair.Vip}:9000 -s {LongLivedScheduler}");
        servers.ForEach(rs => extra.AppendLine(CultureInfo.InvariantCulture, $"-a -t {pair.Vip}:9000 -r {rs}:9000 {method} -w 1"));
        return pair with
        {
            Nodes = [.. pair.Nodes.Select(n => n.Role != NodeRole.Director ? n : n with
            {
                Files = new Dictionary<string, string>(n.Files) { [RulesFile] = n.Files[RulesFile].TrimEnd('\n') + "\n" + extra },
            })],
        };
    }

    /// <summary>
    /// Waits until director1 says it is VRRP master and director2 backup: the pair's resting
    /// state (at start-up both may be master for a moment, until the backup hears the master).
    /// </summary>
    public async Task WaitForPairAsync()
    {
        try
        {
            await Eventually.TrueAsync(
                async _ => await VrrpStateAsync(DirectorPair.First) == "master" && await VrrpStateAsync(DirectorPair.Second) == "backup",
                TimeSpan.FromSeconds(20),
                $"{DirectorPair.First} to be master and {DirectorPair.Second} backup");
        }
        catch (TimeoutException e)
        {
            // Say what each said last, and the end of each one's log, so a failure in CI explains itself.
            var said = new StringBuilder(e.Message);
            foreach (var director in new[] { DirectorPair.First, DirectorPair.Second })
            {
                said.Append(CultureInfo.InvariantCulture, $"\n{director} says '{await VrrpStateAsync(director)}'; its log ends:");
                var (stdout, stderr) = await Lab.LogsAsync(director);
                foreach (var line in (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(6))
                {
                    said.Append("\n  ").Append(line);
                }
            }

            throw new TimeoutException(said.ToString(), e);
        }
    }

    /// <summary>Waits until <paramref name="node"/> says it is VRRP master.</summary>
    public async Task WaitForMasterAsync(string node) =>
        await Eventually.TrueAsync(async _ => await VrrpStateAsync(node) == "master", TimeSpan.FromSeconds(20), $"{node} to be master");

    /// <summary>The MAC <paramref name="node"/>'s ARP cache holds for <paramref name="address"/> (lower case, colons), or "" when none.</summary>
    public async Task<string> NeighbourMacAsync(string node, string address)
    {
        var words = (await Lab.ExecAsync(node, ["ip", "neigh", "show", address])).Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "lladdr");
        return at >= 0 && at + 1 < words.Length ? words[at + 1].ToLowerInvariant() : string.Empty;
    }

    /// <summary>The director's counters (<c>lvs-director stats --json</c>), or an empty object when it does not answer (or is stopped).</summary>
    public async Task<JsonElement> StatsAsync(string node)
    {
        var result = await ExecIfRunningAsync(node, ["lvs-director", "stats", "--json"]);
        return result is { ExitCode: 0 } ? JsonDocument.Parse(result.Stdout).RootElement.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
    }

    /// <summary>Runs a command in the node, or gives null when the node is not running.</summary>
    public async Task<ExecResult?> ExecIfRunningAsync(string node, IReadOnlyList<string> command)
    {
        try
        {
            return await Lab.ExecAsync(node, command);
        }
        catch (NodeNotRunningException)
        {
            return null;
        }
    }

    /// <summary>
    /// The director's VRRP state ("master", "backup", ...) from its counters, or from
    /// <c>/run/lvs/vrrp-state</c> (a forwarder without lvs-director's counters); "" when neither says.
    /// </summary>
    public async Task<string> VrrpStateAsync(string node)
    {
        if ((await StatsAsync(node)).TryGetProperty("vrrp", out var state))
        {
            return state.GetString() ?? string.Empty;
        }

        var written = await ExecIfRunningAsync(node, ["cat", "/run/lvs/vrrp-state"]);
        return written is { ExitCode: 0 } ? written.Stdout.Trim() : string.Empty;
    }
}

/// <summary>The two-director DR lab whose backup sends no gratuitous ARP when it takes over: the negative control.</summary>
public sealed class HaDrNoGarpLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-nogarp";

    /// <inheritdoc/>
    protected override DirectorPairOptions Pair => base.Pair with { SecondFaults = "no-gratuitous-arp" };
}

/// <summary>The two-director DR lab without connection synchronisation: the negative control.</summary>
public sealed class HaDrNoSyncLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-nosync";

    /// <inheritdoc/>
    protected override DirectorPairOptions Pair => base.Pair with { Sync = false };
}

/// <summary>The two-director DR lab without sync, but with Maglev hashing (<c>mh</c>) and <c>sloppy_tcp</c> on both directors.</summary>
public sealed class HaDrMaglevLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-mh";

    /// <inheritdoc/>
    protected override DirectorPairOptions Pair => base.Pair with { Sync = false, SloppyTcp = true };

    /// <inheritdoc/>
    protected override string LongLivedScheduler => "mh";
}

/// <summary>
/// The two-director DR lab with a real keepalived as the peer: director1 runs the suite's
/// forwarder (lvs-director, priority 250) and director2 the nftables forwarder with Debian's
/// keepalived speaking VRRP for it (priority 200). No connection sync: keepalived has none.
/// </summary>
public sealed class HaKeepalivedLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-ka";

    /// <inheritdoc/>
    protected override DirectorPairOptions Pair => base.Pair with { Sync = false };

    /// <inheritdoc/>
    protected override LabTopology ApplyForwarder(LabTopology topology) =>
        ForwarderCatalog.Resolve(LabForwarders.Nftables).ApplyTo(Description.ApplyTo(topology, DirectorPair.First), DirectorPair.Second);
}

/// <summary>The stock TUN lab with two directors: the VIP moves between them as in DR; the real servers unwrap from either.</summary>
public sealed class HaTunLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-tun";

    /// <inheritdoc/>
    public override string Mode => "tun";
}

/// <summary>
/// The stock NAT lab with two directors: the VIP on the clients' side and the real servers'
/// gateway on theirs (a floating address, host 254) move together; the connections are synced.
/// </summary>
public sealed class HaNatLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-nat";

    /// <inheritdoc/>
    public override string Mode => "nat";
}

/// <summary>The two-director DR lab, dual-stack: the VIP6 moves with the VRRP master.</summary>
public sealed class HaDualStackLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-v6";

    /// <inheritdoc/>
    protected override bool Ipv6 => true;
}

/// <summary>The dual-stack pair whose backup announces nothing when it takes over: the negative control of the VIP6's move.</summary>
public sealed class HaDualStackSilentLabFixture : HaLabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-ha-v6s";

    /// <inheritdoc/>
    protected override bool Ipv6 => true;

    /// <inheritdoc/>
    protected override DirectorPairOptions Pair => base.Pair with { SecondFaults = "no-gratuitous-arp" };
}
