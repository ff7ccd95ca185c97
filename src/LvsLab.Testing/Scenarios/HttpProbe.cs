using System.Globalization;
using LvsLab.Lab.Runtime;

namespace LvsLab.Testing.Scenarios;

/// <summary>Sends real HTTP requests (curl, one TCP connection each) from a lab node.</summary>
public static class HttpProbe
{
    /// <summary>The mark a failed request leaves in the output.</summary>
    public const string FailureMark = "REQUEST-FAILED";

    /// <summary>Runs <paramref name="count"/> sequential requests to <paramref name="url"/> from <paramref name="node"/>.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="node">The node that sends (a client).</param>
    /// <param name="url">The URL, e.g. <c>http://VIP/</c>.</param>
    /// <param name="count">How many requests.</param>
    /// <param name="maxSeconds">How long one request may take before it counts as failed.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One entry per request: the reply, or null where it failed.</returns>
    public static async Task<IReadOnlyList<ServerReply?>> GetAsync(IRunningLab lab, string node, string url, int count, int maxSeconds = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var script = string.Create(
            CultureInfo.InvariantCulture,
            $"i=0; while [ $i -lt {count} ]; do curl -s --max-time {maxSeconds} '{url}' || echo {FailureMark}; i=$((i+1)); done");
        var result = await lab.ExecAsync(node, ["sh", "-c", script], cancellationToken);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != count)
        {
            throw new InvalidOperationException($"expected {count} answers from {url}, got {lines.Length}: {result.Stdout}{result.Stderr}");
        }

        return lines.Select(ServerReply.TryParse).ToList();
    }

    /// <summary>Sends <paramref name="count"/> UDP datagrams (socat, one socket each) from <paramref name="node"/> and collects the answers.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="node">The node that sends.</param>
    /// <param name="address">The destination address.</param>
    /// <param name="port">The destination port.</param>
    /// <param name="count">How many datagrams.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One entry per datagram: the reply, or null where none came.</returns>
    public static async Task<IReadOnlyList<ServerReply?>> UdpAsync(IRunningLab lab, string node, string address, int port, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        // socat connects the socket: only an answer from address:port itself is accepted. UDP has
        // no end of stream, so each socat waits its full -t. One datagram at a time: the real
        // servers' socat responder (fork per datagram) can lose datagrams that arrive together.
        // An IPv6 address (a dual-stack lab's VIP6) goes in brackets, over UDP6.
        var target = address.Contains(':', StringComparison.Ordinal) ? $"UDP6:[{address}]:{port}" : $"UDP4:{address}:{port}";
        var script = string.Create(
            CultureInfo.InvariantCulture,
            $"i=0; while [ $i -lt {count} ]; do r=$(echo ping | socat -t 1.5 - {target}); [ -n \"$r\" ] && echo \"$r\" || echo {FailureMark}; i=$((i+1)); done");
        var result = await lab.ExecAsync(node, ["sh", "-c", script], cancellationToken);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != count)
        {
            throw new InvalidOperationException($"expected {count} UDP answers from {address}:{port}, got {lines.Length}: {result.Stdout}{result.Stderr}");
        }

        return lines.Select(ServerReply.TryParse).ToList();
    }
}
