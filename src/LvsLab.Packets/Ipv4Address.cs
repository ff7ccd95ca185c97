using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LvsLab.Packets;

/// <summary>
/// An IPv4 address held as a <see cref="uint"/> whose most significant byte is the first
/// octet on the wire (so 10.0.0.1 is 0x0A000001, whatever the host's byte order).
/// </summary>
public readonly record struct Ipv4Address : IComparable<Ipv4Address>, IUtf8SpanFormattable
{
    /// <summary>The number of bytes of an IPv4 address on the wire.</summary>
    public const int Length = 4;

    private readonly uint _value;

    /// <summary>Creates an address from its value (first wire octet most significant).</summary>
    /// <param name="value">The value, e.g. 0x0A000001 for 10.0.0.1.</param>
    public Ipv4Address(uint value) => _value = value;

    /// <summary>Creates an address from its four octets in wire order.</summary>
    /// <param name="a">First octet.</param>
    /// <param name="b">Second octet.</param>
    /// <param name="c">Third octet.</param>
    /// <param name="d">Fourth octet.</param>
    public Ipv4Address(byte a, byte b, byte c, byte d) => _value = ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    /// <summary>0.0.0.0.</summary>
    public static Ipv4Address Any { get; }

    /// <summary>255.255.255.255.</summary>
    public static Ipv4Address Broadcast { get; } = new(uint.MaxValue);

    /// <summary>The value, first wire octet most significant.</summary>
    public uint Value => _value;

    /// <summary>Reads an address from the first four bytes of <paramref name="source"/> (big-endian).</summary>
    /// <param name="source">At least four bytes.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than four bytes.</exception>
    public static Ipv4Address ReadFrom(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    /// <summary>Writes the address into the first four bytes of <paramref name="destination"/> (big-endian).</summary>
    /// <param name="destination">At least four bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than four bytes.</exception>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, _value);

    /// <summary>True when this address lies in <paramref name="network"/>/<paramref name="prefixLength"/>.</summary>
    /// <param name="network">The network address (host bits are ignored).</param>
    /// <param name="prefixLength">0 to 32.</param>
    /// <returns>True when the first <paramref name="prefixLength"/> bits match.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..32.</exception>
    public bool IsInSubnet(Ipv4Address network, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        uint mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        return (_value & mask) == (network._value & mask);
    }

    /// <summary>Parses dotted-decimal notation, e.g. <c>10.0.0.1</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not an IPv4 address.</exception>
    public static Ipv4Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out Ipv4Address address)
            ? address
            : throw new FormatException($"'{text}' is not an IPv4 address (expected a.b.c.d).");
    }

    /// <summary>Tries to parse dotted-decimal notation.</summary>
    /// <param name="text">The text, or null.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is an IPv4 address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Address address)
    {
        if (text is null)
        {
            address = default;
            return false;
        }

        return TryParse(text.AsSpan(), out address);
    }

    /// <summary>
    /// Tries to parse strict dotted-decimal notation: four decimal octets 0..255, at most three
    /// digits each, no signs, spaces or other forms.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is an IPv4 address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = default;
        uint value = 0;
        int octets = 0;
        int at = 0;
        while (true)
        {
            int digits = 0;
            int octet = 0;
            while (at < text.Length && text[at] is >= '0' and <= '9')
            {
                octet = (octet * 10) + (text[at] - '0');
                digits++;
                at++;
                if (digits > 3)
                {
                    return false;
                }
            }

            if (digits == 0 || octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            octets++;
            if (octets == 4)
            {
                break;
            }

            if (at >= text.Length || text[at] != '.')
            {
                return false;
            }

            at++;
        }

        if (at != text.Length)
        {
            return false;
        }

        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>Formats as dotted decimal, e.g. <c>10.0.0.1</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{_value >> 24}.{(_value >> 16) & 0xFF}.{(_value >> 8) & 0xFF}.{_value & 0xFF}";

    /// <summary>Writes the dotted decimal as UTF-8 without allocating (a listing of a million addresses makes no garbage).</summary>
    /// <param name="utf8Destination">Where the text goes.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <param name="format">Ignored: there is one format.</param>
    /// <param name="provider">Ignored: the digits are invariant.</param>
    /// <returns>False when the destination is too short.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        // Octet by octet: no generic formatting, so not even unoptimised code boxes a number.
        bytesWritten = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            if (shift != 24)
            {
                if (bytesWritten == utf8Destination.Length)
                {
                    bytesWritten = 0;
                    return false;
                }

                utf8Destination[bytesWritten++] = (byte)'.';
            }

            if (!((_value >> shift) & 0xFF).TryFormat(utf8Destination[bytesWritten..], out int octet, default, CultureInfo.InvariantCulture))
            {
                bytesWritten = 0;
                return false;
            }

            bytesWritten += octet;
        }

        return true;
    }

    /// <summary>Orders addresses numerically.</summary>
    /// <param name="other">The other address.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(Ipv4Address other) => _value.CompareTo(other._value);

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower.</returns>
    public static bool operator <(Ipv4Address left, Ipv4Address right) => left._value < right._value;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher.</returns>
    public static bool operator >(Ipv4Address left, Ipv4Address right) => left._value > right._value;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower or equal.</returns>
    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left._value <= right._value;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher or equal.</returns>
    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left._value >= right._value;
}
