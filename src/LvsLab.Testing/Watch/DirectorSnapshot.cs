using System.Globalization;
using System.Text.Json;

namespace LvsLab.Testing.Watch;

/// <summary>The director's per-real-server counters at one moment, read from <c>lvs-director stats --json</c>.</summary>
/// <param name="AtMs">When it was read, ms since the epoch.</param>
/// <param name="HealthChecks">The health-check kind (tcp, http, none).</param>
/// <param name="Rows">One row per service and real server.</param>
/// <param name="Vrrp">One of a VRRP pair: its state (<c>master</c>, <c>backup</c>); null otherwise.</param>
public sealed record DirectorSnapshot(long AtMs, string HealthChecks, IReadOnlyList<RealServerRow> Rows, string? Vrrp = null)
{
    /// <summary>Whether this director holds the VIPs: it is not one of a VRRP pair, or it is the pair's master.</summary>
    public bool HoldsTheVips => Vrrp is null or "master";

    /// <summary>Reads a snapshot from the director's stats JSON.</summary>
    /// <param name="json">The output of <c>lvs-director stats --json</c>.</param>
    /// <param name="atMs">When it was read, ms since the epoch.</param>
    /// <param name="nodeOf">The lab node that has an address (null: none).</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="FormatException">The text is not the director's stats JSON.</exception>
    public static DirectorSnapshot Parse(string json, long atMs, Func<string, string?> nodeOf)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(nodeOf);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var rows = new List<RealServerRow>();
            foreach (var service in root.GetProperty("services").EnumerateArray())
            {
                var mark = service.GetProperty("firewallMark").GetInt64();
                var name = mark != 0
                    ? Invariant($"FWM {mark}")
                    : Invariant($"{service.GetProperty("protocol").GetString()} {service.GetProperty("address").GetString()}:{service.GetProperty("port").GetInt32()}");
                foreach (var real in service.GetProperty("realServers").EnumerateArray())
                {
                    var address = real.GetProperty("address").GetString() ?? "?";
                    rows.Add(new RealServerRow(
                        name,
                        Invariant($"{address}:{real.GetProperty("port").GetInt32()}"),
                        nodeOf(address) ?? address,
                        real.GetProperty("weight").GetInt32(),
                        real.TryGetProperty("health", out var health) ? health.GetString() ?? "?" : "unchecked",
                        real.GetProperty("activeConnections").GetInt64(),
                        real.GetProperty("inactiveConnections").GetInt64(),
                        real.GetProperty("connectionsScheduled").GetInt64(),
                        real.GetProperty("packets").GetInt64(),
                        real.GetProperty("bytes").GetInt64()));
                }
            }

            var checks = root.TryGetProperty("healthChecks", out var kind) ? kind.GetString() ?? "none" : "none";
            var vrrp = root.TryGetProperty("vrrp", out var state) ? state.GetString() : null;
            return new DirectorSnapshot(atMs, checks, rows, vrrp);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not the director's stats JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// What changed for the real servers since <paramref name="previous"/>: a health state
    /// (<c>health down</c>, <c>health up</c>), or else a weight (<c>weight 1 → 0</c>: a drain, or
    /// a server given its share back). A weight that changes with the health (a server taken out
    /// or put back by its checks) is the health change alone.
    /// </summary>
    /// <param name="previous">The snapshot before.</param>
    /// <returns>The changes as <c>(node, what)</c>, one per node and kind (a node in several services counts once).</returns>
    public IReadOnlyList<(string Node, string What)> ChangesSince(DirectorSnapshot previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var before = previous.Rows.ToDictionary(r => (r.Service, r.Address));
        var changes = new List<(string Node, string What)>();
        foreach (var row in Rows)
        {
            if (!before.TryGetValue((row.Service, row.Address), out var was))
            {
                continue;
            }

            if (was.Health != row.Health && row.Health is "up" or "down")
            {
                changes.Add((row.Node, $"health {row.Health}"));
            }
            else if (was.Health == row.Health && was.Weight != row.Weight)
            {
                changes.Add((row.Node, Invariant($"weight {was.Weight} → {row.Weight}")));
            }
        }

        return [.. changes.Distinct()];
    }

    /// <summary>The director's VRRP state change since <paramref name="previous"/> (<c>vrrp master</c>, <c>vrrp backup</c>), or null.</summary>
    /// <param name="previous">The snapshot before.</param>
    /// <returns>What changed, or null.</returns>
    public string? VrrpChangeSince(DirectorSnapshot previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return Vrrp is { } now && now != previous.Vrrp ? $"vrrp {now}" : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
