using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>sed</c>: shortest expected delay, as IPVS's <c>ip_vs_sed</c>. A server's expected delay
/// is <c>(active + 1) / weight</c> (inactive connections do not count); the smallest wins,
/// compared by cross-multiplication as in <see cref="WeightedLeastConnectionScheduler"/>, the
/// first in list order on a tie. Servers of weight 0 are never chosen.
/// </summary>
public sealed class ShortestExpectedDelayScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "sed";

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

            long overhead = context.ActiveConnections(i) + 1L;
            if (least < 0 || leastOverhead * weight > overhead * servers[least].Weight)
            {
                least = i;
                leastOverhead = overhead;
            }
        }

        return least;
    }
}
