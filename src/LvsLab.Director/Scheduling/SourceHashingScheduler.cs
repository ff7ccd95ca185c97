using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>sh</c>: source hashing, as IPVS's <c>ip_vs_sh</c>. A table of <see cref="TableSize"/>
/// buckets is filled in list order, each server taking as many consecutive buckets as its
/// weight (a server of weight 0 still takes one, as in the kernel), wrapping around the list
/// until every bucket is taken. A connection goes to the server of the bucket its client
/// address hashes to (the kernel's <c>hash_32</c>), so the same client always reaches the same
/// server. When that server has weight 0 there is no server (the kernel's default, without the
/// <c>sh-fallback</c> flag).
/// </summary>
public sealed class SourceHashingScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "sh";

    /// <summary>Bits of the bucket index (the kernel's <c>CONFIG_IP_VS_SH_TAB_BITS</c> default).</summary>
    public const int TableBits = 8;

    /// <summary>Buckets in the table: 2^<see cref="TableBits"/>.</summary>
    public const int TableSize = 1 << TableBits;

    private readonly int[] _buckets = new int[TableSize];

    /// <summary>Creates the scheduler.</summary>
    /// <param name="hashPort">Also hash the client's port (ipvsadm's <c>sh-port</c> flag); off by default.</param>
    public SourceHashingScheduler(bool hashPort = false)
    {
        HashPort = hashPort;
        Array.Fill(_buckets, -1);
    }

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <summary>True when the client's port is hashed with its address.</summary>
    public bool HashPort { get; }

    /// <summary>The bucket table: the server index of each bucket, -1 when there is no server.</summary>
    public ReadOnlySpan<int> Buckets => _buckets;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0)
        {
            Array.Fill(_buckets, -1);
            return;
        }

        int server = 0;
        int taken = 0;
        for (int bucket = 0; bucket < TableSize; bucket++)
        {
            _buckets[bucket] = server;
            if (++taken >= servers[server].Weight)
            {
                server = server + 1 == servers.Count ? 0 : server + 1;
                taken = 0;
            }
        }
    }

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers) => Select(servers, default);

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers, in SchedulingContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        uint port = HashPort ? context.ClientPort : 0u;
        int chosen = _buckets[SchedulingHash.Hash32(unchecked(port + context.ClientAddress.Fold32()), TableBits)];
        return chosen >= 0 && chosen < servers.Count && servers[chosen].Weight > 0 ? chosen : -1;
    }
}
