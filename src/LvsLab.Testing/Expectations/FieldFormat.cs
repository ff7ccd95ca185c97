namespace LvsLab.Testing.Expectations;

/// <summary>How evidence shows a <see cref="PacketField"/>'s value.</summary>
public enum FieldFormat
{
    /// <summary>A MAC address, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    Mac,

    /// <summary>An IPv4 address, dotted.</summary>
    Address,

    /// <summary>An unsigned number, in decimal.</summary>
    Number,

    /// <summary>An unsigned number in hexadecimal, <c>0x1a2b</c> (checksums, EtherType).</summary>
    Hex,

    /// <summary>A run of bytes (headers, options, payload): its length and first bytes.</summary>
    Bytes,
}
