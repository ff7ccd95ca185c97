using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.Packets;

/// <summary>
/// An IPv6 address (RFC 4291) held as two <see cref="ulong"/>s: <see cref="High"/> holds the
/// first eight bytes on the wire and <see cref="Low"/> the last eight, each with its first wire
/// byte most significant (so 2001:db8::1 is High 0x20010DB800000000, Low 1, whatever the host's
/// byte order). Comparing and hashing allocate nothing.
/// </summary>
public readonly record struct Ipv6Address : IComparable<Ipv6Address>, IUtf8SpanFormattable
{
    /// <summary>The number of bytes of an IPv6 address on the wire.</summary>
    public const int Length = 16;

    // The longest text: eight groups of four digits and seven colons, or six groups, colons and
    // a dotted IPv4 address (0000:0000:0000:0000:0000:ffff:255.255.255.255 has 45 characters).
    private const int MaxTextLength = 45;

    private readonly ulong _high;
    private readonly ulong _low;

    /// <summary>Creates an address from its two halves (first wire byte most significant in each).</summary>
    /// <param name="high">The first eight bytes on the wire.</param>
    /// <param name="low">The last eight bytes on the wire.</param>
    public Ipv6Address(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>The unspecified address <c>::</c>.</summary>
    public static Ipv6Address Any { get; }

    /// <summary>The loopback address <c>::1</c>.</summary>
    public static Ipv6Address Loopback { get; } = new(0, 1);

    /// <summary>The link-local all-nodes multicast address <c>ff02::1</c> (RFC 4291 §2.7.1).</summary>
    public static Ipv6Address AllNodes { get; } = new(0xFF02_0000_0000_0000UL, 1);

    /// <summary>The link-local all-routers multicast address <c>ff02::2</c> (RFC 4291 §2.7.1).</summary>
    public static Ipv6Address AllRouters { get; } = new(0xFF02_0000_0000_0000UL, 2);

    /// <summary>The first eight bytes on the wire, first byte most significant.</summary>
    public ulong High => _high;

    /// <summary>The last eight bytes on the wire, first byte most significant.</summary>
    public ulong Low => _low;

    /// <summary>True for the unspecified address <c>::</c>.</summary>
    public bool IsUnspecified => (_high | _low) == 0;

    /// <summary>True for the loopback address <c>::1</c>.</summary>
    public bool IsLoopback => _high == 0 && _low == 1;

    /// <summary>True for a multicast address, ff00::/8 (RFC 4291 §2.7).</summary>
    public bool IsMulticast => (_high >> 56) == 0xFF;

    /// <summary>True for a link-local unicast address, fe80::/10 (RFC 4291 §2.5.6).</summary>
    public bool IsLinkLocal => (_high >> 54) == (0xFE80UL >> 6);

    /// <summary>True for a unique local address, fc00::/7 (RFC 4193).</summary>
    public bool IsUniqueLocal => (_high >> 57) == (0xFCUL >> 1);

    /// <summary>True for an IPv4-mapped address, ::ffff:0:0/96 (RFC 4291 §2.5.5.2).</summary>
    public bool IsIpv4Mapped => _high == 0 && (_low >> 32) == 0xFFFF;

    /// <summary>
    /// The solicited-node multicast address of this address, ff02::1:ff00:0/104 with the low 24
    /// bits of this address (RFC 4291 §2.7.1): where a neighbour solicitation for it is sent.
    /// </summary>
    public Ipv6Address SolicitedNodeMulticast => new(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL | (_low & 0xFF_FFFF));

    /// <summary>
    /// The Ethernet multicast MAC address of this (multicast) address: 33:33 followed by its low
    /// 32 bits (RFC 2464 §7). Meaningful for multicast addresses only.
    /// </summary>
    public MacAddress MulticastMacAddress => new(0x3333_0000_0000UL | (_low & 0xFFFF_FFFFUL));

    /// <summary>Reads an address from the first sixteen bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least sixteen bytes.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than sixteen bytes.</exception>
    public static Ipv6Address ReadFrom(ReadOnlySpan<byte> source)
    {
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(source[8..]);
        return new Ipv6Address(BinaryPrimitives.ReadUInt64BigEndian(source), low);
    }

    /// <summary>Writes the address into the first sixteen bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least sixteen bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The span is shorter than sixteen bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
    }

    /// <summary>The IPv4-mapped address ::ffff:a.b.c.d of an IPv4 address (RFC 4291 §2.5.5.2).</summary>
    /// <param name="address">The IPv4 address.</param>
    /// <returns>The mapped address.</returns>
    public static Ipv6Address MapFrom(Ipv4Address address) => new(0, 0xFFFF_0000_0000UL | address.Value);

    /// <summary>True when this address lies in <paramref name="network"/>/<paramref name="prefixLength"/>.</summary>
    /// <param name="network">The network address (host bits are ignored).</param>
    /// <param name="prefixLength">0 to 128.</param>
    /// <returns>True when the first <paramref name="prefixLength"/> bits match.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..128.</exception>
    public bool IsInSubnet(Ipv6Address network, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 128);
        ulong highMask = prefixLength == 0 ? 0 : prefixLength >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - prefixLength);
        ulong lowMask = prefixLength <= 64 ? 0 : ulong.MaxValue << (128 - prefixLength);
        return ((_high ^ network._high) & highMask) == 0 && ((_low ^ network._low) & lowMask) == 0;
    }

    /// <summary>Converts from <see cref="IPAddress"/>, for configuration code.</summary>
    /// <param name="address">An IPv6 address (its scope id is dropped).</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentException">The address is not IPv6.</exception>
    public static Ipv6Address FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"'{address}' is not an IPv6 address.", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[Length];
        _ = address.TryWriteBytes(bytes, out _);
        return ReadFrom(bytes);
    }

    /// <summary>Converts to <see cref="IPAddress"/>, for configuration code (allocates).</summary>
    /// <returns>The address.</returns>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>Parses the text form of RFC 4291 §2.2, e.g. <c>fd00::100</c> or <c>::ffff:10.0.0.1</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not an IPv6 address.</exception>
    public static Ipv6Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out Ipv6Address address)
            ? address
            : throw new FormatException($"'{text}' is not an IPv6 address (expected the form of RFC 4291, e.g. fd00::1).");
    }

    /// <summary>Tries to parse the text form of RFC 4291 §2.2.</summary>
    /// <param name="text">The text, or null.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is an IPv6 address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv6Address address)
    {
        if (text is null)
        {
            address = default;
            return false;
        }

        return TryParse(text.AsSpan(), out address);
    }

    /// <summary>
    /// Tries to parse the text form of RFC 4291 §2.2: eight groups of one to four hexadecimal
    /// digits separated by colons, one <c>::</c> at most standing for one or more groups of
    /// zeros, and optionally a dotted IPv4 address as the last 32 bits. No brackets, zone
    /// (<c>%eth0</c>), prefix length or spaces.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>True when the text is an IPv6 address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv6Address address)
    {
        address = default;
        if (text.Length is < 2 or > MaxTextLength)
        {
            return false;
        }

        Span<ushort> words = stackalloc ushort[8];
        int count = 0;
        int gap = -1;
        int at = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':')
            {
                return false;
            }

            gap = 0;
            at = 2;
        }

        while (at < text.Length)
        {
            int end = text[at..].IndexOf(':');
            end = end < 0 ? text.Length : at + end;
            ReadOnlySpan<char> token = text[at..end];
            if (token.Contains('.'))
            {
                // The dotted IPv4 tail: last, and with room for its two groups.
                if (end != text.Length || count > 6 || !Ipv4Address.TryParse(token, out Ipv4Address v4))
                {
                    return false;
                }

                words[count++] = (ushort)(v4.Value >> 16);
                words[count++] = (ushort)v4.Value;
                at = end;
                break;
            }

            if (token.Length is 0 or > 4 || count == 8)
            {
                return false;
            }

            int word = 0;
            foreach (char c in token)
            {
                int digit = HexValue(c);
                if (digit < 0)
                {
                    return false;
                }

                word = (word << 4) | digit;
            }

            words[count++] = (ushort)word;
            at = end;
            if (at == text.Length)
            {
                break;
            }

            // At a colon: a second one makes the gap.
            at++;
            if (at < text.Length && text[at] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                at++;
            }
            else if (at == text.Length)
            {
                return false;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        Span<ushort> expanded = stackalloc ushort[8];
        expanded.Clear();
        int tail = gap < 0 ? 0 : count - gap;
        words[..(count - tail)].CopyTo(expanded);
        words[(count - tail)..count].CopyTo(expanded[(8 - tail)..]);
        ulong high = 0;
        ulong low = 0;
        for (int i = 0; i < 4; i++)
        {
            high = (high << 16) | expanded[i];
            low = (low << 16) | expanded[i + 4];
        }

        address = new Ipv6Address(high, low);
        return true;
    }

    /// <summary>
    /// Formats the canonical text of RFC 5952: lower-case hexadecimal without leading zeros, the
    /// longest run of two or more zero groups (the leftmost of equal runs) as <c>::</c>, and an
    /// IPv4-mapped address as <c>::ffff:a.b.c.d</c> (§5).
    /// </summary>
    /// <returns>For example <c>2001:db8::1</c>.</returns>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[MaxTextLength];
        int length = Format(chars);
        return new string(chars[..length]);
    }

    /// <summary>Writes the RFC 5952 text as UTF-8 without allocating (a listing of a million addresses makes no garbage).</summary>
    /// <param name="utf8Destination">Where the text goes.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <param name="format">Ignored: there is one format.</param>
    /// <param name="provider">Ignored: the text is invariant.</param>
    /// <returns>False when the destination is too short.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        Span<char> chars = stackalloc char[MaxTextLength];
        int length = Format(chars);
        if (length > utf8Destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            utf8Destination[i] = (byte)chars[i];
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>Orders addresses numerically (as their 128-bit values).</summary>
    /// <param name="other">The other address.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(Ipv6Address other) =>
        _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower.</returns>
    public static bool operator <(Ipv6Address left, Ipv6Address right) => left.CompareTo(right) < 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher.</returns>
    public static bool operator >(Ipv6Address left, Ipv6Address right) => left.CompareTo(right) > 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower or equal.</returns>
    public static bool operator <=(Ipv6Address left, Ipv6Address right) => left.CompareTo(right) <= 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher or equal.</returns>
    public static bool operator >=(Ipv6Address left, Ipv6Address right) => left.CompareTo(right) >= 0;

    private ushort Word(int index) => (ushort)((index < 4 ? _high : _low) >> (48 - (16 * (index & 3))));

    private int Format(Span<char> chars)
    {
        const string Digits = "0123456789abcdef";
        int at = 0;
        if (IsIpv4Mapped)
        {
            "::ffff:".CopyTo(chars);
            at = 7;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                int octet = (int)(_low >> shift) & 0xFF;
                if (octet >= 100)
                {
                    chars[at++] = (char)('0' + (octet / 100));
                }

                if (octet >= 10)
                {
                    chars[at++] = (char)('0' + (octet / 10 % 10));
                }

                chars[at++] = (char)('0' + (octet % 10));
                if (shift != 0)
                {
                    chars[at++] = '.';
                }
            }

            return at;
        }

        // The longest run of at least two zero groups; the first of equal runs wins.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;)
        {
            if (Word(i) != 0)
            {
                i++;
                continue;
            }

            int start = i;
            while (i < 8 && Word(i) == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                chars[at++] = ':';
                chars[at++] = ':';
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                chars[at++] = ':';
            }

            ushort word = Word(i);
            bool leading = true;
            for (int shift = 12; shift >= 0; shift -= 4)
            {
                int digit = (word >> shift) & 0xF;
                if (leading && digit == 0 && shift != 0)
                {
                    continue;
                }

                leading = false;
                chars[at++] = Digits[digit];
            }
        }

        return at;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
