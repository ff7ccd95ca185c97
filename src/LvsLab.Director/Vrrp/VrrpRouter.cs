using LvsLab.Packets;
using LvsLab.Packets.Vrrp;

namespace LvsLab.Director.Vrrp;

/// <summary>
/// The state machine of one VRRP version 3 virtual router for IPv4 (RFC 5798 §6.4):
/// Initialize, Backup and Master, with the master down timer, the advertisement timer,
/// preemption, the priority 0 hand-over and the owner's immediate take-over.
/// </summary>
/// <remarks>
/// <para>
/// Pure, like the director's engine: no clock, no socket, no thread. The caller passes the time
/// (milliseconds on any monotonic clock) to every call, calls <see cref="Tick"/> when
/// <see cref="NextDeadline"/> has come, and does what the returned <see cref="VrrpActions"/> say:
/// send an advertisement (<see cref="WriteAdvertisement"/>), broadcast gratuitous ARPs
/// (<see cref="WriteGratuitousArp"/>), start or stop owning the virtual addresses.
/// </para>
/// <para>
/// Per RFC 5798 §6.4: a backup whose master down timer fires becomes master; a backup takes an
/// advertisement with priority 0 as its master stopping and waits only its skew time; otherwise
/// it adopts the master's advertised interval and restarts its timer, unless it preempts (the
/// default) and the advertisement's priority is below its own, in which case it lets the timer
/// run out. A master answers a priority 0 advertisement with one of its own, steps down for a
/// higher priority or an equal one from a higher primary address, and ignores the rest.
/// </para>
/// <para>Not thread-safe: one caller at a time. Nothing allocates after construction.</para>
/// </remarks>
public sealed class VrrpRouter
{
    /// <summary>The <see cref="NextDeadline"/> when no timer runs.</summary>
    public const long NoDeadline = long.MaxValue;

    private readonly Ipv4Address[] _addresses;
    private long _masterDownAt = NoDeadline;
    private long _advertiseAt = NoDeadline;

    /// <summary>Makes a router in <see cref="VrrpState.Initialize"/>.</summary>
    /// <param name="options">The configuration.</param>
    public VrrpRouter(VrrpRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _addresses = [.. options.VirtualAddresses];
        MasterAdvertisementInterval = options.AdvertisementInterval;
    }

    /// <summary>The configuration.</summary>
    public VrrpRouterOptions Options { get; }

    /// <summary>The current state.</summary>
    public VrrpState State { get; private set; }

    /// <summary>What the router did with advertisements, and how often it changed state.</summary>
    public VrrpCounters Counters { get; } = new();

    /// <summary>
    /// Master_Adver_Interval in centiseconds: the interval the current master advertises with,
    /// which a backup adopts; our own <see cref="VrrpRouterOptions.AdvertisementInterval"/> until
    /// a master is heard.
    /// </summary>
    public int MasterAdvertisementInterval { get; private set; }

    /// <summary>Skew_Time in milliseconds, from our priority and <see cref="MasterAdvertisementInterval"/>.</summary>
    public long SkewTime => VrrpTimers.SkewTime(Options.Priority, MasterAdvertisementInterval);

    /// <summary>Master_Down_Interval in milliseconds, from our priority and <see cref="MasterAdvertisementInterval"/>.</summary>
    public long MasterDownInterval => VrrpTimers.MasterDownInterval(Options.Priority, MasterAdvertisementInterval);

    /// <summary>
    /// The primary address of the master: the sender of the last advertisement a backup
    /// accepted, our own address while master, 0.0.0.0 when none is known.
    /// </summary>
    public Ipv4Address MasterAddress { get; private set; }

    /// <summary>
    /// When <see cref="Tick"/> next has something to do, in the caller's milliseconds: the master
    /// down timer in Backup, the advertisement timer in Master, <see cref="NoDeadline"/> in
    /// Initialize.
    /// </summary>
    public long NextDeadline => State switch
    {
        VrrpState.Backup => _masterDownAt,
        VrrpState.Master => _advertiseAt,
        _ => NoDeadline,
    };

    /// <summary>
    /// Starts the router (RFC 5798 §6.4.1): the owner (priority 255) becomes master at once;
    /// any other router becomes backup and waits <see cref="MasterDownInterval"/> for a master.
    /// Does nothing unless the router is in <see cref="VrrpState.Initialize"/>.
    /// </summary>
    /// <param name="now">The time in milliseconds.</param>
    /// <returns>What to do.</returns>
    public VrrpActions Start(long now)
    {
        if (State != VrrpState.Initialize)
        {
            return VrrpActions.None;
        }

        MasterAdvertisementInterval = Options.AdvertisementInterval;
        if (Options.IsOwner)
        {
            return BecomeMaster(now);
        }

        MasterAddress = Ipv4Address.Any;
        return BecomeBackup(now);
    }

