using System.Diagnostics;
using LvsLab.Lab.Runtime;

namespace LvsLab.Scenarios;

/// <summary>Runs the <c>lvslab</c> CLI as its users do: a separate process.</summary>
internal static class CliRunner
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "lvslab.dll");

    public static Process Start(IReadOnlyList<string> args, bool ownedByProcess = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (ownedByProcess)
        {
            start.Environment["LVSLAB_OWNER"] = "process";
        }

        return Process.Start(start)!;
    }

    public static async Task<ExecResult> RunAsync(IReadOnlyList<string> args, ITestOutputHelper output)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = new ExecResult(process.ExitCode, await stdout, await stderr);
        output.WriteLine($"lvslab {string.Join(' ', args)} → {result.ExitCode}\n{result.Stdout}{result.Stderr}");
        return result;
    }
}
