using System.Net;
using System.Net.Sockets;

namespace LvsLab.PacketGen;

/// <summary>
/// What keeps the SYN mode inside the lab: it forges source addresses, so it refuses
/// (<see cref="ArgumentException"/> naming the value) a destination outside the private ranges
/// (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) and a source range outside them or outside the
/// subnet of every one of this machine's interfaces (loopback aside). Pure: the interfaces are given.
/// </summary>
internal static class LabBoundary
{
    /// <summary>The private IPv4 ranges (RFC 1918).</summary>
    public const string PrivateRanges = "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";

    private static readonly (uint Network, int PrefixLength)[] Private =
    [
        (0x0A000000, 8),
        (0xAC100000, 12),
        (0xC0A80000, 16),
    ];

    /// <summary><paramref name="address"/> (host order) is in a private range.</summary>
    public static bool IsPrivate(uint address)
    {
        foreach (var (network, prefixLength) in Private)
        {
            if ((address & (uint.MaxValue << (32 - prefixLength))) == network)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The whole of <paramref name="sources"/> is in one private range.</summary>
    public static bool IsPrivate(SourceRange sources)
    {
        foreach (var (network, prefixLength) in Private)
        {
            if (sources.IsInside(network, prefixLength))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Refuses a destination that is not an IPv4 address in a private range.</summary>
    public static void RequirePrivateTarget(IPEndPoint to)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (to.AddressFamily != AddressFamily.InterNetwork || !IsPrivate(SourceRange.ToUInt32(to.Address)))
        {
            throw new ArgumentException($"--to '{to}': not a private address ({PrivateRanges}); the SYN mode sends only inside the lab");
        }
    }

    /// <summary>Refuses a source range that is not inside a private range.</summary>
    public static void RequirePrivateSources(SourceRange sources)
    {
        if (!IsPrivate(sources))
        {
            throw new ArgumentException($"--sources '{sources}': not inside a private range ({PrivateRanges}); the SYN mode forges only lab addresses");
        }
    }

    /// <summary>
    /// Refuses a source range that is not inside the IPv4 subnet of one of <paramref name="local"/>
    /// (this machine's interfaces; loopback, IPv6 and prefixes shorter than /8 count for nothing).
    /// </summary>
    public static void RequireOnLocalSubnet(SourceRange sources, IReadOnlyList<LocalSubnet> local)
    {
        ArgumentNullException.ThrowIfNull(local);
        foreach (var subnet in local)
        {
            if (IsUsable(subnet) && sources.IsInside(SourceRange.ToUInt32(subnet.Address), subnet.PrefixLength))
            {
                return;
            }
        }

        var known = string.Join(", ", local.Where(IsUsable));
        throw new ArgumentException($"--sources '{sources}': not inside the subnet of any of this machine's interfaces ({(known.Length == 0 ? "none with IPv4" : known)})");
    }

    /// <summary>
    /// Every check at once, as the sender makes them before it opens its socket:
    /// <see cref="RequirePrivateTarget"/>, <see cref="RequirePrivateSources"/> and <see cref="RequireOnLocalSubnet"/>.
    /// </summary>
    public static void RequireInsideLab(IPEndPoint to, SourceRange sources, IReadOnlyList<LocalSubnet> local)
    {
        RequirePrivateTarget(to);
        RequirePrivateSources(sources);
        RequireOnLocalSubnet(sources, local);
    }

    private static bool IsUsable(LocalSubnet subnet) =>
        subnet.Address is { AddressFamily: AddressFamily.InterNetwork } address
        && !IPAddress.IsLoopback(address)
        && subnet.PrefixLength is >= SourceRange.ShortestPrefix and <= 32;
}