    /// <summary>
    /// Gives the router an IPv4 packet that came to the VRRP group: it is validated
    /// (<see cref="VrrpAdvertisement.TryRead"/>), a malformed one or one for another VRID is
    /// counted and ignored, and a valid one for our VRID goes on to the state machine. An
    /// advertisement whose addresses differ from ours is counted
    /// (<see cref="VrrpCounters.AddressListMismatches"/>) and still acted on.
    /// </summary>
    /// <param name="ipv4Packet">The bytes from the IPv4 header on (Ethernet padding allowed).</param>
    /// <param name="now">The time in milliseconds.</param>
    /// <returns>What to do.</returns>
    public VrrpActions Receive(Span<byte> ipv4Packet, long now)
    {
        Counters.CountReceived();
        if (!VrrpAdvertisement.TryRead(ipv4Packet, out Ipv4Packet ip, out VrrpAdvertisement advertisement, out VrrpError error))
        {
            Counters.CountMalformed(error);
            return VrrpActions.None;
        }

        if (advertisement.VirtualRouterId != Options.VirtualRouterId)
        {
            Counters.CountIgnored(VrrpIgnoreReason.Foreign);
            return VrrpActions.None;
        }

        if (!CarriesOurAddresses(advertisement))
        {
            Counters.CountAddressListMismatch();
        }

        return Process(VrrpAdvertisementFields.From(advertisement), ip.Source, now);
    }

    /// <summary>
    /// Gives the router the fields of an advertisement that the caller has already validated
    /// (<see cref="VrrpAdvertisement.TryRead"/>): one for another VRID is counted as foreign and
    /// ignored, one with interval 0 as malformed; the rest goes to the state machine.
    /// </summary>
    /// <param name="advertisement">The advertisement's VRID, priority and interval.</param>
    /// <param name="source">The IPv4 source address of the advertisement (the sender's primary address).</param>
    /// <param name="now">The time in milliseconds.</param>
    /// <returns>What to do.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The interval is above 4095 or negative, which no advertisement can carry.</exception>
    public VrrpActions Receive(VrrpAdvertisementFields advertisement, Ipv4Address source, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(advertisement.MaxAdvertisementInterval);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(advertisement.MaxAdvertisementInterval, VrrpAdvertisement.MaxInterval);
        Counters.CountReceived();
        if (advertisement.MaxAdvertisementInterval == 0)
        {
            Counters.CountMalformed(VrrpError.ZeroInterval);
            return VrrpActions.None;
        }

        if (advertisement.VirtualRouterId != Options.VirtualRouterId)
        {
            Counters.CountIgnored(VrrpIgnoreReason.Foreign);
            return VrrpActions.None;
        }

        return Process(advertisement, source, now);
    }

    /// <summary>
    /// Runs the timer that is due at <paramref name="now"/>, if any: a backup whose master down
    /// timer fired becomes master; a master whose advertisement timer fired advertises. Calling
    /// it early or often is harmless.
    /// </summary>
    /// <param name="now">The time in milliseconds.</param>
    /// <returns>What to do.</returns>
    public VrrpActions Tick(long now)
    {
        switch (State)
        {
            case VrrpState.Backup when now >= _masterDownAt:
                return BecomeMaster(now);
            case VrrpState.Master when now >= _advertiseAt:
                // From now, not from the missed deadline: a late tick sends one advertisement, not a burst.
                _advertiseAt = now + AdvertisementPeriod;
                return VrrpActions.SendAdvertisement;
            default:
                return VrrpActions.None;
        }
    }

    /// <summary>
    /// Stops the router (RFC 5798 §6.4.2, §6.4.3): a master sends a priority 0 advertisement so
    /// that a backup takes over after its skew time, and gives the addresses up; either goes back
    /// to <see cref="VrrpState.Initialize"/>. Does nothing in Initialize.
    /// </summary>
    /// <param name="now">The time in milliseconds (unused: stopping cancels every timer).</param>
    /// <returns>What to do.</returns>
    public VrrpActions Shutdown(long now)
    {
        _ = now;
        VrrpState was = State;
        State = VrrpState.Initialize;
        _masterDownAt = NoDeadline;
        _advertiseAt = NoDeadline;
        return was switch
        {
            VrrpState.Master => VrrpActions.SendPriorityZeroAdvertisement | VrrpActions.Stopped,
            VrrpState.Backup => VrrpActions.Stopped,
            _ => VrrpActions.None,
        };
    }

