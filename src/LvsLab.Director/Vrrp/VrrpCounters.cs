using LvsLab.Packets.Vrrp;

namespace LvsLab.Director.Vrrp;

/// <summary>
/// What a <see cref="VrrpRouter"/> did with the advertisements it was given, and how often it
/// changed state. Every advertisement received is counted once as accepted or as ignored for
/// one reason: <c>Received == Accepted + Σ Ignored(reason)</c>, and
/// <c>Ignored(Malformed) == Σ Malformed(error)</c>. Updating allocates nothing. Not
/// thread-safe, like the router.
/// </summary>
public sealed class VrrpCounters
{
    private readonly long[] _ignored = new long[Enum.GetValues<VrrpIgnoreReason>().Length];
    private readonly long[] _malformed = new long[Enum.GetValues<VrrpError>().Length];

    /// <summary>Advertisements given to the router, valid or not.</summary>
    public long Received { get; private set; }

    /// <summary>Advertisements the state machine acted on (it may have changed nothing but a timer).</summary>
    public long Accepted { get; private set; }

    /// <summary>Accepted advertisements with priority 0: a master stopping.</summary>
    public long PriorityZeroReceived { get; private set; }

    /// <summary>
    /// Valid advertisements for our VRID whose addresses are not ours (another count or another
    /// address): a misconfiguration to report, yet they are acted on as RFC 5798 §7.1 allows.
    /// </summary>
    public long AddressListMismatches { get; private set; }

    /// <summary>How often the router became master.</summary>
    public long MasterTransitions { get; private set; }

    /// <summary>How often the router became backup (from start or from master).</summary>
    public long BackupTransitions { get; private set; }

    /// <summary>Advertisements ignored for <paramref name="reason"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public long Ignored(VrrpIgnoreReason reason) => _ignored[(int)reason];

    /// <summary>Advertisements ignored as malformed for <paramref name="error"/>.</summary>
    /// <param name="error">The validation error (<see cref="VrrpError.None"/> is always 0).</param>
    /// <returns>The count.</returns>
    public long Malformed(VrrpError error) => _malformed[(int)error];

    internal void CountReceived() => Received++;

    internal void CountAccepted() => Accepted++;

    internal void CountPriorityZero() => PriorityZeroReceived++;

    internal void CountAddressListMismatch() => AddressListMismatches++;

    internal void CountMasterTransition() => MasterTransitions++;

    internal void CountBackupTransition() => BackupTransitions++;

    internal void CountIgnored(VrrpIgnoreReason reason) => _ignored[(int)reason]++;

    internal void CountMalformed(VrrpError error)
    {
        _malformed[(int)error]++;
        _ignored[(int)VrrpIgnoreReason.Malformed]++;
    }
}
