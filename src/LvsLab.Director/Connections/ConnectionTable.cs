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
/// <see cref="RemoveExpired"/>. Not thread-safe: one capture loop owns it.
/// </summary>
/// <remarks>
/// <see cref="Dictionary{TKey, TValue}"/>s keyed by structs with their own equality, and
/// updated through <see cref="CollectionsMarshal"/> refs: one hash lookup per client packet of
/// a known connection, two per reply packet, no allocation (apart from the dictionaries
/// growing).
/// </remarks>
public sealed class ConnectionTable
{
    private readonly Dictionary<ConnectionKey, ConnectionEntry> _entries = [];
    private readonly Dictionary<ReplyKey, ConnectionKey> _replies = [];
    private readonly Dictionary<PersistenceKey, PersistenceTemplate> _templates = [];
    private ConnectionTimeouts _timeouts;

    // Per service, per real server: IPVS's activeconns and inactconns, kept up to date on every
    // creation, state change and removal. Grown on first use (the engine reserves them up front).
    private int[][] _active = [];
    private int[][] _inactive = [];

    /// <summary>Creates an empty table.</summary>
    /// <param name="timeouts">Timeouts per state; <see cref="ConnectionTimeouts.Default"/> when null.</param>
    public ConnectionTable(ConnectionTimeouts? timeouts = null) => _timeouts = timeouts ?? ConnectionTimeouts.Default;

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

    /// <summary>Entries held, including expired ones not yet removed.</summary>
    public int Count => _entries.Count;

    /// <summary>Reply-side keys held (one per masqueraded connection), including expired ones not yet removed.</summary>
    public int ReplyKeyCount => _replies.Count;

    /// <summary>The entries held, including expired ones (for listing; allocates an enumerator).</summary>
    public IEnumerable<KeyValuePair<ConnectionKey, ConnectionEntry>> Entries => _entries;

    /// <summary>Finds a live (not expired) entry without changing it.</summary>
    /// <param name="key">The connection.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="entry">The entry when the result is true.</param>
    /// <returns>True when a live entry exists.</returns>
    public bool TryGet(in ConnectionKey key, long nowMilliseconds, out ConnectionEntry entry)
    {
        if (_entries.TryGetValue(key, out entry) && !entry.IsExpired(nowMilliseconds))
        {
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
        if (_replies.TryGetValue(replyKey, out key) && TryGet(key, nowMilliseconds, out entry))
        {
            return true;
        }

        key = default;
        entry = default;
        return false;
    }

    /// <summary>
    /// Finds a live entry and advances it with a packet from the client: state from the TCP
    /// flags (<see cref="NextTcpState"/>), expiry from the new state's timeout, packet count.
    /// </summary>
    /// <param name="key">The connection.</param>
    /// <param name="flags">The packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="entry">The updated entry when the result is true.</param>
    /// <returns>True when a live entry existed.</returns>
    public bool TryTouch(in ConnectionKey key, TcpFlags flags, long nowMilliseconds, out ConnectionEntry entry)
    {
        ref ConnectionEntry slot = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (Unsafe.IsNullRef(ref slot) || slot.IsExpired(nowMilliseconds))
        {
            entry = default;
            return false;
        }

        ConnectionState state = key.Protocol == ServiceProtocol.Tcp ? NextTcpState(slot.State, flags) : ConnectionState.Udp;
        MoveCount(slot, state);
        slot = slot with
        {
            State = state,
            ExpiresAtMilliseconds = nowMilliseconds + Timeouts.For(state),
            Packets = slot.Packets + 1,
        };
        entry = slot;
        return true;
    }

    /// <summary>
    /// Finds the live masqueraded connection of a packet from the real server and advances it:
    /// state from the TCP flags (<see cref="NextTcpStateFromServer"/>), expiry from the new
    /// state's timeout, reply packet count.
    /// </summary>
    /// <param name="replyKey">The reply-side key (the packet's source RIP:RPORT, destination CIP:CPORT).</param>
    /// <param name="flags">The packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <param name="key">The connection's client-side key when the result is true.</param>
    /// <param name="entry">The updated entry when the result is true.</param>
    /// <returns>True when a live entry existed.</returns>
    public bool TryTouchReply(in ReplyKey replyKey, TcpFlags flags, long nowMilliseconds, out ConnectionKey key, out ConnectionEntry entry)
    {
        if (!_replies.TryGetValue(replyKey, out key))
        {
            entry = default;
            return false;
        }

        ref ConnectionEntry slot = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (Unsafe.IsNullRef(ref slot) || slot.IsExpired(nowMilliseconds))
        {
            key = default;
            entry = default;
            return false;
        }

        ConnectionState state = key.Protocol == ServiceProtocol.Tcp ? NextTcpStateFromServer(slot.State, flags) : ConnectionState.Udp;
        MoveCount(slot, state);
        slot = slot with
        {
            State = state,
            ExpiresAtMilliseconds = nowMilliseconds + Timeouts.For(state),
            ReplyPackets = slot.ReplyPackets + 1,
        };
        entry = slot;
        return true;
    }

    /// <summary>
    /// Creates an entry for a new connection (direct routing: client-side key only), replacing
    /// an expired one with the same key.
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
    /// same key. When another connection held the same reply-side key, the new one takes it.
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
        Ipv4Address realServerAddress,
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
        Store(key, entry);
        _replies[ReplyKey.For(key, realServerAddress, realServerPort)] = key;
        return entry;
    }

