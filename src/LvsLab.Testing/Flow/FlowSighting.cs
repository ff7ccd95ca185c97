namespace LvsLab.Testing.Flow;

/// <summary>One frame on the wire: the same bytes seen by one or more taps of a network.</summary>
internal sealed class FlowSighting
{
    /// <summary>Creates a sighting from its first observation.</summary>
    /// <param name="first">The earliest observation.</param>
    public FlowSighting(FlowObservation first)
    {
        First = first;
        Links.Add(first.Link);
    }

    /// <summary>The earliest observation.</summary>
    public FlowObservation First { get; }

    /// <summary>The taps that saw it.</summary>
    public SortedSet<string> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>The decoded frame.</summary>
    public DecodedFrame Frame => First.Frame;

    /// <summary>When it was first seen.</summary>
    public DateTime Time => First.Time;

    /// <summary>The sender.</summary>
    public string From => First.From;

    /// <summary>The receiver.</summary>
    public string To => First.To;

    /// <summary>Whether <paramref name="other"/> crosses the same network between the same MACs.</summary>
    /// <param name="other">Another sighting.</param>
    /// <returns>True for the same hop (a copy of the frame, e.g. a retransmission).</returns>
    public bool SameHop(FlowSighting other) =>
        First.Network == other.First.Network
        && Frame.SourceMac == other.Frame.SourceMac
        && Frame.DestinationMac == other.Frame.DestinationMac;

    /// <summary>Whether <paramref name="observation"/> is this very frame seen by another tap.</summary>
    /// <param name="observation">An observation at or after this one.</param>
    /// <param name="window">How far apart two taps may time-stamp one frame.</param>
    /// <returns>True when it is.</returns>
    public bool SameFrame(FlowObservation observation, TimeSpan window) =>
        First.Network == observation.Network
        && Frame.SourceMac == observation.Frame.SourceMac
        && Frame.DestinationMac == observation.Frame.DestinationMac
        && (observation.Time - Time).Duration() <= window
        && Frame.IpBytes.Span.SequenceEqual(observation.Frame.IpBytes.Span);
}
