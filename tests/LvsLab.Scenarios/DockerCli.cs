using System.Diagnostics;
using LvsLab.Lab.Runtime;

namespace LvsLab.Scenarios;

/// <summary>Runs the <c>docker</c> command as a person would (to stop, start or restart a lab's container behind the lab's back).</summary>
internal static class DockerCli
{
    public static async Task<ExecResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ExecResult(process.ExitCode, await stdout, await stderr);
    }
}
