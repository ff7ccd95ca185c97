using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace LvsLab.Packets;

/// <summary>
/// A 48-bit Ethernet (IEEE 802) MAC address, held in the low 48 bits of a <see cref="ulong"/>
/// with the first octet on the wire in the most significant position.
/// </summary>
public readonly record struct MacAddress
{
    /// <summary>The number of bytes of a MAC address on the wire.</summary>
    public const int Length = 6;

    private const ulong Mask = 0xFFFF_FFFF_FFFFUL;

    private readonly ulong _value;

    /// <summary>Creates an address from its 48-bit value (first wire octet most significant).</summary>
    /// <param name="value">The value; bits above 48 are ignored.</param>
    public MacAddress(ulong value) => _value = value & Mask;

    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast { get; } = new(Mask);

    /// <summary>The all-zero address 00:00:00:00:00:00.</summary>
    public static MacAddress Zero { get; }

    /// <summary>The 48-bit value, first wire octet most significant.</summary>
    public ulong Value => _value;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => _value == Mask;

    /// <summary>True when the group bit (least significant bit of the first octet) is set; includes broadcast.</summary>
    public bool IsMulticast => (_value & 0x0100_0000_0000UL) != 0;

    /// <summary>Reads an address from the first six bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least six bytes.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than six bytes.</exception>
    public static MacAddress ReadFrom(ReadOnlySpan<byte> source)
    {
        ulong high = BinaryPrimitives.ReadUInt16BigEndian(source);
        ulong low = BinaryPrimitives.ReadUInt32BigEndian(source[2..]);
        return new MacAddress((high << 32) | low);
    }

    /// <summary>Writes the address into the first six bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least six bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than six bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)_value);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
    }

    /// <summary>Parses the colon (or hyphen) separated hexadecimal form, e.g. <c>02:42:ac:11:00:02</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not a MAC address.</exception>
    public static MacAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out MacAddress address)
            ? address
            : throw new FormatException($"'{text}' is not a MAC address (expected six hex octets like 02:42:ac:11:00:02).");
    }

    /// <summary>Tries to parse the colon (or hyphen) separated hexadecimal form.</summary>
    /// <param name="text">The text, or null.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is a MAC address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out MacAddress address)
    {
        if (text is null)
        {
            address = default;
            return false;
        }

        return TryParse(text.AsSpan(), out address);
    }

    /// <summary>Tries to parse the colon (or hyphen) separated hexadecimal form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is a MAC address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress address)
    {
        address = default;
        if (text.Length != 17)
        {
            return false;
        }

        char separator = text[2];
        if (separator is not (':' or '-'))
        {
            return false;
        }

        ulong value = 0;
        for (int octet = 0; octet < Length; octet++)
        {
            int at = octet * 3;
            if (octet > 0 && text[at - 1] != separator)
            {
                return false;
            }

            int high = HexValue(text[at]);
            int low = HexValue(text[at + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            value = (value << 8) | (uint)((high << 4) | low);
        }

        address = new MacAddress(value);
        return true;
    }

    /// <summary>Formats as six lower-case hexadecimal octets separated by colons.</summary>
    /// <returns>For example <c>02:42:ac:11:00:02</c>.</returns>
    public override string ToString() => string.Create(17, _value, static (chars, value) =>
    {
        const string Digits = "0123456789abcdef";
        for (int octet = 0; octet < Length; octet++)
        {
            int b = (int)(value >> (40 - (octet * 8))) & 0xFF;
            int at = octet * 3;
            chars[at] = Digits[b >> 4];
            chars[at + 1] = Digits[b & 0xF];
            if (octet < Length - 1)
            {
                chars[at + 2] = ':';
            }
        }
    });

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
