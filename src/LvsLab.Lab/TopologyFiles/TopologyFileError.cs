namespace LvsLab.Lab.TopologyFiles;

/// <summary>One problem in a topology file.</summary>
/// <param name="File">The file, as it was named to the loader (e.g. <c>lab/dr.lab.yml</c>).</param>
/// <param name="Line">The line (1-based) of the offending value, or of its key when the value is missing.</param>
/// <param name="Field">The field's path, e.g. <c>nodes.router.interfaces.lan</c>.</param>
/// <param name="Reason">What is wrong.</param>
public sealed record TopologyFileError(string File, int Line, string Field, string Reason)
{
    /// <summary>The problem as <c>FILE:LINE: FIELD: reason</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{File}:{Line}: {Field}: {Reason}";
}
