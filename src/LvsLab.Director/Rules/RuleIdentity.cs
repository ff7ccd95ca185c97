namespace LvsLab.Director.Rules;

/// <summary>
/// What makes a service or a real server "the same" across a rule change, as <c>ipvsadm</c>
/// sees it: a service by protocol, VIP and port (or firewall mark), a real server by address
/// and port within its service.
/// </summary>
internal static class RuleIdentity
{
    /// <summary>True when both name the same service (whatever their scheduler, options or real servers).</summary>
    public static bool SameService(VirtualService a, VirtualService b) =>
        a.FirewallMark == b.FirewallMark
        && a.Protocol == b.Protocol
        && a.Address == b.Address
        && a.Port == b.Port;

    /// <summary>True when both name the same real server of a service.</summary>
    public static bool SameServer(RealServer a, RealServer b) => a.Address == b.Address && a.Port == b.Port;

    /// <summary>The index of the real server in <paramref name="service"/> that is <paramref name="server"/>, or -1.</summary>
    public static int IndexOfServer(VirtualService service, RealServer server)
    {
        for (int r = 0; r < service.RealServers.Count; r++)
        {
            if (SameServer(service.RealServers[r], server))
            {
                return r;
            }
        }

        return -1;
    }

    /// <summary>
    /// True when <paramref name="next"/> is <paramref name="current"/> with, at most, other
    /// weights: the same service, scheduler, flags, persistence and one-packet option, and the
    /// same real servers in the same order with the same forwarding, thresholds and tunnel type.
    /// </summary>
    public static bool DiffersAtMostInWeights(VirtualService current, VirtualService next)
    {
        if (!SameService(current, next)
            || current.Scheduler != next.Scheduler
            || current.SchedulerFlags != next.SchedulerFlags
            || current.PersistenceTimeout != next.PersistenceTimeout
            || current.PersistenceNetmask != next.PersistenceNetmask
            || current.OnePacket != next.OnePacket
            || current.RealServers.Count != next.RealServers.Count)
        {
            return false;
        }

        for (int r = 0; r < current.RealServers.Count; r++)
        {
            RealServer a = current.RealServers[r];
            RealServer b = next.RealServers[r];
            if (!SameServer(a, b)
                || a.ForwardingMethod != b.ForwardingMethod
                || a.UpperThreshold != b.UpperThreshold
                || a.LowerThreshold != b.LowerThreshold
                || a.TunnelType != b.TunnelType)
            {
                return false;
            }
        }

        return true;
    }
}
