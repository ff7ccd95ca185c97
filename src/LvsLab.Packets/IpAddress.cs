using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LvsLab.Packets;

/// <summary>
/// An IPv4 or IPv6 address in one 128-bit value, as IPVS holds every address of a rule or a
/// connection (<c>union nf_inet_addr</c>): an IPv4 address is kept as its IPv4-mapped form
/// <c>::ffff:a.b.c.d</c> (RFC 4291 §2.5.5.2), so one table and one key type serve both
/// families and comparing or hashing allocates nothing. The mapped range is therefore IPv4 here:
/// an IPv6 packet never carries such an address on the wire (RFC 4291 says it must not), and
/// the rule parsers refuse it as an IPv6 address.
/// </summary>
public readonly struct IpAddress : IEquatable<IpAddress>, IComparable<IpAddress>, IUtf8SpanFormattable
{
    private const ulong MappedLowPrefix = 0xFFFF_0000_0000UL;

    private readonly ulong _high;
    private readonly ulong _low;

    private IpAddress(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>True for an IPv4 address.</summary>
    public bool IsIpv4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _high == 0 && (_low >> 32) == 0xFFFF;
    }

    /// <summary>True for an IPv6 address.</summary>
    public bool IsIpv6 => !IsIpv4;

    /// <summary>The IPv4 address; the low 32 bits for an IPv6 address (check <see cref="IsIpv4"/> first).</summary>
    public Ipv4Address Ipv4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new((uint)_low);
    }

    /// <summary>The 128 bits as an IPv6 address (an IPv4 address as its mapped form).</summary>
    public Ipv6Address Ipv6 => new(_high, _low);

    /// <summary>The first 64 bits.</summary>
    public ulong High => _high;

    /// <summary>The last 64 bits.</summary>
    public ulong Low => _low;

    /// <summary>The address of an IPv4 address.</summary>
    /// <param name="address">The IPv4 address.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator IpAddress(Ipv4Address address) => new(0, MappedLowPrefix | address.Value);

    /// <summary>The address of an IPv6 address (an IPv4-mapped one is IPv4).</summary>
    /// <param name="address">The IPv6 address.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator IpAddress(Ipv6Address address) => new(address.High, address.Low);

    /// <summary>Equal when all 128 bits are.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when equal.</returns>
    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);

    /// <summary>Not equal when any bit differs.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when not equal.</returns>
    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);

    /// <summary>Numeric order (every IPv4 address sorts among the mapped range, in its own order).</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower.</returns>
    public static bool operator <(IpAddress left, IpAddress right) => left.CompareTo(right) < 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher.</returns>
    public static bool operator >(IpAddress left, IpAddress right) => left.CompareTo(right) > 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is lower or equal.</returns>
    public static bool operator <=(IpAddress left, IpAddress right) => left.CompareTo(right) <= 0;

    /// <summary>Numeric order.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>True when left is higher or equal.</returns>
    public static bool operator >=(IpAddress left, IpAddress right) => left.CompareTo(right) >= 0;

    /// <summary>Parses dotted-decimal IPv4 or RFC 4291 IPv6 text (an IPv4-mapped IPv6 text is IPv4).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">Neither an IPv4 nor an IPv6 address.</exception>
    public static IpAddress Parse(string text) =>
        TryParse(text, out IpAddress address) ? address : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address");

    /// <summary>Parses dotted-decimal IPv4 or RFC 4291 IPv6 text without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>False when the text is neither.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpAddress address)
    {
        address = default;
        return text is not null && TryParse(text.AsSpan(), out address);
    }

    /// <summary>Parses dotted-decimal IPv4 or RFC 4291 IPv6 text without throwing or allocating.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address when the result is true.</param>
    /// <returns>False when the text is neither.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address)
    {
        if (text.Contains(':'))
        {
            bool parsed = Ipv6Address.TryParse(text, out Ipv6Address v6);
            address = v6;
            return parsed;
        }

        bool v4Parsed = Ipv4Address.TryParse(text, out Ipv4Address v4);
        address = v4;
        return v4Parsed;
    }

    /// <summary>
    /// The address with only its first <paramref name="prefixLength"/> bits of its own family
    /// kept (an IPv4 address's prefix counts from its first IPv4 bit): a client's network for
    /// persistence.
    /// </summary>
    /// <param name="prefixLength">0..32 for IPv4, 0..128 for IPv6.</param>
    /// <returns>The network address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside the family's range.</exception>
    public IpAddress Network(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        if (IsIpv4)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
            return prefixLength == 0 ? (IpAddress)Ipv4Address.Any : (IpAddress)new Ipv4Address(Ipv4.Value & (uint.MaxValue << (32 - prefixLength)));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 128);
        ulong highMask = prefixLength == 0 ? 0 : prefixLength >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - prefixLength);
        ulong lowMask = prefixLength <= 64 ? 0 : ulong.MaxValue << (128 - prefixLength);
        return new IpAddress(_high & highMask, _low & lowMask);
    }

    /// <summary>Bitwise AND of the 128 bits (a persistence mask made by <see cref="PersistenceMask"/>).</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The masked address.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IpAddress And(IpAddress mask) => new(_high & mask._high, _low & mask._low);

    /// <summary>
    /// A mask for <see cref="And"/> that keeps an IPv4 address's family bits and ANDs its 32 bits
    /// with <paramref name="ipv4Mask"/>, or keeps an IPv6 address's first <paramref name="ipv6PrefixLength"/> bits.
    /// </summary>
    /// <param name="ipv4Mask">The IPv4 netmask (any bits, as ipvsadm's <c>-M</c>).</param>
    /// <param name="ipv6PrefixLength">0..128.</param>
    /// <param name="ipv6">True for the IPv6 mask.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is outside 0..128.</exception>
    public static IpAddress PersistenceMask(Ipv4Address ipv4Mask, int ipv6PrefixLength, bool ipv6)
    {
        if (!ipv6)
        {
            return new IpAddress(ulong.MaxValue, 0xFFFF_FFFF_0000_0000UL | ipv4Mask.Value);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ipv6PrefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ipv6PrefixLength, 128);
        ulong highMask = ipv6PrefixLength == 0 ? 0 : ipv6PrefixLength >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - ipv6PrefixLength);
        ulong lowMask = ipv6PrefixLength <= 64 ? 0 : ulong.MaxValue << (128 - ipv6PrefixLength);
        return new IpAddress(highMask, lowMask);
    }

    /// <summary>A 32-bit digest of the address for hash schedulers: an IPv4 address's own value, an IPv6 address's four words folded by XOR (as IPVS's hash schedulers fold an IPv6 address).</summary>
    /// <returns>The digest.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Fold32() => IsIpv4 ? (uint)_low : (uint)(_high >> 32) ^ (uint)_high ^ (uint)(_low >> 32) ^ (uint)_low;

    /// <summary>Compares all 128 bits.</summary>
    /// <param name="other">The other address.</param>
    /// <returns>True when equal.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(IpAddress other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);

    /// <summary>A hash of the 128 bits; allocates nothing.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Orders addresses numerically as 128-bit values.</summary>
    /// <param name="other">The other address.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(IpAddress other) =>
        _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

    /// <summary>Dotted decimal for IPv4, RFC 5952 text for IPv6.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsIpv4 ? Ipv4.ToString() : Ipv6.ToString();

    /// <summary>
    /// The address with a port as ipvsadm writes it: <c>10.0.0.1:80</c>, <c>[2001:db8::1]:80</c>.
    /// </summary>
    /// <param name="port">The port.</param>
    /// <returns>The text.</returns>
    public string ToString(ushort port) => IsIpv4 ? $"{Ipv4}:{port}" : $"[{Ipv6}]:{port}";

    /// <summary>Writes <see cref="ToString()"/>'s text as UTF-8 without allocating.</summary>
    /// <param name="utf8Destination">Where the text goes.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <param name="format">Ignored: there is one format.</param>
    /// <param name="provider">Ignored: the text is invariant.</param>
    /// <returns>False when the destination is too short.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        IsIpv4
            ? Ipv4.TryFormat(utf8Destination, out bytesWritten, format, provider)
            : Ipv6.TryFormat(utf8Destination, out bytesWritten, format, provider);
}
