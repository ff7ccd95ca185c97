namespace LvsLab.Director;

/// <summary>The outcome of <see cref="DirectorEngine.Process"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Length">When the decision <see cref="Sends"/>: how many bytes of the output buffer to send; otherwise 0.</param>
/// <param name="Reason">
/// For Drop, why; for an <see cref="DecisionKind.ArpRequest"/> (sent instead of forwarding),
/// <see cref="DropReason.NeighbourUnresolved"/>; for an <see cref="DecisionKind.IcmpError"/>
/// (sent instead of tunnelling), <see cref="DropReason.FragmentationNeeded"/>; otherwise None.
/// </param>
/// <param name="Interface">
/// When the decision <see cref="Sends"/>: the index of the interface to send on (see
/// <see cref="DirectorOptions.Interfaces"/>); otherwise 0.
/// </param>
public readonly record struct Decision(DecisionKind Kind, int Length, DropReason Reason, int Interface = 0)
{
    /// <summary>Ignore the frame.</summary>
    public static Decision Ignore => new(DecisionKind.Ignore, 0, DropReason.None);

    /// <summary>
    /// True when the first <see cref="Length"/> output bytes are to be sent on
    /// <see cref="Interface"/>: a forwarded frame, an ARP reply, an ARP request or an ICMP error.
    /// </summary>
    public bool Sends => Kind is DecisionKind.Forward or DecisionKind.ArpReply or DecisionKind.ArpRequest or DecisionKind.IcmpError;

    /// <summary>Forward <paramref name="length"/> output bytes on interface 0.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <returns>The decision.</returns>
    public static Decision Forward(int length) => new(DecisionKind.Forward, length, DropReason.None);

    /// <summary>Forward <paramref name="length"/> output bytes on <paramref name="interfaceIndex"/>.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="interfaceIndex">The egress interface.</param>
    /// <returns>The decision.</returns>
    public static Decision Forward(int length, int interfaceIndex) => new(DecisionKind.Forward, length, DropReason.None, interfaceIndex);

    /// <summary>Send the ARP reply of <paramref name="length"/> output bytes on <paramref name="interfaceIndex"/>.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="interfaceIndex">The interface the request came in on.</param>
    /// <returns>The decision.</returns>
    public static Decision ArpReply(int length, int interfaceIndex) => new(DecisionKind.ArpReply, length, DropReason.None, interfaceIndex);

    /// <summary>Send the ARP request of <paramref name="length"/> output bytes on <paramref name="interfaceIndex"/>; the frame is dropped.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="interfaceIndex">The interface the unresolved next hop is on.</param>
    /// <returns>The decision.</returns>
    public static Decision ArpRequest(int length, int interfaceIndex) => new(DecisionKind.ArpRequest, length, DropReason.NeighbourUnresolved, interfaceIndex);

    /// <summary>Send the ICMP "fragmentation needed" of <paramref name="length"/> output bytes on <paramref name="interfaceIndex"/>; the frame is dropped.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="interfaceIndex">The interface that routes to the client.</param>
    /// <returns>The decision.</returns>
    public static Decision IcmpError(int length, int interfaceIndex) => new(DecisionKind.IcmpError, length, DropReason.FragmentationNeeded, interfaceIndex);

    /// <summary>Drop the frame.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static Decision Drop(DropReason reason) => new(DecisionKind.Drop, 0, reason);
}
