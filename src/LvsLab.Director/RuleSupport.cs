using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;

namespace LvsLab.Director;

/// <summary>
/// What a parsed rule set asks for that the engine cannot do yet. <see cref="IpvsRuleParser"/>
/// accepts the whole ipvsadm grammar; a host refuses to start while <see cref="Unsupported(RuleSet, FirewallMarkRules?)"/>
/// returns anything, and prints the reasons.
/// </summary>
public static class RuleSupport
{
    /// <summary>Lists, in rule order, every feature the rules use that the director does not implement yet.</summary>
    /// <param name="rules">Parsed rules.</param>
    /// <returns>Human-readable reasons, each naming the service (and real server); empty when the director can run the rules.</returns>
    public static IReadOnlyList<string> Unsupported(RuleSet rules) => Check(rules, null, checkMarks: false);

    /// <summary>
    /// Lists, in rule order, every feature the rules use that the director does not implement
    /// yet, and every firewall-mark service no rule of <paramref name="marks"/> feeds.
    /// </summary>
    /// <param name="rules">Parsed rules.</param>
    /// <param name="marks">The firewall-mark rules the director classifies packets with; null when there is no marks file.</param>
    /// <returns>Human-readable reasons, each naming the service (and real server); empty when the director can run the rules.</returns>
    public static IReadOnlyList<string> Unsupported(RuleSet rules, FirewallMarkRules? marks) => Check(rules, marks, checkMarks: true);

    private static List<string> Check(RuleSet rules, FirewallMarkRules? marks, bool checkMarks)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var reasons = new List<string>();
        foreach (VirtualService service in rules.Services)
        {
            string name = $"service {service}";
            if (checkMarks && service.FirewallMark is { } mark && !(marks?.Rules.Any(rule => rule.Mark == mark) ?? false))
            {
                reasons.Add(marks is null
                    ? $"{name}: a firewall-mark service needs a marks file (--marks FILE, iptables mangle MARK rules) that sets mark {mark}"
                    : $"{name}: no rule in the marks file sets mark {mark}");
            }

            if (!service.IsFirewallMark && service.Port == 0 && !service.IsPersistent)
            {
                // As IPVS: "port zero only supported in persistent services".
                reasons.Add($"{name}: port 0 (all ports) needs persistence (-p), as in IPVS");
            }

            if (!SchedulerFactory.IsSupported(service.Scheduler))
            {
                string defaulted = service.Scheduler == IpvsRuleParser.DefaultScheduler
                    ? " (ipvsadm's default when -s is left out)"
                    : string.Empty;
                reasons.Add($"{name}: -s {service.Scheduler}{defaulted} is not supported yet (supported: {string.Join(", ", SchedulerFactory.Supported)})");
            }

            if (service.SchedulerFlags != SchedulerFlags.None)
            {
                reasons.Add($"{name}: scheduler flags (-b {IpvsRulePrinter.FlagsText(service.SchedulerFlags, service.Scheduler)}) are not supported by the director yet");
            }

            foreach (RealServer server in service.RealServers)
            {
                if (server.UpperThreshold != 0 || server.LowerThreshold != 0)
                {
                    reasons.Add($"{name}, real server {server.Address}:{server.Port}: connection thresholds (-x/-y) are not supported by the director yet");
                }
            }
        }

        return reasons;
    }
}
