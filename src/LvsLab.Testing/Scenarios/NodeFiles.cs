using LvsLab.Lab.Runtime;

namespace LvsLab.Testing.Scenarios;

/// <summary>Writes files inside running nodes (content passes as base64: no shell quoting surprises).</summary>
public static class NodeFiles
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> in <paramref name="node"/>.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="node">The node.</param>
    /// <param name="path">The file's path in the node.</param>
    /// <param name="content">The text.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public static async Task WriteAsync(IRunningLab lab, string node, string path, string content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content));
        (await lab.ExecAsync(node, ["sh", "-c", $"echo {encoded} | base64 -d > '{path}'"], cancellationToken)).EnsureSuccess($"writing {path} in {node}");
    }
}
