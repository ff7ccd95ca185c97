namespace LvsLab.Testing.Expectations;

/// <summary>One byte where a seen frame differs from a template in bits the template cares about.</summary>
/// <param name="Offset">Offset in the frame.</param>
/// <param name="Expected">The template's byte.</param>
/// <param name="Seen">The seen frame's byte, or null when the frame ends before it.</param>
/// <param name="Mask">The bits of the byte the template cares about.</param>
/// <param name="Field">The field the differing bits belong to, or null when no named field covers them.</param>
public sealed record ByteDifference(int Offset, byte Expected, byte? Seen, byte Mask, PacketField? Field)
{
    /// <summary>The field's name, or <c>byte N</c> when no named field covers the byte.</summary>
    public string FieldName => Field?.Name ?? $"byte {Offset}";
}
