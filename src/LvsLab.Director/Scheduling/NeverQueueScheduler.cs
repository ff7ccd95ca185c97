using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>nq</c>: never queue, as IPVS's <c>ip_vs_nq</c>. The first server in list order with no
/// active connection is chosen at once (inactive ones do not matter); when every server is
/// busy it falls back to <see cref="ShortestExpectedDelayScheduler"/>'s rule,
/// <c>(active + 1) / weight</c>. Servers of weight 0 are never chosen.
/// </summary>
public sealed class NeverQueueScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "nq";

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers)
    {
    }

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers) => Select(servers, default);

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers, in SchedulingContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        int least = -1;
        long leastOverhead = 0;
        for (int i = 0; i < servers.Count; i++)
        {
            int weight = servers[i].Weight;
            if (weight <= 0)
            {
                continue;
            }

            int active = context.ActiveConnections(i);
            if (active == 0)
            {
                // Idle: no need to look further.
                return i;
            }

            long overhead = active + 1L;
            if (least < 0 || leastOverhead * weight > overhead * servers[least].Weight)
            {
                least = i;
                leastOverhead = overhead;
            }
        }

        return least;
    }
}
