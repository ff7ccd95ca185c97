namespace LvsLab.Director.Vrrp;

/// <summary>Why an advertisement given to <see cref="VrrpRouter.Receive(Span{byte}, long)"/> changed nothing.</summary>
public enum VrrpIgnoreReason
{
    /// <summary>Not a valid advertisement (the reason is in <see cref="VrrpCounters.Malformed(LvsLab.Packets.Vrrp.VrrpError)"/>).</summary>
    Malformed = 0,

    /// <summary>A valid advertisement for another virtual router (another VRID): none of ours.</summary>
    Foreign,

    /// <summary>Received while the router is not running (<see cref="VrrpState.Initialize"/>).</summary>
    NotRunning,

    /// <summary>Sent from our own primary address: our own advertisement heard back.</summary>
    OwnAdvertisement,

    /// <summary>
    /// Outranked by us: a master discards an advertisement of lower priority, or of equal
    /// priority from a lower primary address; a backup in preempt mode discards one of lower
    /// priority (and will take over when its master down timer fires).
    /// </summary>
    LowerPriority,
}
