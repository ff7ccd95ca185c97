using System.Runtime.InteropServices;
using LvsLab.Packets;

namespace LvsLab.Director.Neighbours;

/// <summary>
/// IP to MAC mappings of the director's neighbours (real servers, gateways, clients and routers
/// that asked for a VIP, addresses the director resolved), learned from ARP, and the rate limit
/// for the director's own ARP requests. Bounded: beyond <see cref="Capacity"/> entries the
/// oldest-learned entry is forgotten (it is resolved again when needed). Not thread-safe.
/// </summary>
/// <remarks>
/// Insertion order is kept in a queue of (address, sequence) pairs; an entry is evicted only
/// when the sequence in the queue is still its own, so a removed and re-learned address is
/// not evicted for its earlier life. Nothing allocates once the collections have grown.
/// </remarks>
public sealed class NeighbourTable
{
    /// <summary>At most one ARP request per address per this interval.</summary>
    public const long ResolutionIntervalMilliseconds = 1000;

    /// <summary>The default bound on entries (and on addresses with a recent ARP request).</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<IpAddress, NeighbourSlot> _entries = [];
    private readonly Queue<(IpAddress Address, long Sequence)> _order = new();
    private readonly Dictionary<IpAddress, long> _lastRequest = [];
    private long _nextSequence;

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">The most entries kept, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is below 1.</exception>
    public NeighbourTable(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; }

    /// <summary>Number of known neighbours.</summary>
    public int Count => _entries.Count;

    /// <summary>The known neighbours (for listing; allocates).</summary>
    public IEnumerable<KeyValuePair<IpAddress, MacAddress>> Entries =>
        _entries.Select(pair => new KeyValuePair<IpAddress, MacAddress>(pair.Key, pair.Value.Mac));

    /// <summary>Looks up a neighbour's MAC address.</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <param name="mac">Its MAC when the result is true.</param>
    /// <returns>True when known.</returns>
    public bool TryGet(IpAddress address, out MacAddress mac)
    {
        if (_entries.TryGetValue(address, out NeighbourSlot slot))
        {
            mac = slot.Mac;
            return true;
        }

        mac = default;
        return false;
    }

    /// <summary>True when the neighbour is known.</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <returns>True when known.</returns>
    public bool Contains(IpAddress address) => _entries.ContainsKey(address);

    /// <summary>
    /// Adds or replaces a neighbour (learned from ARP, or configured). A new entry beyond
    /// <see cref="Capacity"/> evicts the oldest-learned one.
    /// </summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <param name="mac">Its MAC.</param>
    public void Set(IpAddress address, MacAddress mac)
    {
        ref NeighbourSlot slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, address, out bool exists);
        if (exists)
        {
            slot = slot with { Mac = mac };
            return;
        }

        long sequence = _nextSequence++;
        slot = new NeighbourSlot(mac, sequence);
        _order.Enqueue((address, sequence));

        // The new entry is the youngest, so the oldest-first eviction never reaches it.
        while (_entries.Count > Capacity && _order.TryDequeue(out (IpAddress Address, long Sequence) oldest))
        {
            if (_entries.TryGetValue(oldest.Address, out NeighbourSlot candidate) && candidate.Sequence == oldest.Sequence)
            {
                _entries.Remove(oldest.Address);
            }
        }

        if (_order.Count > (2 * Capacity) + 16)
        {
            CompactOrder();
        }
    }

    /// <summary>Forgets a neighbour.</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <returns>True when it was known.</returns>
    public bool Remove(IpAddress address) => _entries.Remove(address);

    /// <summary>
    /// Decides whether an ARP request for <paramref name="address"/> may be sent now (at most
    /// one per <see cref="ResolutionIntervalMilliseconds"/>), and if so records the time.
    /// </summary>
    /// <param name="address">The address to resolve.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>True when a request should be sent.</returns>
    public bool TryBeginResolution(IpAddress address, long nowMilliseconds)
    {
        if (_lastRequest.TryGetValue(address, out long last))
        {
            if (nowMilliseconds - last < ResolutionIntervalMilliseconds && nowMilliseconds >= last)
            {
                return false;
            }
        }
        else if (_lastRequest.Count >= Capacity)
        {
            ForgetRequestsBefore(nowMilliseconds - ResolutionIntervalMilliseconds);
        }

        _lastRequest[address] = nowMilliseconds;
        return true;
    }

    /// <summary>
    /// True when the director asked for <paramref name="address"/> (through
    /// <see cref="TryBeginResolution"/>) and has not forgotten it: a reply from it is expected.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns>True when a request was recorded.</returns>
    public bool WasRequested(IpAddress address) => _lastRequest.ContainsKey(address);

    private void ForgetRequestsBefore(long threshold)
    {
        foreach (KeyValuePair<IpAddress, long> pair in _lastRequest)
        {
            if (pair.Value <= threshold)
            {
                _lastRequest.Remove(pair.Key);
            }
        }

        if (_lastRequest.Count >= Capacity)
        {
            // Every request is recent: forget them all rather than grow without bound.
            _lastRequest.Clear();
        }
    }

    // Rebuilds the queue from the live entries, oldest first; only after many removals and
    // re-learnings, so it allocates only then.
    private void CompactOrder()
    {
        (IpAddress Address, long Sequence)[] live = new (IpAddress, long)[_entries.Count];
        int i = 0;
        foreach (KeyValuePair<IpAddress, NeighbourSlot> pair in _entries)
        {
            live[i++] = (pair.Key, pair.Value.Sequence);
        }

        Array.Sort(live, static (a, b) => a.Sequence.CompareTo(b.Sequence));
        _order.Clear();
        foreach ((IpAddress Address, long Sequence) item in live)
        {
            _order.Enqueue(item);
        }
    }
}
