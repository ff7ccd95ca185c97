using LvsLab.Director.Vrrp;
using LvsLab.Packets;

namespace LvsLab.Director.Host.Vrrp;

/// <summary>The VRRP router's state and counters at one moment (for <c>stats</c>).</summary>
/// <param name="State">Initialize, Backup or Master.</param>
/// <param name="MasterAddress">The master's primary address (ours while master; 0.0.0.0 when none is known).</param>
/// <param name="MasterIntervalCentiseconds">The interval the master advertises with.</param>
/// <param name="Received">Advertisements received.</param>
/// <param name="Accepted">Of those, taken by the state machine.</param>
/// <param name="Ignored">Of those, ignored (malformed, another VRID, our own, lower priority).</param>
/// <param name="MasterTransitions">Times it became master.</param>
/// <param name="BackupTransitions">Times it became backup.</param>
/// <param name="InboxDropped">VRRP frames the frame loop could not hand over (inbox full).</param>
/// <param name="IgnoredBy">The ignored ones by reason (camelCase names of <see cref="VrrpIgnoreReason"/>).</param>
/// <param name="AddressListMismatches">Accepted advertisements whose address list differs from ours (RFC 5798 §6.4.2: logged, not fatal).</param>
internal sealed record VrrpSnapshot(
    VrrpState State,
    Ipv4Address MasterAddress,
    int MasterIntervalCentiseconds,
    long Received,
    long Accepted,
    long Ignored,
    long MasterTransitions,
    long BackupTransitions,
    long InboxDropped,
    IReadOnlyList<(string Reason, long Count)> IgnoredBy,
    long AddressListMismatches)
{
    /// <summary>The state as status shows it: <c>master</c>, <c>backup</c> or <c>initialize</c>.</summary>
    public string StateName => State switch
    {
        VrrpState.Master => "master",
        VrrpState.Backup => "backup",
        _ => "initialize",
    };
}
