namespace LvsLab.Director;

/// <summary>The outcome of <see cref="DirectorEngine.Process"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Length">For Forward and Reply: how many bytes of the output buffer to send; otherwise 0.</param>
/// <param name="Reason">
/// For Drop, why; for a Reply that is an ARP request sent instead of forwarding,
/// <see cref="DropReason.NeighbourUnresolved"/>; for a Reply that is an ICMP "fragmentation
/// needed" sent instead of tunnelling, <see cref="DropReason.FragmentationNeeded"/>; otherwise None.
/// </param>
/// <param name="Port">For Forward and Reply: the index of the port to send on (see <see cref="DirectorOptions.Ports"/>); otherwise 0.</param>
public readonly record struct Decision(DecisionKind Kind, int Length, DropReason Reason, int Port = 0)
{
    /// <summary>Ignore the frame.</summary>
    public static Decision Ignore => new(DecisionKind.Ignore, 0, DropReason.None);

    /// <summary>Forward <paramref name="length"/> output bytes on port 0.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <returns>The decision.</returns>
    public static Decision Forward(int length) => new(DecisionKind.Forward, length, DropReason.None);

    /// <summary>Forward <paramref name="length"/> output bytes on <paramref name="port"/>.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="port">The egress port index.</param>
    /// <returns>The decision.</returns>
    public static Decision Forward(int length, int port) => new(DecisionKind.Forward, length, DropReason.None, port);

    /// <summary>Send a generated frame of <paramref name="length"/> output bytes on port 0.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <returns>The decision.</returns>
    public static Decision Reply(int length) => new(DecisionKind.Reply, length, DropReason.None);

    /// <summary>Send a generated frame of <paramref name="length"/> output bytes on <paramref name="port"/>.</summary>
    /// <param name="length">Bytes to send.</param>
    /// <param name="port">The egress port index.</param>
    /// <returns>The decision.</returns>
    public static Decision Reply(int length, int port) => new(DecisionKind.Reply, length, DropReason.None, port);

    /// <summary>Drop the frame.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static Decision Drop(DropReason reason) => new(DecisionKind.Drop, 0, reason);
}
