using System.Globalization;
using System.Net;

namespace LvsLab.Testing.Scenarios;

/// <summary>
/// What a lab real server answers: <c>server=NAME client=IP:PORT</c>, i.e. who served the
/// request and which client address it saw.
/// </summary>
/// <param name="Server">The real server's node name.</param>
/// <param name="Client">The client address the server saw.</param>
/// <param name="ClientPort">The client port the server saw.</param>
public sealed record ServerReply(string Server, IPAddress Client, int ClientPort)
{
    /// <summary>Parses one answer line; null when it is not one (a failed request).</summary>
    /// <param name="line">The line.</param>
    /// <returns>The reply, or null.</returns>
    public static ServerReply? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = line.Trim().Split(' ');
        if (words.Length != 2 || !words[0].StartsWith("server=", StringComparison.Ordinal) || !words[1].StartsWith("client=", StringComparison.Ordinal))
        {
            return null;
        }

        var endpoint = words[1]["client=".Length..];
        var colon = endpoint.LastIndexOf(':');
        return colon > 0
            && IPAddress.TryParse(endpoint[..colon], out var ip)
            && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new ServerReply(words[0]["server=".Length..], ip, port)
            : null;
    }
}
