namespace LvsLab.Lab.TopologyFiles;

/// <summary>A text value read from a topology file, with its key (empty in a list) and field path.</summary>
/// <param name="Key">The mapping key, or empty for a list item.</param>
/// <param name="Value">The scalar, for its text and line.</param>
/// <param name="Field">The field's path, e.g. <c>nodes.client.loopback[0]</c>.</param>
internal sealed record SpecValue(string Key, YamlTreeScalar Value, string Field)
{
    /// <summary>The text.</summary>
    public string Text => Value.Value;
}
