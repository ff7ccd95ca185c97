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
}
