namespace LvsLab.Director;

/// <summary>What to do with a frame.</summary>
public enum DecisionKind
{
    /// <summary>Not the director's business (not addressed to a VIP, or our own frame); send nothing.</summary>
    Ignore,

    /// <summary>Send the output bytes: the frame forwarded (to a real server, as is, rewritten or tunnelled; or a NAT reply to its client).</summary>
    Forward,

    /// <summary>Send the output bytes: a frame the director generated (ARP reply, ARP request, or ICMP error).</summary>
    Reply,

    /// <summary>The frame was for the director but is discarded; see the reason.</summary>
    Drop,
}
