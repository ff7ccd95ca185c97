namespace LvsLab.Director.Vrrp;

/// <summary>
/// What the caller of <see cref="VrrpRouter"/> is to do after a call: what to send now and which
/// state was entered. Several may be set at once; <see cref="None"/> when nothing changed.
/// </summary>
[Flags]
public enum VrrpActions
{
    /// <summary>Nothing to do.</summary>
    None = 0,

    /// <summary>Send an advertisement with the configured priority (<see cref="VrrpRouter.WriteAdvertisement"/>).</summary>
    SendAdvertisement = 1,

    /// <summary>
    /// Send an advertisement with priority 0: the master is stopping, and the backups are to take
    /// over after their skew time rather than the whole master down interval.
    /// </summary>
    SendPriorityZeroAdvertisement = 2,

    /// <summary>Broadcast a gratuitous ARP for each virtual address (<see cref="VrrpRouter.WriteGratuitousArp"/>).</summary>
    SendGratuitousArp = 4,

    /// <summary>The router became master: start answering ARP and forwarding for the virtual addresses.</summary>
    BecameMaster = 8,

    /// <summary>The router became backup: stop answering ARP and forwarding for the virtual addresses.</summary>
    BecameBackup = 16,

    /// <summary>The router stopped (back to <see cref="VrrpState.Initialize"/>): it owns nothing any more.</summary>
    Stopped = 32,
}
