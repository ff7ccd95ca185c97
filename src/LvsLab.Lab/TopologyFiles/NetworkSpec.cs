namespace LvsLab.Lab.TopologyFiles;

/// <summary>A network as written.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Subnet">Its subnet: <c>auto</c> or a CIDR; null when already reported missing.</param>
/// <param name="Field">Its path, e.g. <c>networks.lan</c>.</param>
/// <param name="Line">The line of its name.</param>
internal sealed record NetworkSpec(string Name, YamlTreeScalar? Subnet, string Field, int Line);
