using System.Text.Json;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;

namespace LvsLab.Cli;

/// <summary>A running director node's own counters (<c>lvs-director stats --json</c>), when it can give them.</summary>
internal static class DirectorStats
{
    /// <summary>The counters as JSON, or null when the node cannot say (not lvs-director, or its control socket does not answer).</summary>
    public static async Task<JsonElement?> ReadAsync(DockerLabRuntime runtime, string container, CancellationToken cancellationToken)
    {
        ExecResult run;
        try
        {
            run = await runtime.ExecInContainerAsync(container, ["lvs-director", "stats", "--json"], cancellationToken);
        }
        catch (Docker.DotNet.DockerApiException)
        {
            return null;
        }

        if (run.ExitCode != 0)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(run.Stdout);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The VRRP state a forwarder without lvs-director's counters writes to
    /// <c>/run/lvs/vrrp-state</c> (the <c>vrrp</c> capability), or null when there is none.
    /// </summary>
    public static async Task<string?> ReadVrrpStateFileAsync(DockerLabRuntime runtime, string container, CancellationToken cancellationToken)
    {
        try
        {
            var run = await runtime.ExecInContainerAsync(container, ["cat", "/run/lvs/vrrp-state"], cancellationToken);
            return run.ExitCode == 0 && run.Stdout.Trim() is { Length: > 0 and <= 16 } state ? state : null;
        }
        catch (Docker.DotNet.DockerApiException)
        {
            return null;
        }
    }
}
