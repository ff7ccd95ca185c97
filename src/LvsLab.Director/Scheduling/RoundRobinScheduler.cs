using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>rr</c>: each new connection goes to the next real server in list order, skipping servers
/// of weight 0, as IPVS's <c>ip_vs_rr</c> does. The first connection goes to the first server.
/// </summary>
public sealed class RoundRobinScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "rr";

    // Index of the last chosen server; -1 stands for IPVS's list head (nothing chosen yet).
    private int _last = -1;

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers) => _last = -1;

    /// <summary>
    /// Keeps the position: as IPVS's <c>ip_vs_rr</c>, which has no <c>upd_dest</c>, a weight
    /// change does not restart the rotation (servers of weight 0 are skipped as they come).
    /// </summary>
    /// <param name="servers">The service's real servers in order, with their new weights.</param>
    public void UpdateWeights(IReadOnlyList<RealServer> servers) => ArgumentNullException.ThrowIfNull(servers);

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        int count = servers.Count;
        if (_last >= count)
        {
            _last = -1;
        }

        // Visit every server once, starting after the last chosen one and wrapping around.
        int candidate = _last;
        for (int step = 0; step < count; step++)
        {
            candidate = candidate + 1 >= count ? 0 : candidate + 1;
            if (servers[candidate].Weight > 0)
            {
                _last = candidate;
                return candidate;
            }
        }

        return -1;
    }
}
