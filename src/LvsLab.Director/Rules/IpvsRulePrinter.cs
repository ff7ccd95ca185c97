using System.Text;

namespace LvsLab.Director.Rules;

/// <summary>
/// Writes a <see cref="RuleSet"/> in the form <c>ipvsadm-save -n</c> prints, one line per
/// service followed by its real servers:
/// <c>-A -t 10.0.0.100:80 -s rr</c> and <c>-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1</c>.
/// <see cref="IpvsRuleParser"/> reads it back to an equal rule set. Tunnelled real servers print
/// as <c>-i</c> alone, as ipvsadm-save does for the default tunnel type ipip (no <c>--tun-type</c>).
/// </summary>
public static class IpvsRulePrinter
{
    /// <summary>Prints the rules; every line ends with a newline.</summary>
    /// <param name="rules">The rules.</param>
    /// <returns>The text.</returns>
    public static string Print(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var text = new StringBuilder();
        foreach (VirtualService service in rules.Services)
        {
            string protocol = service.Protocol == ServiceProtocol.Tcp ? "-t" : "-u";
            text.Append("-A ").Append(protocol).Append(' ')
                .Append(service.Address.ToString()).Append(':').Append(service.Port)
                .Append(" -s ").Append(service.Scheduler).Append('\n');
            foreach (RealServer server in service.RealServers)
            {
                text.Append("-a ").Append(protocol).Append(' ')
                    .Append(service.Address.ToString()).Append(':').Append(service.Port)
                    .Append(" -r ").Append(server.Address.ToString()).Append(':').Append(server.Port)
                    .Append(' ').Append(MethodFlag(server.ForwardingMethod))
                    .Append(" -w ").Append(server.Weight).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string MethodFlag(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "-g",
        ForwardingMethod.Masquerading => "-m",
        ForwardingMethod.Tunnel => "-i",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown forwarding method"),
    };
}
