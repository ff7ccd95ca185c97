using System.Net;

namespace LvsLab.Testing.Flow;

/// <summary>One interface of a node on the path.</summary>
/// <param name="Network">The lab network.</param>
/// <param name="Address">Its address in the flow's family: IPv4, or for an IPv6 flow its IPv6 address (IPv4 where it has none).</param>
/// <param name="Mac">Its MAC as the flow's frames show it, or null when none of them used it.</param>
public sealed record FlowInterface(string Network, IPAddress Address, string? Mac);
