using LvsLab.Packets;

namespace LvsLab.Director.Neighbours;

/// <summary>A neighbour's MAC and when (in learning order) it was first learned.</summary>
/// <param name="Mac">The MAC address.</param>
/// <param name="Sequence">The learning sequence number, for oldest-first eviction.</param>
internal readonly record struct NeighbourSlot(MacAddress Mac, long Sequence);
