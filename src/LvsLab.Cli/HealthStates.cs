using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;

namespace LvsLab.Cli;

/// <summary>
/// Each real server's health as the lab's director sees it (<c>lvs-director stats --json</c>):
/// <c>up</c>, <c>down</c> or <c>unchecked</c>; <c>-</c> when the director cannot say (stopped,
/// or a forwarder without health checks of its own). And each director of a VRRP pair's part:
/// <c>master</c> or <c>backup</c> (from its counters, or from <c>/run/lvs/vrrp-state</c> where a
/// forwarder such as nftables with keepalived writes it).
/// </summary>
internal static class HealthStates
{
    /// <summary>The health of each real server of <paramref name="lab"/>, and the VRRP part of each director of a pair, by node name.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(DockerLabRuntime runtime, LabStatus lab, CancellationToken cancellationToken)
    {
        var servers = lab.Nodes.Where(n => n.Role == "realserver").ToList();
        var states = servers.ToDictionary(n => n.Name, _ => "-", StringComparer.Ordinal);
        JsonElement? stats = null;
        foreach (var director in lab.Nodes.Where(n => n.Role == "director" && n.State == "running"))
        {
            var own = await DirectorStats.ReadAsync(runtime, director.Container, cancellationToken);
            if (own is { } s && s.TryGetProperty("vrrp", out var vrrp) && vrrp.GetString() is { } part)
            {
                states[director.Name] = part;
            }
            else if (await DirectorStats.ReadVrrpStateFileAsync(runtime, director.Container, cancellationToken) is { } written)
            {
                states[director.Name] = written;
            }

            // The real servers' health as the director holding the VIPs sees it (the first one, or the master).
            if (stats is null || states.GetValueOrDefault(director.Name) == "master")
            {
                stats = own ?? stats;
            }
        }

        if (stats is not { } held)
        {
            return states;
        }

        // A server is down if any service holds it down, up if every service that has it says up.
        var byAddress = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var service in held.GetProperty("services").EnumerateArray())
            {
                foreach (var real in service.GetProperty("realServers").EnumerateArray())
                {
                    var address = real.GetProperty("address").GetString() ?? string.Empty;
                    var health = real.TryGetProperty("health", out var h) ? h.GetString() ?? "-" : "-";
                    byAddress[address] = byAddress.GetValueOrDefault(address) == "down" ? "down" : health;
                }
            }
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            return states;
        }

        foreach (var server in servers)
        {
            if (server.Ips.FirstOrDefault(byAddress.ContainsKey) is { } ip)
            {
                states[server.Name] = byAddress[ip];
            }
        }

        return states;
    }
}
