using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.PacketGen;

/// <summary>
/// An IPv4 network written <c>ADDR/PREFIX</c> (prefix 8 to 30) whose host addresses the SYN mode
/// forges as sources: drawn uniformly, never the network or the broadcast address. Addresses are
/// 32-bit values in host order (<c>10.0.0.1</c> is <c>0x0A000001</c>).
/// </summary>
internal readonly record struct SourceRange
{
    /// <summary>The shortest prefix accepted (a /8: 16,777,214 hosts).</summary>
    public const int ShortestPrefix = 8;

    /// <summary>The longest prefix accepted (a /30: two hosts).</summary>
    public const int LongestPrefix = 30;

    private SourceRange(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address (host bits zero).</summary>
    public uint Network { get; }

    /// <summary>The prefix length.</summary>
    public int PrefixLength { get; }

    /// <summary>The network mask.</summary>
    public uint Mask => MaskOf(PrefixLength);

    /// <summary>The broadcast address (host bits one).</summary>
    public uint Broadcast => Network | ~Mask;

    /// <summary>Host addresses: all but the network and the broadcast address.</summary>
    public int HostCount => (int)(~Mask - 1);

    /// <summary>
    /// Reads <c>ADDR/PREFIX</c>; throws <see cref="ArgumentException"/> naming <paramref name="value"/>
    /// (<paramref name="option"/> first) when it is not an IPv4 network with a prefix of 8 to 30
    /// and no host bits set.
    /// </summary>
    public static SourceRange Parse(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !IPAddress.TryParse(value.AsSpan(0, slash), out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || value.AsSpan(0, slash).Count('.') != 3
            || !int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new ArgumentException($"{option} '{value}': an IPv4 network ADDR/PREFIX (e.g. 10.77.1.0/24)");
        }

        if (prefix is < ShortestPrefix or > LongestPrefix)
        {
            throw new ArgumentException($"{option} '{value}': the prefix length must be {ShortestPrefix} to {LongestPrefix}");
        }

        var bits = ToUInt32(address);
        var range = new SourceRange(bits & MaskOf(prefix), prefix);
        return bits == range.Network
            ? range
            : throw new ArgumentException($"{option} '{value}': host bits are set (the network is {range})");
    }

    /// <summary>The 32-bit value (host order) of an IPv4 address.</summary>
    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[4];
        return address.TryWriteBytes(bytes, out var written) && written == 4
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : throw new ArgumentException($"{address}: not an IPv4 address", nameof(address));
    }

    /// <summary>The IPv4 address of a 32-bit value (host order).</summary>
    public static IPAddress ToAddress(uint address)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes);
    }

    /// <summary><paramref name="address"/> is in this network (its network and broadcast address included).</summary>
    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>
    /// This whole network lies inside the network <paramref name="address"/>/<paramref name="prefixLength"/>
    /// (0 to 32): that prefix is no longer than this one and both agree on its bits.
    /// </summary>
    public bool IsInside(uint address, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        var mask = MaskOf(prefixLength);
        return prefixLength <= PrefixLength && (Network & mask) == (address & mask);
    }

    /// <summary>A host address drawn uniformly from <paramref name="random"/>: neither the network nor the broadcast address.</summary>
    public uint Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Network + 1 + (uint)random.Next(HostCount);
    }

    /// <summary><c>ADDR/PREFIX</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ToAddress(Network)}/{PrefixLength}");

    private static uint MaskOf(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
}
