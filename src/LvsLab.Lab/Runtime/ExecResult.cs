namespace LvsLab.Lab.Runtime;

/// <summary>What a command run inside a node printed and returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
public sealed record ExecResult(long ExitCode, string Stdout, string Stderr)
{
    /// <summary>Throws with the command's output when it failed.</summary>
    /// <param name="what">What was attempted, for the message.</param>
    /// <returns>This result, for chaining.</returns>
    public ExecResult EnsureSuccess(string what) => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{what} failed with exit code {ExitCode}: {Stderr.Trim()} {Stdout.Trim()}".Trim());
}
