using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.Lab.Model;

/// <summary>Small IPv4 and IPv6 helpers for address plans.</summary>
public static class AddressMath
{
    /// <summary>The IPv6 range every lab IPv6 address lies in: <c>fd00::/8</c>, the locally assigned unique-local addresses.</summary>
    public static IPNetwork UniqueLocal { get; } = IPNetwork.Parse("fd00::/8");

    /// <summary>The address <paramref name="offset"/> after <paramref name="address"/>.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="offset">How far to move.</param>
    /// <returns>The new address, of the same family.</returns>
    public static IPAddress Offset(IPAddress address, int offset)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> wide = stackalloc byte[16];
            address.TryWriteBytes(wide, out _);
            var value128 = BinaryPrimitives.ReadUInt128BigEndian(wide) + (UInt128)(Int128)offset;
            BinaryPrimitives.WriteUInt128BigEndian(wide, value128);
            return new IPAddress(wide);
        }

        Span<byte> bytes = stackalloc byte[4];
        if (address.AddressFamily != AddressFamily.InterNetwork || !address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address", nameof(address));
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes) + (uint)offset;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    /// <summary>Whether <paramref name="address"/> is in one of RFC 1918's private ranges.</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <returns>True for 10/8, 172.16/12 and 192.168/16.</returns>
    public static bool IsPrivate(IPAddress address) =>
        IPNetwork.Parse("10.0.0.0/8").Contains(address)
        || IPNetwork.Parse("172.16.0.0/12").Contains(address)
        || IPNetwork.Parse("192.168.0.0/16").Contains(address);

    /// <summary>Whether <paramref name="address"/> is an IPv6 unique-local address of <see cref="UniqueLocal"/> (<c>fd00::/8</c>).</summary>
    /// <param name="address">An address of either family.</param>
    /// <returns>True for IPv6 addresses in <c>fd00::/8</c>; false for everything else (global, link-local, <c>fc00::/8</c>, IPv4).</returns>
    public static bool IsUniqueLocal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 && UniqueLocal.Contains(address);
    }

    /// <summary>Whether every address of <paramref name="subnet"/> is unique-local (<c>fd00::/8</c>).</summary>
    /// <param name="subnet">An IPv4 or IPv6 subnet.</param>
    /// <returns>True for IPv6 subnets inside <c>fd00::/8</c>.</returns>
    public static bool IsUniqueLocal(IPNetwork subnet) =>
        subnet.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && subnet.PrefixLength >= UniqueLocal.PrefixLength && UniqueLocal.Contains(subnet.BaseAddress);

    /// <summary>Whether two subnets share an address (always false across families).</summary>
    /// <param name="a">A subnet.</param>
    /// <param name="b">Another subnet.</param>
    /// <returns>True when one contains the other's base address.</returns>
    public static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);
}
