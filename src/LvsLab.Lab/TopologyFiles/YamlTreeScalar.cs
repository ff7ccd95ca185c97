using YamlDotNet.Core;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>A YAML scalar: text, as written (YAML's own typing is not applied).</summary>
/// <param name="Line">The line of its first character (of the indicator for a block scalar).</param>
/// <param name="Value">The text.</param>
/// <param name="Style">How it was written: plain, quoted, literal (<c>|</c>) or folded (<c>&gt;</c>).</param>
internal sealed record YamlTreeScalar(int Line, string Value, ScalarStyle Style) : YamlTreeNode(Line)
{
    /// <inheritdoc/>
    public override string Kind => IsNull ? "nothing" : $"the text '{Value}'";

    /// <summary>Whether it is YAML's null: an unquoted empty value, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}
