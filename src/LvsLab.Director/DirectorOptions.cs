using LvsLab.Director.Connections;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>The director's own identity on its link, and tunables.</summary>
/// <param name="Mac">The MAC address of the director's interface.</param>
/// <param name="Address">The director's own IP (DIP), the sender of its ARP requests.</param>
public sealed record DirectorOptions(MacAddress Mac, Ipv4Address Address)
{
    /// <summary>Connection timeouts; <see cref="ConnectionTimeouts.Default"/> unless set.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;
}
