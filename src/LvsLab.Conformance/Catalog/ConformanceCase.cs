using LvsLab.Conformance.Results;
using LvsLab.Lab.Model;

namespace LvsLab.Conformance.Catalog;

/// <summary>
/// One forwarder-agnostic behaviour of an LVS forwarder, checked with packets captured outside
/// it: a stable ID (<c>DR-ARP-1</c>), the sentence it checks, how binding it is, the mode, what
/// the forwarder must claim for it to apply, and where the LVS literature says so.
/// </summary>
public sealed record ConformanceCase
{
    /// <summary>The stable ID: MODE-TOPIC-N.</summary>
    public required string Id { get; init; }

    /// <summary>dr, nat or tun.</summary>
    public required string Mode { get; init; }

    /// <summary>MUST or SHOULD.</summary>
    public required CaseLevel Level { get; init; }

    /// <summary>What it checks, in a sentence.</summary>
    public required string Sentence { get; init; }

    /// <summary>Where the LVS literature or the kernel's IPVS says so.</summary>
    public required string Reference { get; init; }

    /// <summary>The capabilities the forwarder must claim (<see cref="Lab.Forwarders.ForwarderCapabilities"/>); else unsupported.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>
    /// The scheduler the case checks, which the forwarder must honour; else unsupported. Null
    /// when the case checks no scheduling (the rewrite, ARP, return path, malformed frames): it
    /// runs under its lab's rules (the stock lab's <c>rr</c>) with whatever the forwarder makes of
    /// them, so a forwarder that only approximates <c>rr</c> (the XDP peer's hash) is still judged.
    /// </summary>
    public string? Scheduler { get; init; }

    /// <summary>
    /// The lab variant the case needs, when the stock lab's rules do not serve it (another
    /// scheduler, weights, persistence): cases of one variant share a lab. Null: the stock lab.
    /// </summary>
    public string? Variant { get; init; }

    /// <summary>The director's rules (ipvsadm-save text) for <see cref="Variant"/>, made from the lab's topology; null for the stock rules.</summary>
    public Func<LabTopology, string>? Rules { get; init; }

    /// <summary>Runs the case.</summary>
    public required Func<CaseContext, CancellationToken, Task<CaseFinding>> Run { get; init; }
}
