using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LvsLab.Director.Connections;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// The connection table at capacity: a packet of a known connection (<see cref="TryTouch"/>,
/// which also makes it the most recently used) and a new connection evicting the least
/// recently used one (<see cref="CreateWithEviction"/>, <see cref="CreateMasqueradedWithEviction"/>).
/// A small table (in the cache) shows the work itself; a full-size one adds the cache misses
/// of a million connections. <see cref="DictionaryTouch"/> is the table as it was before it had
/// a capacity, for reference: a dictionary of entries updated in place, no order kept.
/// </summary>
[MemoryDiagnoser]
public class ConnectionTableBenchmarks
{
    // Touched keys, in a shuffled order: the packets of many connections interleave.
    private const int TouchOrderLength = 1 << 16;

    private ConnectionTable _table = null!;
    private Dictionary<ConnectionKey, ConnectionEntry> _dictionary = null!;
    private ConnectionKey[] _touchOrder = null!;
    private int _touchNext;
    private long _nextConnection;

    /// <summary>The table's capacity, filled in the set-up.</summary>
    [Params(4096, ConnectionTable.DefaultCapacity)]
    public int Capacity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = new ConnectionTable(capacity: Capacity);
        _table.ReserveCounts(0, DrLab.RealServerIps.Length);
        while (_nextConnection < Capacity)
        {
            NewConnection(masqueraded: (_nextConnection & 1) == 1);
        }

        _dictionary = new Dictionary<ConnectionKey, ConnectionEntry>(_table.Entries);

        // The table holds connections 0 .. Capacity - 1, half of them NAT. Each benchmark runs
        // in a process of its own after this set-up, and touching evicts nothing, so TryTouch
        // finds every key of its order (it checks).
        var random = new Random(42);
        _touchOrder = new ConnectionKey[TouchOrderLength];
        for (int i = 0; i < _touchOrder.Length; i++)
        {
            _touchOrder[i] = SyntheticConnections.Key(random.Next(Capacity));
        }
    }

    /// <summary>A packet of a known connection: found, advanced, made the most recently used.</summary>
    [Benchmark(Baseline = true)]
    public ConnectionEntry TryTouch()
    {
        ConnectionKey key = _touchOrder[_touchNext++ & (TouchOrderLength - 1)];
        if (!_table.TryTouch(key, TcpFlags.Ack, DrLab.Now, out ConnectionEntry entry))
        {
            throw new InvalidOperationException("a connection of the touch order was evicted");
        }

        return entry;
    }

    /// <summary>The same packet in the unbounded dictionary the table used to be (one lookup, an update in place).</summary>
    [Benchmark]
    public ConnectionEntry DictionaryTouch()
    {
        ConnectionKey key = _touchOrder[_touchNext++ & (TouchOrderLength - 1)];
        ref ConnectionEntry slot = ref CollectionsMarshal.GetValueRefOrNullRef(_dictionary, key);
        if (Unsafe.IsNullRef(ref slot))
        {
            throw new InvalidOperationException("a connection of the touch order is missing");
        }

        slot = slot with
        {
            State = ConnectionTable.NextTcpState(slot.State, TcpFlags.Ack),
            ExpiresAtMilliseconds = DrLab.Now + 900_000,
            Packets = slot.Packets + 1,
        };
        return slot;
    }

    /// <summary>A new DR connection in a full table: the least recently used one is evicted first.</summary>
    [Benchmark]
    public ConnectionEntry CreateWithEviction() => NewConnection(masqueraded: false);

    /// <summary>A new NAT connection (client-side and reply-side keys) in a full table.</summary>
    [Benchmark]
    public ConnectionEntry CreateMasqueradedWithEviction() => NewConnection(masqueraded: true);

    private ConnectionEntry NewConnection(bool masqueraded)
    {
        long i = _nextConnection++;
        int server = SyntheticConnections.Server(i);
        return masqueraded
            ? _table.CreateMasqueraded(SyntheticConnections.Key(i), 0, server, DrLab.RealServerIps[server], 80, TcpFlags.Syn, DrLab.Now)
            : _table.Create(SyntheticConnections.Key(i), 0, server, TcpFlags.Syn, DrLab.Now);
    }
}