    /// <summary>
    /// Writes our advertisement frame (<see cref="VrrpAdvertisementFrame.Write"/>): our VRID, our
    /// priority (or 0 when <paramref name="stopping"/>), our configured interval and addresses,
    /// from our primary address.
    /// </summary>
    /// <param name="frame">The output, at least <see cref="VrrpAdvertisementFrame.Length"/> bytes for our addresses.</param>
    /// <param name="identification">The IPv4 identification (keepalived counts it up per advertisement).</param>
    /// <param name="stopping">True for the priority 0 advertisement of <see cref="VrrpActions.SendPriorityZeroAdvertisement"/>.</param>
    /// <returns>The frame length.</returns>
    public int WriteAdvertisement(Span<byte> frame, ushort identification, bool stopping = false) =>
        VrrpAdvertisementFrame.Write(
            frame,
            Options.VirtualRouterId,
            stopping ? (byte)0 : Options.Priority,
            Options.AdvertisementInterval,
            _addresses,
            Options.PrimaryAddress,
            identification);

    /// <summary>Writes the gratuitous ARP frame for virtual address <paramref name="index"/>, from the virtual router MAC.</summary>
    /// <param name="frame">The output, at least <see cref="GratuitousArp.FrameLength"/> bytes.</param>
    /// <param name="index">0 to the number of virtual addresses − 1.</param>
    /// <returns>The frame length.</returns>
    public int WriteGratuitousArp(Span<byte> frame, int index) =>
        GratuitousArp.Write(frame, VrrpAdvertisement.VirtualRouterMac(Options.VirtualRouterId), _addresses[index]);

    private long AdvertisementPeriod => (long)Options.AdvertisementInterval * VrrpTimers.MillisecondsPerCentisecond;

    private VrrpActions Process(VrrpAdvertisementFields advertisement, Ipv4Address source, long now)
    {
        if (State == VrrpState.Initialize)
        {
            Counters.CountIgnored(VrrpIgnoreReason.NotRunning);
            return VrrpActions.None;
        }

        if (source == Options.PrimaryAddress)
        {
            Counters.CountIgnored(VrrpIgnoreReason.OwnAdvertisement);
            return VrrpActions.None;
        }

        return State == VrrpState.Backup
            ? ProcessAsBackup(advertisement, source, now)
            : ProcessAsMaster(advertisement, source, now);
    }

    private VrrpActions ProcessAsBackup(VrrpAdvertisementFields advertisement, Ipv4Address source, long now)
    {
        if (advertisement.Priority == 0)
        {
            // The master is stopping: take over after the skew only, so the highest priority wins.
            Counters.CountAccepted();
            Counters.CountPriorityZero();
            _masterDownAt = now + SkewTime;
            return VrrpActions.None;
        }

        if (Options.Preempt && advertisement.Priority < Options.Priority)
        {
            // Let the master down timer run out and preempt the lower-priority master.
            Counters.CountIgnored(VrrpIgnoreReason.LowerPriority);
            return VrrpActions.None;
        }

        Counters.CountAccepted();
        MasterAdvertisementInterval = advertisement.MaxAdvertisementInterval;
        MasterAddress = source;
        _masterDownAt = now + MasterDownInterval;
        return VrrpActions.None;
    }

    private VrrpActions ProcessAsMaster(VrrpAdvertisementFields advertisement, Ipv4Address source, long now)
    {
        if (advertisement.Priority == 0)
        {
            // Another router gave the VRID up: say at once who is master.
            Counters.CountAccepted();
            Counters.CountPriorityZero();
            _advertiseAt = now + AdvertisementPeriod;
            return VrrpActions.SendAdvertisement;
        }

        if (advertisement.Priority > Options.Priority
            || (advertisement.Priority == Options.Priority && source > Options.PrimaryAddress))
        {
            Counters.CountAccepted();
            MasterAdvertisementInterval = advertisement.MaxAdvertisementInterval;
            MasterAddress = source;
            return BecomeBackup(now);
        }

        Counters.CountIgnored(VrrpIgnoreReason.LowerPriority);
        return VrrpActions.None;
    }

    private VrrpActions BecomeMaster(long now)
    {
        State = VrrpState.Master;
        MasterAddress = Options.PrimaryAddress;
        MasterAdvertisementInterval = Options.AdvertisementInterval;
        _masterDownAt = NoDeadline;
        _advertiseAt = now + AdvertisementPeriod;
        Counters.CountMasterTransition();
        return VrrpActions.SendAdvertisement | VrrpActions.SendGratuitousArp | VrrpActions.BecameMaster;
    }

    private VrrpActions BecomeBackup(long now)
    {
        State = VrrpState.Backup;
        _advertiseAt = NoDeadline;
        _masterDownAt = now + MasterDownInterval;
        Counters.CountBackupTransition();
        return VrrpActions.BecameBackup;
    }

    private bool CarriesOurAddresses(VrrpAdvertisement advertisement)
    {
        if (advertisement.AddressCount != _addresses.Length)
        {
            return false;
        }

        // Compared as sets (the order may differ), at most 255 × 255 comparisons, nothing allocated.
        foreach (Ipv4Address ours in _addresses)
        {
            bool found = false;
            for (int i = 0; i < advertisement.AddressCount && !found; i++)
            {
                found = advertisement.GetAddress(i) == ours;
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
