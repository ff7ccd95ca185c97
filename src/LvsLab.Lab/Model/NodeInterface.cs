using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>One attachment of a node to a lab network, with its fixed address.</summary>
/// <param name="Network">The lab network's short name.</param>
/// <param name="Address">The node's address on that network.</param>
public sealed record NodeInterface(string Network, IPAddress Address);
