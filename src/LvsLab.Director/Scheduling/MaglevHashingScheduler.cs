using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>mh</c>: Maglev consistent hashing, as IPVS's <c>ip_vs_mh</c> (Eisenbud et al., NSDI 2016,
/// section 3.4). Each server of weight above 0 gets a permutation of the lookup table's
/// <see cref="TableSize"/> (prime) entries from two hashes of its address and port: a starting
/// offset and a skip. The table is filled in rounds over the server list; in each round a
/// server takes, one after another, its next free preferred entries, as many as its turns
/// (its weight divided by the greatest common divisor of the weights, shifted right when that
/// would exceed <see cref="TurnBits"/> bits). Servers of weight 0 get no entry. A connection
/// goes to the server of the entry its client address hashes to (and its port, only with
/// <see cref="HashPort"/>). The hash functions are this library's own keyed hash, not the
/// kernel's <c>hsiphash</c>: the same properties, not the same table.
/// </summary>
public sealed class MaglevHashingScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "mh";

    /// <summary>
    /// The default table size, 65537 (the Maglev paper's example; the kernel's default build
    /// uses 4093).
    /// </summary>
    public const int DefaultTableSize = 65537;

    // The seeds of the two hashes (the kernel's hash1 and hash2 keys use these numbers too).
    private const ulong OffsetKey = 2654435761UL * 0x1_0000_0001UL;
    private const ulong SkipKey = 2654446892UL * 0x1_0000_0001UL;

    private readonly int[] _lookup;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="tableSize">The lookup table size, a prime (default <see cref="DefaultTableSize"/>).</param>
    /// <param name="hashPort">Also hash the client's port (ipvsadm's <c>mh-port</c> flag); off by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size is not a prime of at least 3.</exception>
    public MaglevHashingScheduler(int tableSize = DefaultTableSize, bool hashPort = false)
    {
        if (tableSize < 3 || !IsPrime(tableSize))
        {
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "the Maglev table size must be a prime of at least 3");
        }

        TableSize = tableSize;
        HashPort = hashPort;
        TurnBits = (int)Math.Round(Math.Log2(tableSize)) / 2;
        _lookup = new int[tableSize];
        Array.Fill(_lookup, -1);
    }

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <summary>The number of lookup table entries (a prime).</summary>
    public int TableSize { get; }

    /// <summary>True when the client's port is hashed with its address.</summary>
    public bool HashPort { get; }

    /// <summary>
    /// The most bits a server's turns per round may take (the kernel's <c>IP_VS_MH_TAB_BITS</c>:
    /// half the table's bit length); larger relative weights are shifted right.
    /// </summary>
    public int TurnBits { get; }

    /// <summary>The lookup table: the server index of each entry, -1 when there is no server.</summary>
    public ReadOnlySpan<int> Table => _lookup;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        Array.Fill(_lookup, -1);
        int count = servers.Count;
        int gcd = 0;
        int maxWeight = 0;
        for (int i = 0; i < count; i++)
        {
            int weight = servers[i].Weight;
            if (weight > 0)
            {
                gcd = gcd > 0 ? Gcd(weight, gcd) : weight;
                maxWeight = Math.Max(maxWeight, weight);
            }
        }

        if (gcd < 1)
        {
            return;
        }

        int shift = Math.Max(0, BitLength(maxWeight / gcd) - TurnBits);
        int[] next = new int[count];
        int[] skip = new int[count];
        int[] turns = new int[count];
        for (int i = 0; i < count; i++)
        {
            RealServer server = servers[i];
            uint key = unchecked(server.Address.Fold32() + server.Port);
            next[i] = (int)(SchedulingHash.Keyed(key, OffsetKey) % (uint)TableSize);
            skip[i] = (int)(SchedulingHash.Keyed(key, SkipKey) % (uint)(TableSize - 1)) + 1;
            int weight = server.Weight;
            turns[i] = weight <= 0 ? 0 : Math.Max(1, (weight / gcd) >> shift);
        }

        bool[] taken = new bool[TableSize];
        int filled = 0;
        int turn = 0;
        while (true)
        {
            for (int i = 0; i < count;)
            {
                if (turns[i] < 1)
                {
                    i++;
                    continue;
                }

                int entry = next[i];
                while (taken[entry])
                {
                    entry += skip[i];
                    if (entry >= TableSize)
                    {
                        entry -= TableSize;
                    }
                }

                next[i] = entry;
                taken[entry] = true;
                _lookup[entry] = i;
                if (++filled == TableSize)
                {
                    return;
                }

                if (++turn >= turns[i])
                {
                    turn = 0;
                    i++;
                }
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
        uint hash = SchedulingHash.Keyed(unchecked(context.ClientAddress.Fold32() + port), OffsetKey);
        int chosen = _lookup[(int)(hash % (uint)TableSize)];
        return chosen >= 0 && chosen < servers.Count && servers[chosen].Weight > 0 ? chosen : -1;
    }

    private static int BitLength(int value) => 32 - int.LeadingZeroCount(value);

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static bool IsPrime(int value)
    {
        if (value % 2 == 0)
        {
            return value == 2;
        }

        for (int d = 3; (long)d * d <= value; d += 2)
        {
            if (value % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
