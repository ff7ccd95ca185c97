namespace LvsLab.Lab.TopologyFiles;

/// <summary>A YAML sequence (a list).</summary>
/// <param name="Line">The line it starts on.</param>
/// <param name="Items">Its items, in order.</param>
internal sealed record YamlTreeSequence(int Line, IReadOnlyList<YamlTreeNode> Items) : YamlTreeNode(Line)
{
    /// <inheritdoc/>
    public override string Kind => "a list";
}
