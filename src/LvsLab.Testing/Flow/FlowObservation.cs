using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Flow;

/// <summary>One IP frame as one tap saw it, with its link, network and nodes resolved.</summary>
internal sealed class FlowObservation
{
    /// <summary>The tap's link name (<c>node</c> or <c>node:network</c>).</summary>
    public required string Link { get; init; }

    /// <summary>The captured frame.</summary>
    public required CapturedFrame Captured { get; init; }

    /// <summary>The decoded headers.</summary>
    public required DecodedFrame Frame { get; init; }

    /// <summary>The lab network the frame crossed.</summary>
    public string Network { get; set; } = string.Empty;

    /// <summary>The sender (owner of the source MAC), or the raw MAC.</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The receiver (owner of the destination MAC), or the raw MAC.</summary>
    public string To { get; set; } = string.Empty;

    /// <summary>When the tap saw it.</summary>
    public DateTime Time => Captured.Time;
}
