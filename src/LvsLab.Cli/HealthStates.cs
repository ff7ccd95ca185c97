using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;

namespace LvsLab.Cli;

/// <summary>
/// Each real server's health as the lab's director sees it (<c>lvs-director stats --json</c>):
/// <c>up</c>, <c>down</c> or <c>unchecked</c>; <c>-</c> when the director cannot say (stopped,
/// or a forwarder without health checks of its own).
/// </summary>
internal static class HealthStates
{
    /// <summary>The health of each real server of <paramref name="lab"/>, by node name.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(DockerLabRuntime runtime, LabStatus lab, CancellationToken cancellationToken)
    {
        var servers = lab.Nodes.Where(n => n.Role == "realserver").ToList();
        var states = servers.ToDictionary(n => n.Name, _ => "-", StringComparer.Ordinal);
        if (lab.Nodes.FirstOrDefault(n => n.Role == "director" && n.State == "running") is not { } director)
        {
            return states;
        }

        ExecResult run;
        try
        {
            run = await runtime.ExecInContainerAsync(director.Container, ["lvs-director", "stats", "--json"], cancellationToken);
        }
        catch (Docker.DotNet.DockerApiException)
        {
            return states;
        }

        if (run.ExitCode != 0)
        {
            return states;
        }

        // A server is down if any service holds it down, up if every service that has it says up.
        var byAddress = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(run.Stdout);
            foreach (var service in json.RootElement.GetProperty("services").EnumerateArray())
            {
                foreach (var real in service.GetProperty("realServers").EnumerateArray())
                {
                    var address = real.GetProperty("address").GetString() ?? string.Empty;
                    var health = real.TryGetProperty("health", out var h) ? h.GetString() ?? "-" : "-";
                    byAddress[address] = byAddress.GetValueOrDefault(address) == "down" ? "down" : health;
                }
            }
        }
        catch (JsonException)
        {
            return states;
        }
        catch (KeyNotFoundException)
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
