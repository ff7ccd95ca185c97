using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>
/// The connection table: which real server each client connection went to, so that every
/// packet of a connection reaches the same server. A masqueraded (NAT) connection is also
/// indexed by its reply-side key (<see cref="ReplyKey"/>: RIP, RPORT, CIP, CPORT), so the
/// server's packets find it too; both keys live and die together. Expired entries are treated
/// as absent, overwritten when the same key comes again, and removed by
/// <see cref="RemoveExpired"/>. The table holds at most <see cref="Capacity"/> connections: a
/// new one beyond that evicts one, so a flood of SYNs from spoofed sources cannot grow it
/// without bound — by default the least recently used embryonic connection while there is one
/// (<see cref="ConnectionEviction.EmbryonicFirst"/>), so such a flood cannot push established
/// connections out either. Not thread-safe: one capture loop owns it.
/// </summary>
/// <remarks>
/// The connections live in an array of <see cref="ConnectionNode"/>s linked by index into
/// least-recently-used lists (intrusive lists, with a free list of vacated slots; no object
/// per entry, unlike <see cref="LinkedList{T}"/>): one of the embryonic connections, one of the
/// others (with <see cref="ConnectionEviction.LeastRecentlyUsed"/>, every connection is in the
/// second). An entry moves between them when its state does. A <see cref="Dictionary{TKey, TValue}"/>
/// maps each client-side key to its slot, another each reply-side key to its slot: one hash
/// lookup per packet of a known connection in either direction, then a few index updates to
/// make it the most recently used. Nothing is allocated per packet or per connection once the
/// array and the dictionaries have grown to the table's size (the array doubles, up to
/// <see cref="Capacity"/>). Persistence templates are not counted in the capacity: there is
/// at most one per persistent service and client network.
/// </remarks>
public sealed class ConnectionTable
{
    /// <summary>The default <see cref="Capacity"/>: 1,048,576 connections.</summary>
    public const int DefaultCapacity = 1 << 20;

    private const int None = ConnectionNode.None;
    private const int FirstArrayLength = 16;

    private readonly Dictionary<ConnectionKey, int> _index = [];
    private readonly Dictionary<ReplyKey, int> _replies = [];
    private readonly Dictionary<PersistenceKey, PersistenceTemplate> _templates = [];
    private ConnectionTimeouts _timeouts;
    private long _templateGenerations;

    // The slots: [0, _used) are either in one of the two LRU lists (oldest ... newest, by
    // Newer) or on the free list (_free, by Newer); [_used, Length) were never used. _version
    // changes with every change of a list, for the enumerator.
    private ConnectionNode[] _nodes = [];
    private int _used;
    private int _free = None;
    private LruEnds _embryonic = LruEnds.Empty;
    private LruEnds _settled = LruEnds.Empty;
    private int _version;
    private int _sweepCursor;

    // Per service, per real server: IPVS's activeconns and inactconns, kept up to date on every
    // creation, state change and removal. Grown on first use (the engine reserves them up front).
    private int[][] _active = [];
    private int[][] _inactive = [];

    /// <summary>Creates an empty table.</summary>
    /// <param name="timeouts">Timeouts per state; <see cref="ConnectionTimeouts.Default"/> when null.</param>
    /// <param name="capacity">The most connections held (at least 1); a new one beyond evicts one.</param>
    /// <param name="eviction">Which connection a new one beyond the capacity evicts.</param>
    public ConnectionTable(ConnectionTimeouts? timeouts = null, int capacity = DefaultCapacity, ConnectionEviction eviction = ConnectionEviction.EmbryonicFirst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!Enum.IsDefined(eviction))
        {
            throw new ArgumentOutOfRangeException(nameof(eviction), eviction, "no such eviction");
        }

