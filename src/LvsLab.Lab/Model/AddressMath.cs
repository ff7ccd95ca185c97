using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.Lab.Model;

/// <summary>Small IPv4 helpers for address plans.</summary>
public static class AddressMath
{
    /// <summary>The address <paramref name="offset"/> after <paramref name="address"/>.</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <param name="offset">How far to move.</param>
    /// <returns>The new address.</returns>
    public static IPAddress Offset(IPAddress address, int offset)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[4];
        if (address.AddressFamily != AddressFamily.InterNetwork || !address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address", nameof(address));
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
}
