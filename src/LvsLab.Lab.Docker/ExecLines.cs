using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace LvsLab.Lab.Docker;

/// <summary>Runs a command in a container and yields its standard output line by line, as it comes.</summary>
internal static class ExecLines
{
    /// <summary>Starts <paramref name="command"/> in <paramref name="containerId"/> and reads its output until it ends.</summary>
    /// <param name="client">The Docker client.</param>
    /// <param name="containerId">The container.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Stops reading (the command is left to end by itself).</param>
    /// <returns>Each line of standard output, without its newline; standard error is dropped.</returns>
    public static async IAsyncEnumerable<string> ReadAsync(
        DockerClient client, string containerId, IReadOnlyList<string> command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var exec = await client.Exec.CreateContainerExecAsync(
            containerId, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true }, cancellationToken);
        using var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken);
        var buffer = new byte[16 * 1024];
        var pending = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (read.Target != MultiplexedStream.TargetStream.StandardOut)
            {
                continue;
            }

            var n = decoder.GetChars(buffer, 0, read.Count, chars, 0);
            for (var i = 0; i < n; i++)
            {
                if (chars[i] == '\n')
                {
                    yield return pending.ToString().TrimEnd('\r');
                    pending.Clear();
                }
                else
                {
                    pending.Append(chars[i]);
                }
            }
        }

        if (pending.Length > 0)
        {
            yield return pending.ToString();
        }
    }
}
