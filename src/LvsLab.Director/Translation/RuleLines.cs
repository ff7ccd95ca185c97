using System.Globalization;
using LvsLab.Director.Rules;

namespace LvsLab.Director.Translation;

/// <summary>
/// Where in a rules file a service or a real server was added, so that a translator's reason
/// names its line: <c>rules.ipvs:3: service -t 10.0.0.100:80</c> (an IPv6 one as ipvsadm writes it,
/// <c>-t [fd00::100]:80</c>). A rule the text does not add
/// word for word (e.g. one added with other spellings of the address) gets line <c>?</c>.
/// </summary>
public sealed class RuleLines
{
    private readonly string[][] words;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="text">The rules file's text.</param>
    /// <param name="sourceName">The file's name, first in every place named.</param>
    public RuleLines(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        SourceName = sourceName;
        words = [.. text.Split('\n').Select(line => line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))];
    }

    /// <summary>The file's name.</summary>
    public string SourceName { get; }

    /// <summary>The line that adds the service: <c>FILE:LINE: service SERVICE</c>.</summary>
    /// <param name="service">A service of the rules.</param>
    /// <returns>The place, to start a reason with.</returns>
    public string Service(VirtualService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"{SourceName}:{Find(w => IsAdd(w, "-A", "--add-service") && Names(w, service))}: service {service}";
    }

    /// <summary>The line that adds the real server to the service: <c>FILE:LINE: real server RIP:PORT of SERVICE</c>.</summary>
    /// <param name="service">A service of the rules.</param>
    /// <param name="server">One of its real servers.</param>
    /// <returns>The place, to start a reason with.</returns>
    public string RealServer(VirtualService service, RealServer server)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(server);
        // As ipvsadm writes it: a.b.c.d[:port] or [v6][:port].
        string address = server.Address.IsIpv4 ? server.Address.ToString() : $"[{server.Address}]";
        string line = Find(w => IsAdd(w, "-a", "--add-server") && Names(w, service)
            && w.Any(word => word == address || word.StartsWith(address + ":", StringComparison.Ordinal)));
        return $"{SourceName}:{line}: real server {server.Address.ToString(server.Port)} of {service}";
    }

    private string Find(Func<string[], bool> match)
    {
        for (var i = 0; i < words.Length; i++)
        {
            if (match(words[i]))
            {
                return (i + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        return "?";
    }

    private static bool IsAdd(string[] line, string shortName, string longName) =>
        line.Contains(shortName, StringComparer.Ordinal) || line.Contains(longName, StringComparer.Ordinal);

    private static bool Names(string[] line, VirtualService service)
    {
        if (service.FirewallMark is { } mark)
        {
            return Follows(line, ["-f", "--fwmark-service"], mark.ToString(CultureInfo.InvariantCulture));
        }

        string[] kinds = service.Protocol == ServiceProtocol.Tcp ? ["-t", "--tcp-service"] : ["-u", "--udp-service"];
        return Follows(line, kinds, service.Address.ToString(service.Port));
    }

    private static bool Follows(string[] line, string[] options, string value)
    {
        for (var i = 0; i + 1 < line.Length; i++)
        {
            if (options.Contains(line[i], StringComparer.Ordinal) && line[i + 1] == value)
            {
                return true;
            }
        }

        return false;
    }
}
