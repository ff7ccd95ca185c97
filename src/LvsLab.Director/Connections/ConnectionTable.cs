using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>
/// The connection table: which real server each client connection went to, so that every
/// packet of a connection reaches the same server. Expired entries are treated as absent,
/// overwritten when the same key comes again, and removed by <see cref="RemoveExpired"/>.
/// Not thread-safe: one capture loop owns it.
/// </summary>
/// <remarks>
/// A <see cref="Dictionary{TKey, TValue}"/> keyed by a struct with its own equality, and
/// updated through <see cref="CollectionsMarshal"/> refs: one hash lookup per packet of a
/// known connection, no allocation (apart from the dictionary growing).
/// </remarks>
public sealed class ConnectionTable
{
    private readonly Dictionary<ConnectionKey, ConnectionEntry> _entries = [];

    /// <summary>Creates an empty table.</summary>
    /// <param name="timeouts">Timeouts per state; <see cref="ConnectionTimeouts.Default"/> when null.</param>
    public ConnectionTable(ConnectionTimeouts? timeouts = null) => Timeouts = timeouts ?? ConnectionTimeouts.Default;

    /// <summary>The timeouts in use.</summary>
    public ConnectionTimeouts Timeouts { get; }

    /// <summary>Entries held, including expired ones not yet removed.</summary>
    public int Count => _entries.Count;

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

    /// <summary>
    /// Finds a live entry and advances it with a packet: state from the TCP flags, expiry from
    /// the new state's timeout, packet count.
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
        slot = slot with
        {
            State = state,
            ExpiresAtMilliseconds = nowMilliseconds + Timeouts.For(state),
            Packets = slot.Packets + 1,
        };
        entry = slot;
        return true;
    }

    /// <summary>Creates an entry for a new connection, replacing an expired one with the same key.</summary>
    /// <param name="key">The connection.</param>
    /// <param name="serviceIndex">Index of the virtual service.</param>
    /// <param name="realServerIndex">Index of the chosen real server in the service.</param>
    /// <param name="flags">The first packet's TCP flags (ignored for UDP).</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>The new entry.</returns>
    public ConnectionEntry Create(in ConnectionKey key, int serviceIndex, int realServerIndex, TcpFlags flags, long nowMilliseconds)
    {
        ConnectionState state = key.Protocol == ServiceProtocol.Tcp
            ? NextTcpState(ConnectionState.SynReceived, flags)
            : ConnectionState.Udp;
        var entry = new ConnectionEntry(serviceIndex, realServerIndex, state, nowMilliseconds, nowMilliseconds + Timeouts.For(state), 1);
        _entries[key] = entry;
        return entry;
    }

    /// <summary>Removes one entry.</summary>
    /// <param name="key">The connection.</param>
    /// <returns>True when it was there.</returns>
    public bool Remove(in ConnectionKey key) => _entries.Remove(key);

    /// <summary>Removes every expired entry (the host may call this now and then).</summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>How many were removed.</returns>
    public int RemoveExpired(long nowMilliseconds)
    {
        int removed = 0;

        // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
        foreach (KeyValuePair<ConnectionKey, ConnectionEntry> pair in _entries)
        {
            if (pair.Value.IsExpired(nowMilliseconds) && _entries.Remove(pair.Key))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Removes all entries.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>
    /// The state after a packet from the client, for a director that only sees that direction:
    /// RST closes, FIN starts closing, an ACK after the SYN establishes; a bare SYN on a
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
            return ConnectionState.FinWait;
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
}