        _timeouts = timeouts ?? ConnectionTimeouts.Default;
        Capacity = capacity;
        Eviction = eviction;
    }

    /// <summary>The most connections held; a new one beyond evicts one (see <see cref="Eviction"/>).</summary>
    public int Capacity { get; }

    /// <summary>Which connection a new one beyond the capacity evicts.</summary>
    public ConnectionEviction Eviction { get; }

    /// <summary>Connections evicted to make room for new ones, since the table was made.</summary>
    public long Evicted { get; private set; }

    /// <summary>Of <see cref="Evicted"/>, the connections that were embryonic (a SYN seen, no handshake completed).</summary>
    public long EmbryonicEvicted { get; private set; }

    /// <summary>Entries held in the embryonic state (with <see cref="ConnectionEviction.EmbryonicFirst"/>; 0 otherwise), expired ones included.</summary>
    public int EmbryonicCount { get; private set; }

    /// <summary>
    /// The timeouts in use. Setting them (<c>ipvsadm --set</c>) applies from each entry's next
    /// packet on; an entry keeps the expiry it has until then, as in IPVS.
    /// </summary>
    public ConnectionTimeouts Timeouts
    {
        get => _timeouts;
        set => _timeouts = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Persistence templates held, including expired ones not yet removed.</summary>
    public int TemplateCount => _templates.Count;

    /// <summary>The persistence templates held, including expired ones (for listing; allocates an enumerator).</summary>
    public IEnumerable<KeyValuePair<PersistenceKey, PersistenceTemplate>> Templates => _templates;

    /// <summary>Entries held, including expired ones not yet removed; at most <see cref="Capacity"/>.</summary>
    public int Count => _index.Count;

    /// <summary>Reply-side keys held (one per masqueraded connection), including expired ones not yet removed.</summary>
    public int ReplyKeyCount => _replies.Count;

    /// <summary>
    /// The entries held, including expired ones, from the least recently used to the most — the
    /// embryonic ones first (for listing; allocates an enumerator). Changing the table while enumerating (including
    /// touching an entry) makes the enumerator throw <see cref="InvalidOperationException"/>.
    /// </summary>
    public IEnumerable<KeyValuePair<ConnectionKey, ConnectionEntry>> Entries => EnumerateEntries();

    /// <summary>Finds a live (not expired) entry without changing it.</summary>
    /// <param name="key">The connection.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="entry">The entry when the result is true.</param>
    /// <returns>True when a live entry exists.</returns>
    public bool TryGet(in ConnectionKey key, long nowMilliseconds, out ConnectionEntry entry)
    {
        if (_index.TryGetValue(key, out int node) && !_nodes[node].Entry.IsExpired(nowMilliseconds))
        {
            entry = _nodes[node].Entry;
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>Finds the live masqueraded connection a reply-side key belongs to, without changing it.</summary>
    /// <param name="replyKey">The reply-side key.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="key">The connection's client-side key when the result is true.</param>
    /// <param name="entry">The entry when the result is true.</param>
    /// <returns>True when a live entry exists.</returns>
    public bool TryGetReply(in ReplyKey replyKey, long nowMilliseconds, out ConnectionKey key, out ConnectionEntry entry)
    {
        if (_replies.TryGetValue(replyKey, out int node) && !_nodes[node].Entry.IsExpired(nowMilliseconds))
        {
            key = _nodes[node].Key;
            entry = _nodes[node].Entry;
            return true;
        }

        key = default;
        entry = default;
        return false;
    }

    /// <summary>
    /// Finds a live entry and advances it with a packet from the client: state from the TCP
    /// flags (<see cref="NextTcpState"/>), expiry from the new state's timeout, packet count.
    /// It becomes the most recently used.
    /// </summary>
    /// <param name="key">The connection.</param>
    /// <param name="flags">The packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="entry">The updated entry when the result is true.</param>
    /// <returns>True when a live entry existed.</returns>
    public bool TryTouch(in ConnectionKey key, TcpFlags flags, long nowMilliseconds, out ConnectionEntry entry)
    {
        if (!_index.TryGetValue(key, out int node) || _nodes[node].Entry.IsExpired(nowMilliseconds))
        {
            entry = default;
            return false;
        }

        ref ConnectionEntry slot = ref _nodes[node].Entry;
        ConnectionState state = key.Protocol == ServiceProtocol.Tcp ? NextTcpState(slot.State, flags) : ConnectionState.Udp;
        MoveCount(slot, state);
        slot = slot with
        {
            State = state,
            ExpiresAtMilliseconds = nowMilliseconds + Timeouts.For(state),
            Packets = slot.Packets + 1,
        };
        entry = slot;
        MakeNewest(node);
        return true;
    }

    /// <summary>
    /// Finds the live masqueraded connection of a packet from the real server and advances it:
    /// state from the TCP flags (<see cref="NextTcpStateFromServer"/>), expiry from the new
    /// state's timeout, reply packet count. It becomes the most recently used.
    /// </summary>
    /// <param name="replyKey">The reply-side key (the packet's source RIP:RPORT, destination CIP:CPORT).</param>
    /// <param name="flags">The packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="key">The connection's client-side key when the result is true.</param>
    /// <param name="entry">The updated entry when the result is true.</param>
    /// <returns>True when a live entry existed.</returns>
    public bool TryTouchReply(in ReplyKey replyKey, TcpFlags flags, long nowMilliseconds, out ConnectionKey key, out ConnectionEntry entry)
    {
        // The reply-side index points straight at the slot: it always names a connection held
        // (see RemoveReplyKey), so one hash lookup finds it.
        if (!_replies.TryGetValue(replyKey, out int node) || _nodes[node].Entry.IsExpired(nowMilliseconds))
        {
            key = default;
            entry = default;
            return false;
        }

        key = _nodes[node].Key;
        ref ConnectionEntry slot = ref _nodes[node].Entry;
        ConnectionState state = key.Protocol == ServiceProtocol.Tcp ? NextTcpStateFromServer(slot.State, flags) : ConnectionState.Udp;
        MoveCount(slot, state);
        slot = slot with
        {
            State = state,
            ExpiresAtMilliseconds = nowMilliseconds + Timeouts.For(state),
            ReplyPackets = slot.ReplyPackets + 1,
        };
        entry = slot;
        MakeNewest(node);
        return true;
    }

    /// <summary>
    /// Creates an entry for a new connection (direct routing: client-side key only), replacing
    /// an expired one with the same key; it becomes the most recently used. When the table is
    /// full (and the key new), the least recently used entry is evicted first.
    /// </summary>
    /// <param name="key">The connection.</param>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerIndex">Index of the chosen real server in the service.</param>
    /// <param name="flags">The first packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="persistence">The template that placed the connection, for a persistent service; it then controls the entry.</param>
    /// <returns>The new entry.</returns>
    public ConnectionEntry Create(
        in ConnectionKey key, int serviceIndex, int realServerIndex, TcpFlags flags, long nowMilliseconds, PersistenceKey? persistence = null)
    {
        ConnectionEntry entry = NewEntry(key, serviceIndex, realServerIndex, flags, nowMilliseconds, persistence);
        Store(key, entry);
        return entry;
    }

    /// <summary>
    /// Creates an entry for a new masqueraded (NAT) connection, indexed by its client-side key
    /// and by its reply-side key (<see cref="ReplyKey.For"/>), replacing an expired one with the
    /// same key; it becomes the most recently used. When the table is full (and the key new),
    /// the least recently used entry is evicted first. When another connection held the same
    /// reply-side key, the new one takes it.
    /// </summary>
    /// <param name="key">The connection.</param>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerIndex">Index of the chosen real server in the service.</param>
    /// <param name="realServerAddress">The real server's IP (RIP).</param>
    /// <param name="realServerPort">The real server's port (RPORT).</param>
    /// <param name="flags">The first packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="persistence">The template that placed the connection, for a persistent service; it then controls the entry.</param>
    /// <returns>The new entry.</returns>
    public ConnectionEntry CreateMasqueraded(
        in ConnectionKey key,
        int serviceIndex,
        int realServerIndex,
        IpAddress realServerAddress,
        ushort realServerPort,
        TcpFlags flags,
        long nowMilliseconds,
        PersistenceKey? persistence = null)
    {
        ConnectionEntry entry = NewEntry(key, serviceIndex, realServerIndex, flags, nowMilliseconds, persistence) with
        {
            IsMasqueraded = true,
            RealServerAddress = realServerAddress,
            RealServerPort = realServerPort,
        };
        int node = Store(key, entry);
        _replies[ReplyKey.For(key, realServerAddress, realServerPort)] = node;
        return entry;
    }

    /// <summary>
    /// Installs a connection learned from another director (connection synchronisation): inserts
    /// it, or refreshes the entry with the same key, with the given state and expiry, bound to
    /// the given real server; it becomes the most recently used, and a new key in a full table
    /// first evicts the least recently used. A live entry already bound to the same service and
    /// real server keeps its creation time and packet counts; any other is replaced. With
    /// <paramref name="realServerAddress"/> the connection is masqueraded (NAT) and indexed by
    /// its reply-side key too, as <see cref="CreateMasqueraded"/> does. Not on the data path:
    /// the control plane calls it, under the lock the data path runs under.
    /// </summary>
    /// <param name="key">The connection.</param>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerIndex">Index of the real server in the service.</param>
    /// <param name="state">The connection's state.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="expiresAtMilliseconds">When it expires unless a packet comes.</param>
    /// <param name="realServerAddress">For a masqueraded connection, the real server's IP (RIP); null otherwise.</param>
    /// <param name="realServerPort">For a masqueraded connection, the real server's port (RPORT).</param>
    /// <param name="persistence">The template of the client's network, for a persistent service; it then controls the entry.</param>
    /// <returns>The entry as installed.</returns>
    public ConnectionEntry Install(
        in ConnectionKey key,
        int serviceIndex,
        int realServerIndex,
        ConnectionState state,
        long nowMilliseconds,
        long expiresAtMilliseconds,
        IpAddress? realServerAddress = null,
        ushort realServerPort = 0,
        PersistenceKey? persistence = null)
    {
        var entry = new ConnectionEntry(serviceIndex, realServerIndex, state, nowMilliseconds, expiresAtMilliseconds, 0);
        if (_index.TryGetValue(key, out int held))
        {
            ref readonly ConnectionEntry old = ref _nodes[held].Entry;
            if (!old.IsExpired(nowMilliseconds) && old.ServiceIndex == serviceIndex && old.RealServerIndex == realServerIndex)
            {
                entry = entry with
                {
                    CreatedAtMilliseconds = old.CreatedAtMilliseconds,
                    Packets = old.Packets,
                    ReplyPackets = old.ReplyPackets,
                };
            }
        }

        if (realServerAddress is { } rip)
        {
            entry = entry with { IsMasqueraded = true, RealServerAddress = rip, RealServerPort = realServerPort };
        }

        entry = WithPersistence(entry, persistence);
        int node = Store(key, entry);
        if (entry.IsMasqueraded)
        {
            _replies[ReplyKey.For(key, entry.RealServerAddress, entry.RealServerPort)] = node;
        }

        return entry;
    }

    /// <summary>Removes one entry (and its reply-side key).</summary>
    /// <param name="key">The connection.</param>
    /// <returns>True when it was there.</returns>
    public bool Remove(in ConnectionKey key)
    {
        if (!_index.Remove(key, out int node))
        {
            return false;
        }

        Release(node);
        return true;
    }

    /// <summary>Finds a live persistence template (see <see cref="PersistenceTemplate.IsExpired"/>) without changing it.</summary>
    /// <param name="key">The template's key.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="template">The template when the result is true.</param>
    /// <returns>True when a live template exists.</returns>
    public bool TryGetTemplate(in PersistenceKey key, long nowMilliseconds, out PersistenceTemplate template)
    {
        if (_templates.TryGetValue(key, out template) && !template.IsExpired(nowMilliseconds))
        {
            return true;
        }

        template = default;
        return false;
    }

    /// <summary>
    /// Creates a persistence template, or points a live one at <paramref name="realServerIndex"/>
    /// and restarts its timeout (a new connection used it). The connections it controls stay counted.
    /// </summary>
    /// <param name="key">The template's key.</param>
    /// <param name="realServerIndex">The real server the client network sticks to.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="timeoutMilliseconds">The service's persistence timeout.</param>
    /// <returns>The template.</returns>
    public PersistenceTemplate SetTemplate(in PersistenceKey key, int realServerIndex, long nowMilliseconds, long timeoutMilliseconds)
    {
        ref PersistenceTemplate slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_templates, key, out bool existed);
        bool live = existed && !slot.IsExpired(nowMilliseconds);
        slot = new PersistenceTemplate(
            realServerIndex,
            live ? slot.CreatedAtMilliseconds : nowMilliseconds,
            nowMilliseconds + timeoutMilliseconds,
            live ? slot.Controlled : 0)
        {
            // A new template is a new generation: connections of an older one with the same
            // key (removed while they lived) never count in or out of it.
            Generation = live ? slot.Generation : ++_templateGenerations,
        };
        return slot;
    }

    /// <summary>
    /// Removes a persistence template (its real server is gone or quiescent). Connections it
    /// placed stay and go on to their server; a new template with the same key starts afresh.
    /// </summary>
    /// <param name="key">The template's key.</param>
    /// <returns>True when it was there.</returns>
    public bool RemoveTemplate(in PersistenceKey key) => _templates.Remove(key);

    /// <summary>Removes every expired entry with its reply-side key (the engine calls this now and then).</summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>How many connections were removed.</returns>
    /// <remarks>
    /// Scans every slot in array order (memory order, kinder to the cache than following the
    /// list): the least recently used entry is not necessarily the first to expire, since the
    /// timeout depends on the state (a SYN-only entry touched later can expire sooner).
    /// </remarks>
    public int RemoveExpired(long nowMilliseconds)
    {
        int removed = 0;
        for (int node = 0; node < _used; node++)
        {
            if (!_nodes[node].IsFree && _nodes[node].Entry.IsExpired(nowMilliseconds))
            {
                _index.Remove(_nodes[node].Key);
                Release(node);
                removed++;
            }
        }

        RemoveExpiredTemplates(nowMilliseconds);
        return removed;
    }

    /// <summary>
    /// Removes the expired entries of the next <paramref name="maxSlots"/> slots, where the last
    /// call stopped: a sweep in slices, so that no single call costs more than a bounded scan
    /// whatever the table's size. When a slice reaches the last slot the sweep is complete: the
    /// expired persistence templates go too, and the next slice starts again at the first slot.
    /// </summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="maxSlots">The most slots to look at (at least 1).</param>
    /// <param name="removed">How many connections were removed.</param>
    /// <returns>True when this slice completed a sweep of the whole table.</returns>
    public bool RemoveExpiredSlice(long nowMilliseconds, int maxSlots, out int removed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlots, 1);
        removed = 0;
        int end = (int)Math.Min(_used, (long)_sweepCursor + maxSlots);
        for (int node = _sweepCursor; node < end; node++)
        {
            if (!_nodes[node].IsFree && _nodes[node].Entry.IsExpired(nowMilliseconds))
            {
                _index.Remove(_nodes[node].Key);
                Release(node);
                removed++;
            }
        }

        if (end < _used)
        {
            _sweepCursor = end;
            return false;
        }

        _sweepCursor = 0;
        RemoveExpiredTemplates(nowMilliseconds);
        return true;
    }

    /// <summary>
    /// Copies the entries held in the slots from <paramref name="fromSlot"/> on into
    /// <paramref name="into"/>, looking at no more than four times its length of slots: a
    /// listing in slices, each cheap enough to take under the data path's lock, whatever the
    /// table's size. Entries come in slot order (not by age), expired ones included.
    /// </summary>
    /// <param name="fromSlot">Where to start: 0 for the first slice, then the last call's <paramref name="nextSlot"/>.</param>
    /// <param name="into">Where the entries go.</param>
    /// <param name="nextSlot">Where the next slice starts, or -1 when the last slot was reached.</param>
    /// <returns>How many entries were copied.</returns>
    public int CopyEntries(int fromSlot, Span<KeyValuePair<ConnectionKey, ConnectionEntry>> into, out int nextSlot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromSlot);
        int copied = 0;
        int end = (int)Math.Min(_used, fromSlot + (4L * into.Length));
        int node = fromSlot;
        for (; node < end && copied < into.Length; node++)
        {
            if (!_nodes[node].IsFree)
            {
                into[copied++] = new KeyValuePair<ConnectionKey, ConnectionEntry>(_nodes[node].Key, _nodes[node].Entry);
            }
        }

        nextSlot = node < _used ? node : -1;
        return copied;
    }

    /// <summary>
    /// Moves every entry and template to new service and real server indices after the rules
    /// changed; those whose service or real server is gone (-1) are removed. The active and
    /// inactive counts are rebuilt.
    /// </summary>
    /// <param name="serviceMap">Old service index to new (-1: deleted).</param>
    /// <param name="serverMap">Per old service, old real server index to new (-1: deleted).</param>
    public void Remap(IReadOnlyList<int> serviceMap, IReadOnlyList<IReadOnlyList<int>> serverMap)
    {
        ArgumentNullException.ThrowIfNull(serviceMap);
        ArgumentNullException.ThrowIfNull(serverMap);
        bool Map(int service, int server, out int newService, out int newServer)
        {
            newService = (uint)service < (uint)serviceMap.Count ? serviceMap[service] : -1;
            newServer = newService >= 0 && (uint)server < (uint)serverMap[service].Count ? serverMap[service][server] : -1;
            return newServer >= 0;
        }

        foreach (int[] counts in _active)
        {
            Array.Clear(counts);
        }

        foreach (int[] counts in _inactive)
        {
            Array.Clear(counts);
        }

        var templates = new List<KeyValuePair<PersistenceKey, PersistenceTemplate>>(_templates);
        _templates.Clear();
        foreach ((PersistenceKey key, PersistenceTemplate template) in templates)
        {
            if (Map(key.ServiceIndex, template.RealServerIndex, out int service, out int server))
            {
                _templates[key with { ServiceIndex = service }] = template with { RealServerIndex = server, Controlled = 0 };
            }
        }

        // The survivors keep their slots (so their reply-side keys stay valid) and their order.
        for (int node = 0; node < _used; node++)
        {
            ref ConnectionNode slot = ref _nodes[node];
            if (slot.IsFree)
            {
                continue;
            }

            if (Map(slot.Entry.ServiceIndex, slot.Entry.RealServerIndex, out int service, out int server))
            {
                slot.Entry = slot.Entry with { ServiceIndex = service, RealServerIndex = server };
                Tally(slot.Entry, +1);
                Control(slot.Entry, +1);
            }
            else
            {
                // Counts and templates were rebuilt above: nothing to uncount.
                _index.Remove(slot.Key);
                RemoveReplyKey(node);
                Unlink(node);
                Free(node);
            }
        }
    }

    /// <summary>Removes all entries and templates (<see cref="Evicted"/> keeps counting).</summary>
    public void Clear()
    {
        _index.Clear();
        _replies.Clear();
        _templates.Clear();
        _used = 0;
        _sweepCursor = 0;
        _free = None;
        _embryonic = LruEnds.Empty;
        _settled = LruEnds.Empty;
        EmbryonicCount = 0;
        _version++;
        foreach (int[] counts in _active)
        {
            Array.Clear(counts);
        }

        foreach (int[] counts in _inactive)
        {
            Array.Clear(counts);
        }
    }

    /// <summary>
    /// A real server's active and inactive connections (as ipvsadm lists them), counting every
    /// entry held — an expired entry counts until it is removed or replaced, as an IPVS
    /// connection counts until its timer fires.
    /// </summary>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerIndex">Index of the real server in the service.</param>
    /// <returns>The counts; zero for a server that never had a connection.</returns>
    public RealServerConnections GetRealServerConnections(int serviceIndex, int realServerIndex) =>
        new(CountOf(_active, serviceIndex, realServerIndex), CountOf(_inactive, serviceIndex, realServerIndex));

    /// <summary>
    /// Makes room for the counts of a service's real servers, so that counting its connections
    /// never allocates (otherwise the room grows on first use).
    /// </summary>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerCount">How many real servers it has.</param>
    public void ReserveCounts(int serviceIndex, int realServerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerCount);
        Grow(ref _active, serviceIndex, realServerCount);
        Grow(ref _inactive, serviceIndex, realServerCount);
    }

    /// <summary>Active connections per real server of a service (for the schedulers); may be shorter than the list.</summary>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <returns>The counts in list order.</returns>
    internal ReadOnlySpan<int> ActiveCounts(int serviceIndex) =>
        (uint)serviceIndex < (uint)_active.Length ? _active[serviceIndex] : default;

    /// <summary>Inactive connections per real server of a service (for the schedulers); may be shorter than the list.</summary>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <returns>The counts in list order.</returns>
    internal ReadOnlySpan<int> InactiveCounts(int serviceIndex) =>
        (uint)serviceIndex < (uint)_inactive.Length ? _inactive[serviceIndex] : default;

    /// <summary>
    /// The state after a packet from the client: RST closes; FIN starts closing, or closes when
    /// the server had sent its FIN already; an ACK after the SYN establishes; a bare SYN on a
    /// closing or closed entry starts it again.
    /// </summary>
    /// <param name="current">The state before the packet.</param>
    /// <param name="flags">The packet's TCP flags.</param>
    /// <returns>The state after it.</returns>
    public static ConnectionState NextTcpState(ConnectionState current, TcpFlags flags)
    {
        if ((flags & TcpFlags.Rst) != 0)
        {
            return ConnectionState.Closed;
        }

        if ((flags & TcpFlags.Fin) != 0)
        {
            return current is ConnectionState.CloseWait or ConnectionState.Closed ? ConnectionState.Closed : ConnectionState.FinWait;
        }

        if ((flags & TcpFlags.Syn) != 0 && (flags & TcpFlags.Ack) == 0)
        {
            return current == ConnectionState.Established ? ConnectionState.Established : ConnectionState.SynReceived;
        }

        if ((flags & TcpFlags.Ack) != 0 && current is ConnectionState.SynReceived or ConnectionState.Established)
        {
            return ConnectionState.Established;
        }

        return current;
    }

    /// <summary>
    /// The state after a packet from the real server (NAT only): RST closes; FIN closes when
    /// the client had sent its FIN already, otherwise starts closing from the server's side;
    /// anything else (SYN-ACK, ACK, data) leaves the state alone — only the client's ACK
    /// establishes.
    /// </summary>
    /// <param name="current">The state before the packet.</param>
    /// <param name="flags">The packet's TCP flags.</param>
    /// <returns>The state after it.</returns>
    public static ConnectionState NextTcpStateFromServer(ConnectionState current, TcpFlags flags)
    {
        if ((flags & TcpFlags.Rst) != 0)
        {
            return ConnectionState.Closed;
        }

        if ((flags & TcpFlags.Fin) != 0)
        {
            return current is ConnectionState.FinWait or ConnectionState.Closed ? ConnectionState.Closed : ConnectionState.CloseWait;
        }

        return current;
    }

    private ConnectionEntry NewEntry(
        in ConnectionKey key, int serviceIndex, int realServerIndex, TcpFlags flags, long nowMilliseconds, PersistenceKey? persistence)
    {
        ConnectionState state = key.Protocol == ServiceProtocol.Tcp
            ? NextTcpState(ConnectionState.SynReceived, flags)
            : ConnectionState.Udp;
        var entry = new ConnectionEntry(serviceIndex, realServerIndex, state, nowMilliseconds, nowMilliseconds + Timeouts.For(state), 1);
        return persistence is null ? entry : WithPersistence(entry, persistence);
    }

    // Marks an entry as placed by a persistence template (of its own service), of the template's
    // current generation (0 when there is none yet: then no template counts it).
    private ConnectionEntry WithPersistence(in ConnectionEntry entry, PersistenceKey? persistence)
    {
        if (persistence is not { } template)
        {
            return entry;
        }

        if (template.ServiceIndex != entry.ServiceIndex)
        {
            throw new ArgumentException($"the template is for service {template.ServiceIndex}, the connection for {entry.ServiceIndex}", nameof(persistence));
        }

        return entry with
        {
            IsPersistent = true,
            PersistenceClient = template.Client,
            PersistenceGeneration = _templates.TryGetValue(template, out PersistenceTemplate placed) ? placed.Generation : 0,
        };
    }

    // Counts a persistent entry in (or out of) the template that placed it, so the template
    // outlives it. A template removed meanwhile is left alone, and so is a newer one with the
    // same key (another generation).
    private void Control(in ConnectionEntry entry, int delta)
    {
        if (!entry.IsPersistent)
        {
            return;
        }

        ref PersistenceTemplate slot = ref CollectionsMarshal.GetValueRefOrNullRef(
            _templates, new PersistenceKey(entry.ServiceIndex, entry.PersistenceClient));
        if (!Unsafe.IsNullRef(ref slot) && slot.Generation == entry.PersistenceGeneration)
        {
            slot = slot with { Controlled = Math.Max(0, slot.Controlled + delta) };
        }
    }

    // As IPVS: a connection counts as active only in TCP ESTABLISHED.
    private static bool IsActive(ConnectionState state) => state == ConnectionState.Established;

    private static int CountOf(int[][] counts, int serviceIndex, int realServerIndex) =>
        (uint)serviceIndex < (uint)counts.Length && (uint)realServerIndex < (uint)counts[serviceIndex].Length
            ? counts[serviceIndex][realServerIndex]
            : 0;

    private static void Grow(ref int[][] counts, int serviceIndex, int realServerCount)
    {
        if (serviceIndex >= counts.Length)
        {
            int oldLength = counts.Length;
            Array.Resize(ref counts, serviceIndex + 1);
            for (int i = oldLength; i < counts.Length; i++)
            {
                counts[i] = [];
            }
        }

        if (realServerCount > counts[serviceIndex].Length)
        {
            Array.Resize(ref counts[serviceIndex], realServerCount);
        }
    }

    private void RemoveExpiredTemplates(long nowMilliseconds)
    {
        foreach (KeyValuePair<PersistenceKey, PersistenceTemplate> pair in _templates)
        {
            if (pair.Value.IsExpired(nowMilliseconds))
            {
                _templates.Remove(pair.Key);
            }
        }
    }

    // Replaces (or adds) the entry of a key, uncounting the entry it replaces, and makes it the
    // most recently used; a new key in a full table first evicts the least recently used entry.
    // Returns the slot.
    private int Store(in ConnectionKey key, in ConnectionEntry entry)
    {
        // Not GetValueRefOrAddDefault: evicting removes another key while the ref would be held.
        if (_index.TryGetValue(key, out int node))
        {
            ref ConnectionEntry old = ref _nodes[node].Entry;
            RemoveReplyKey(node);
            Tally(old, -1);
            Control(old, -1);
            old = entry;
            MakeNewest(node);
        }
        else
        {
            if (_index.Count >= Capacity)
            {
                EvictOldest();
            }

            node = NewNode();
            _index.Add(key, node);
            ref ConnectionNode slot = ref _nodes[node];
            slot.Key = key;
            slot.Entry = entry;
            LinkNewest(node);
        }

        Tally(entry, +1);
        Control(entry, +1);
        return node;
    }

    // Evicts the least recently used embryonic entry, or when there is none (or the table does
    // not set them apart) the least recently used of the others, with everything removing it does.
    private void EvictOldest()
    {
        int node = _embryonic.Oldest != None ? _embryonic.Oldest : _settled.Oldest;
        if (_nodes[node].Embryonic)
        {
            EmbryonicEvicted++;
        }

        _index.Remove(_nodes[node].Key);
        Release(node);
        Evicted++;
    }

    // Takes a slot: a vacated one first, then a never used one, growing the array (doubling, up
    // to the capacity) when there is none. The caller links it.
    private int NewNode()
    {
        int node = _free;
        if (node != None)
        {
            _free = _nodes[node].Newer;
            return node;
        }

        if (_used == _nodes.Length)
        {
            int length = (int)Math.Min(Capacity, Math.Max(FirstArrayLength, 2L * _nodes.Length));
            Array.Resize(ref _nodes, length);
        }

        return _used++;
    }

    // Forgets a slot whose key has left the index: its reply-side key, its counts, its
    // template's control, its place in the list.
    private void Release(int node)
    {
        ref ConnectionEntry entry = ref _nodes[node].Entry;
        RemoveReplyKey(node);
        Tally(entry, -1);
        Control(entry, -1);
        Unlink(node);
        Free(node);
    }

    private void Free(int node)
    {
        ref ConnectionNode slot = ref _nodes[node];
        slot.Older = ConnectionNode.FreeMark;
        slot.Newer = _free;
        _free = node;
    }

    // Makes a node the newest of the list its entry's state now belongs in (it may move lists).
    private void MakeNewest(int node)
    {
        ref ConnectionNode slot = ref _nodes[node];
        if (slot.Embryonic == BelongsToEmbryonic(slot.Entry) && node == (slot.Embryonic ? _embryonic : _settled).Newest)
        {
            return;
        }

        Unlink(node);
        LinkNewest(node);
    }

    private void Unlink(int node)
    {
        ref ConnectionNode slot = ref _nodes[node];
        ref LruEnds list = ref slot.Embryonic ? ref _embryonic : ref _settled;
        if (slot.Older == None)
        {
            list.Oldest = slot.Newer;
        }
        else
        {
            _nodes[slot.Older].Newer = slot.Newer;
        }

        if (slot.Newer == None)
        {
            list.Newest = slot.Older;
        }
        else
        {
            _nodes[slot.Newer].Older = slot.Older;
        }

        if (slot.Embryonic)
        {
            EmbryonicCount--;
        }

        _version++;
    }

    // Links a node as the newest of the list its entry's state belongs in.
    private void LinkNewest(int node)
    {
        ref ConnectionNode slot = ref _nodes[node];
        slot.Embryonic = BelongsToEmbryonic(slot.Entry);
        ref LruEnds list = ref slot.Embryonic ? ref _embryonic : ref _settled;
        slot.Older = list.Newest;
        slot.Newer = None;
        if (list.Newest == None)
        {
            list.Oldest = node;
        }
        else
        {
            _nodes[list.Newest].Newer = node;
        }

        list.Newest = node;
        if (slot.Embryonic)
        {
            EmbryonicCount++;
        }

        _version++;
    }

    private bool BelongsToEmbryonic(in ConnectionEntry entry) =>
        Eviction == ConnectionEviction.EmbryonicFirst && entry.State == ConnectionState.SynReceived;

    private IEnumerable<KeyValuePair<ConnectionKey, ConnectionEntry>> EnumerateEntries()
    {
        int version = _version;
        foreach (int oldest in (int[])[_embryonic.Oldest, _settled.Oldest])
        {
            for (int node = oldest; node != None; node = _nodes[node].Newer)
            {
                yield return new KeyValuePair<ConnectionKey, ConnectionEntry>(_nodes[node].Key, _nodes[node].Entry);
                if (version != _version)
                {
                    throw new InvalidOperationException("The connection table changed during the enumeration.");
                }
            }
        }
    }

    private void Tally(in ConnectionEntry entry, int delta)
    {
        if (entry.ServiceIndex < 0 || entry.RealServerIndex < 0)
        {
            return;
        }

        int[][] counts = IsActive(entry.State) ? _active : _inactive;
        if (entry.ServiceIndex >= counts.Length || entry.RealServerIndex >= counts[entry.ServiceIndex].Length)
        {
            ReserveCounts(entry.ServiceIndex, entry.RealServerIndex + 1);
            counts = IsActive(entry.State) ? _active : _inactive;
        }

        counts[entry.ServiceIndex][entry.RealServerIndex] += delta;
    }

    // Moves an entry's count between active and inactive when its state changes.
    private void MoveCount(in ConnectionEntry entry, ConnectionState next)
    {
        if (IsActive(entry.State) != IsActive(next))
        {
            Tally(entry, -1);
            Tally(entry with { State = next }, +1);
        }
    }

    // Removes the reply-side key of a slot's entry only while it still points at that slot: a
    // newer connection may have taken the same reply-side key. Called before every slot is
    // vacated or reused, so the reply-side index only ever points at slots held.
    private void RemoveReplyKey(int node)
    {
        ref ConnectionNode slot = ref _nodes[node];
        if (!slot.Entry.IsMasqueraded)
        {
            return;
        }

        var replyKey = ReplyKey.For(slot.Key, slot.Entry.RealServerAddress, slot.Entry.RealServerPort);
        if (_replies.TryGetValue(replyKey, out int owner) && owner == node)
        {
            _replies.Remove(replyKey);
        }
    }

    // The two ends of one least-recently-used list.
    private struct LruEnds
    {
        public static readonly LruEnds Empty = new() { Oldest = None, Newest = None };

        public int Oldest;
        public int Newest;
    }
}
