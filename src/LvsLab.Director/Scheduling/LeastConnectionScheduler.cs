using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>lc</c>: least connections, as IPVS's <c>ip_vs_lc</c>. Each server's overhead is
/// <c>active * 256 + inactive</c> (<see cref="SchedulingContext.Overhead"/>); the server with
/// the smallest overhead wins, the first in list order on a tie. Weights only matter as far as
/// a server of weight 0 is never chosen.
/// </summary>
public sealed class LeastConnectionScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "lc";

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
            if (servers[i].Weight <= 0)
            {
                continue;
            }

            long overhead = context.Overhead(i);
            if (least < 0 || overhead < leastOverhead)
            {
                least = i;
                leastOverhead = overhead;
            }
        }

        return least;
    }
}
