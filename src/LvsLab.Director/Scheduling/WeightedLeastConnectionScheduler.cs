using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>wlc</c>: weighted least connections, as IPVS's <c>ip_vs_wlc</c> and ipvsadm's default
/// scheduler. The server with the smallest <c>overhead / weight</c> wins (overhead as in
/// <see cref="SchedulingContext.Overhead"/>), compared without division as the kernel does:
/// a later server replaces the current choice when <c>overhead(choice) * weight(server) &gt;
/// overhead(server) * weight(choice)</c>, so the first in list order wins a tie. Servers of
/// weight 0 are never chosen.
/// </summary>
public sealed class WeightedLeastConnectionScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "wlc";

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

            long overhead = context.Overhead(i);
            if (least < 0 || leastOverhead * weight > overhead * servers[least].Weight)
            {
                least = i;
                leastOverhead = overhead;
            }
        }

        return least;
    }
}
