namespace LvsLab.Lab.TopologyFiles;

/// <summary>A node of a parsed YAML document, with the line it starts on (1-based).</summary>
/// <param name="Line">The line of the node's first character.</param>
internal abstract record YamlTreeNode(int Line)
{
    /// <summary>What the node is, for "expected …, found …" messages.</summary>
    public abstract string Kind { get; }
}
