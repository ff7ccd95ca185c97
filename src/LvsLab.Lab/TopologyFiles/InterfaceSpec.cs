namespace LvsLab.Lab.TopologyFiles;

/// <summary>A node's attachment as written: a network and a host number or IPv4 address, plus an offset for the nth real server.</summary>
/// <param name="Network">The network's name.</param>
/// <param name="Value">A host number in the network's subnet or an IPv4 address.</param>
/// <param name="Field">The field's path.</param>
/// <param name="Offset">Added to the host (0 for a plain node; i - 1 for real server i).</param>
internal sealed record InterfaceSpec(string Network, YamlTreeScalar Value, string Field, int Offset);
