namespace LvsLab.Decap;

/// <summary>A copy of the <see cref="Decapsulator"/> counters at one moment.</summary>
internal sealed class DecapSnapshot
{
    private readonly long[] _dropped;

    /// <summary>Makes a snapshot.</summary>
    /// <param name="received">Packets received.</param>
    /// <param name="delivered">Inner packets written to the TUN device.</param>
    /// <param name="dropped">Drops indexed by <see cref="DecapResult"/> (index 0 unused).</param>
    public DecapSnapshot(long received, long delivered, long[] dropped)
    {
        Received = received;
        Delivered = delivered;
        _dropped = dropped;
        TotalDropped = dropped.Sum();
    }

    /// <summary>Packets received.</summary>
    public long Received { get; }

    /// <summary>Inner packets written to the TUN device.</summary>
    public long Delivered { get; }

    /// <summary>Packets dropped, all reasons together.</summary>
    public long TotalDropped { get; }

    /// <summary>Packets dropped for one reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public long GetDropped(DecapResult reason) => _dropped[(int)reason];

    /// <summary>True when the counters differ from <paramref name="other"/>'s (every packet moves at least one total).</summary>
    /// <param name="other">An earlier snapshot, or null.</param>
    /// <returns>True when something changed.</returns>
    public bool DiffersFrom(DecapSnapshot? other) =>
        other is null || other.Received != Received || other.Delivered != Delivered || other.TotalDropped != TotalDropped;
}