    /// <summary>Removes one entry (and its reply-side key).</summary>
    /// <param name="key">The connection.</param>
    /// <returns>True when it was there.</returns>
    public bool Remove(in ConnectionKey key)
    {
        if (!_entries.Remove(key, out ConnectionEntry old))
        {
            return false;
        }

        RemoveReplyKey(key, old);
        Tally(old, -1);
        Control(old, -1);
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
            existed ? slot.Controlled : 0);
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
    public int RemoveExpired(long nowMilliseconds)
    {
        int removed = 0;

        // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
        foreach (KeyValuePair<ConnectionKey, ConnectionEntry> pair in _entries)
        {
            if (pair.Value.IsExpired(nowMilliseconds))
            {
                RemoveReplyKey(pair.Key, pair.Value);
                if (_entries.Remove(pair.Key))
                {
                    Tally(pair.Value, -1);
                    Control(pair.Value, -1);
                    removed++;
                }
            }
        }

        foreach (KeyValuePair<PersistenceKey, PersistenceTemplate> pair in _templates)
        {
            if (pair.Value.IsExpired(nowMilliseconds))
            {
                _templates.Remove(pair.Key);
            }
        }

        return removed;
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

        var entries = new List<KeyValuePair<ConnectionKey, ConnectionEntry>>(_entries);
        foreach ((ConnectionKey key, ConnectionEntry entry) in entries)
        {
            if (Map(entry.ServiceIndex, entry.RealServerIndex, out int service, out int server))
            {
                ConnectionEntry moved = entry with { ServiceIndex = service, RealServerIndex = server };
                _entries[key] = moved;
                Tally(moved, +1);
                Control(moved, +1);
            }
            else
            {
                _entries.Remove(key);
                RemoveReplyKey(key, entry);
            }
        }
    }

    /// <summary>Removes all entries.</summary>
    public void Clear()
    {
        _entries.Clear();
        _replies.Clear();
        _templates.Clear();
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
        if (persistence is { } template)
        {
            if (template.ServiceIndex != serviceIndex)
            {
                throw new ArgumentException($"the template is for service {template.ServiceIndex}, the connection for {serviceIndex}", nameof(persistence));
            }

            entry = entry with { IsPersistent = true, PersistenceClient = template.Client };
        }

        return entry;
    }

    // Counts a persistent entry in (or out of) the template that placed it, so the template
    // outlives it. A template removed meanwhile is left alone; a newer one never goes below 0.
    private void Control(in ConnectionEntry entry, int delta)
    {
        if (!entry.IsPersistent)
        {
            return;
        }

        ref PersistenceTemplate slot = ref CollectionsMarshal.GetValueRefOrNullRef(
            _templates, new PersistenceKey(entry.ServiceIndex, entry.PersistenceClient));
        if (!Unsafe.IsNullRef(ref slot))
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

    // Replaces (or adds) the entry of a key, uncounting the entry it replaces.
    private void Store(in ConnectionKey key, in ConnectionEntry entry)
    {
        ref ConnectionEntry slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out bool existed);
        if (existed)
        {
            RemoveReplyKey(key, slot);
            Tally(slot, -1);
            Control(slot, -1);
        }

        slot = entry;
        Tally(entry, +1);
        Control(entry, +1);
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

    // Removes the reply-side key of an entry only while it still points at that entry: a newer
    // connection may have taken the same reply-side key.
    private void RemoveReplyKey(in ConnectionKey key, in ConnectionEntry entry)
    {
        if (!entry.IsMasqueraded)
        {
            return;
        }

        var replyKey = ReplyKey.For(key, entry.RealServerAddress, entry.RealServerPort);
        if (_replies.TryGetValue(replyKey, out ConnectionKey owner) && owner.Equals(key))
        {
            _replies.Remove(replyKey);
        }
    }
}
