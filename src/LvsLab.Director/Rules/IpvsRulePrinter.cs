using System.Globalization;
using System.Text;

namespace LvsLab.Director.Rules;

/// <summary>
/// Writes a <see cref="RuleSet"/> in the form <c>ipvsadm-save -n</c> (ipvsadm 1.31) prints, one
/// line per service followed by its real servers, options in a fixed order:
/// <c>-A -t|-u a.b.c.d:port|-f mark -s sched [-b flags] [-p timeout [-M mask]] [-o]</c> and
/// <c>-a service -r a.b.c.d:port -g|-m|-i -w weight [--tun-type ipip] [-x upper] [-y lower]</c>.
/// </summary>
/// <remarks>
/// As ipvsadm 1.31 does, a tunnelled real server prints <c>--tun-type ipip</c> after its weight,
/// <c>-M</c> is left out for the default mask 255.255.255.255, and scheduler flags use the
/// scheduler's own names (<c>sh-fallback</c>, <c>sh-port</c> for <c>sh</c>; <c>mh-fallback</c>,
/// <c>mh-port</c> for <c>mh</c>; <c>flag-1</c>..<c>flag-3</c> otherwise). ipvsadm-save does not
/// print thresholds; this printer adds <c>-x</c>/<c>-y</c> when they are not 0, so nothing is
/// lost. <see cref="IpvsRuleParser"/> reads the text back to an equal rule set.
/// </remarks>
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
            string name = service.ToString();
            text.Append("-A ").Append(name).Append(" -s ").Append(service.Scheduler);
            if (service.SchedulerFlags != SchedulerFlags.None)
            {
                text.Append(" -b ").Append(FlagsText(service.SchedulerFlags, service.Scheduler));
            }

            if (service.PersistenceTimeout is { } timeout)
            {
                text.Append(" -p ").Append(timeout.ToString(CultureInfo.InvariantCulture));
                if (service.IsIpv6 && service.PersistencePrefixLength != 128)
                {
                    text.Append(" -M ").Append(service.PersistencePrefixLength.ToString(CultureInfo.InvariantCulture));
                }
                else if (!service.IsIpv6 && service.PersistenceNetmask != Packets.Ipv4Address.Broadcast)
                {
                    text.Append(" -M ").Append(service.PersistenceNetmask.ToString());
                }
            }

            if (service.OnePacket)
            {
                text.Append(" -o");
            }

            text.Append('\n');
            foreach (RealServer server in service.RealServers)
            {
                text.Append("-a ").Append(name)
                    .Append(" -r ").Append(server.Address.ToString(server.Port))
                    .Append(' ').Append(MethodFlag(server.ForwardingMethod))
                    .Append(" -w ").Append(server.Weight.ToString(CultureInfo.InvariantCulture));
                if (server.TunnelType is TunnelType.IpIp)
                {
                    text.Append(" --tun-type ipip");
                }

                if (server.UpperThreshold != 0)
                {
                    text.Append(" -x ").Append(server.UpperThreshold.ToString(CultureInfo.InvariantCulture));
                }

                if (server.LowerThreshold != 0)
                {
                    text.Append(" -y ").Append(server.LowerThreshold.ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The flags as ipvsadm 1.31 prints them for a scheduler, e.g. <c>sh-fallback,sh-port</c>.</summary>
    /// <param name="flags">The flags.</param>
    /// <param name="scheduler">The service's scheduler.</param>
    /// <returns>A comma-separated list; empty for no flag.</returns>
    public static string FlagsText(SchedulerFlags flags, string scheduler)
    {
        string prefix = scheduler is "sh" or "mh" ? scheduler : string.Empty;
        var names = new List<string>(3);
        if ((flags & SchedulerFlags.Flag1) != 0)
        {
            names.Add(prefix.Length > 0 ? prefix + "-fallback" : "flag-1");
        }

        if ((flags & SchedulerFlags.Flag2) != 0)
        {
            names.Add(prefix.Length > 0 ? prefix + "-port" : "flag-2");
        }

        if ((flags & SchedulerFlags.Flag3) != 0)
        {
            names.Add("flag-3");
        }

        return string.Join(',', names);
    }

    private static string MethodFlag(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => "-g",
        ForwardingMethod.Masquerading => "-m",
        ForwardingMethod.Tunnel => "-i",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown forwarding method"),
    };
}
