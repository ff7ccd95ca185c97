using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>dh</c>: destination hashing, as IPVS's <c>ip_vs_dh</c>. A table of
/// <see cref="TableSize"/> buckets is filled with the servers in list order, one bucket each,
/// round and round (weights do not shape the table). A connection goes to the server of the
/// bucket its packet's destination address hashes to (<c>address * 2654435761</c>, low 8 bits),
/// so the same destination always reaches the same server. When that server has weight 0
/// there is no server.
/// </summary>
public sealed class DestinationHashingScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "dh";

    /// <summary>Bits of the bucket index (the kernel's <c>CONFIG_IP_VS_DH_TAB_BITS</c> default).</summary>
    public const int TableBits = 8;

    /// <summary>Buckets in the table: 2^<see cref="TableBits"/>.</summary>
    public const int TableSize = 1 << TableBits;

    private const uint Multiplier = 2654435761;

    private readonly int[] _buckets = new int[TableSize];

    /// <summary>Creates the scheduler.</summary>
    public DestinationHashingScheduler() => Array.Fill(_buckets, -1);

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <summary>The bucket table: the server index of each bucket, -1 when there is no server.</summary>
    public ReadOnlySpan<int> Buckets => _buckets;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        for (int bucket = 0; bucket < TableSize; bucket++)
        {
            _buckets[bucket] = servers.Count == 0 ? -1 : bucket % servers.Count;
        }
    }

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers) => Select(servers, default);

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers, in SchedulingContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        uint bucket = unchecked(context.DestinationAddress.Fold32() * Multiplier) & (TableSize - 1);
        int chosen = _buckets[bucket];
        return chosen >= 0 && chosen < servers.Count && servers[chosen].Weight > 0 ? chosen : -1;
    }
}
