namespace LvsLab.Director;

/// <summary>
/// What to do with a frame. <see cref="Forward"/>, <see cref="ArpReply"/>,
/// <see cref="ArpRequest"/> and <see cref="IcmpError"/> send the output bytes
/// (<see cref="Decision.Sends"/>); <see cref="Ignore"/> and <see cref="Drop"/> send nothing.
/// </summary>
public enum DecisionKind
{
    /// <summary>Not the director's business (not addressed to a VIP, or our own frame); send nothing.</summary>
    Ignore,

    /// <summary>Send the output bytes: the frame forwarded (to a real server, as is, rewritten or tunnelled; or a NAT reply to its client).</summary>
    Forward,

    /// <summary>Send the output bytes: the director's ARP reply to a request for a VIP.</summary>
    ArpReply,

    /// <summary>
    /// Send the output bytes: an ARP request for a next hop whose MAC is unknown. The frame
    /// itself is dropped (<see cref="DropReason.NeighbourUnresolved"/>); its connection stays,
    /// so a retransmission goes through once the neighbour answers.
    /// </summary>
    ArpRequest,

    /// <summary>
    /// Send the output bytes: an ICMP "fragmentation needed" to the client in place of a
    /// tunnelled packet too big for the egress interface. The frame itself is dropped
    /// (<see cref="DropReason.FragmentationNeeded"/>).
    /// </summary>
    IcmpError,

    /// <summary>The frame was for the director but is discarded; see the reason.</summary>
    Drop,
}
