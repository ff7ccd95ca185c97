namespace LvsLab.Lab.TopologyFiles;

/// <summary>A YAML mapping, its entries in the order written; a repeated key is kept (the reader reports it).</summary>
/// <param name="Line">The line it starts on.</param>
/// <param name="Entries">Its entries, in order.</param>
internal sealed record YamlTreeMapping(int Line, IReadOnlyList<KeyValuePair<YamlTreeScalar, YamlTreeNode>> Entries) : YamlTreeNode(Line)
{
    /// <inheritdoc/>
    public override string Kind => "a mapping";
}
