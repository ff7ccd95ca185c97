namespace LvsLab.Testing.Expectations;

/// <summary>
/// Where a field lies in one frame: <paramref name="Length"/> bytes from <paramref name="Offset"/>;
/// of the first byte only the bits in <paramref name="FirstByteBits"/> belong to the field (a
/// flag, a 4-bit length, a 13-bit fragment offset); the other bytes belong to it whole.
/// </summary>
/// <param name="Offset">Offset of the field's first byte in the frame.</param>
/// <param name="Length">Bytes the field covers (0 for an empty field, e.g. absent options).</param>
/// <param name="FirstByteBits">The bits of the first byte that are the field's.</param>
public readonly record struct FieldLocation(int Offset, int Length, byte FirstByteBits = 0xFF)
{
    /// <summary>The offset after the field's last byte.</summary>
    public int End => Offset + Length;

    /// <summary>The field's bits of the byte at <paramref name="offset"/> (0 outside the field).</summary>
    /// <param name="offset">An offset in the frame.</param>
    /// <returns>A bit mask.</returns>
    public byte BitsAt(int offset) =>
        offset < Offset || offset >= End ? (byte)0 : offset == Offset ? FirstByteBits : (byte)0xFF;
}
