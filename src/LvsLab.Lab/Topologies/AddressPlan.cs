using System.Net;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// Allocates each running lab its own private subnets, so several labs run side by side: lab
/// slot <c>s</c> owns <c>10.77.(2s).0/24</c> (the client side), <c>10.77.(2s+1).0/24</c>
/// (the servers' LAN) and <c>10.78.s.0/24</c> (servers behind a router). Docker's default pools (172.17/16…, 192.168/16) never overlap these.
/// In a dual-stack lab each subnet has its IPv6 /64 beside it, mapped by <see cref="Ipv6Plan"/>:
/// <c>10.77.X.0/24</c> ↔ <c>fd00:10:77:X::/64</c>, <c>10.78.s.0/24</c> ↔ <c>fd00:10:78:s::/64</c>.
/// </summary>
/// <param name="Slot">The lab's slot, 0 to <see cref="MaxSlot"/>.</param>
public sealed record AddressPlan(int Slot)
{
    /// <summary>The highest slot.</summary>
    public const int MaxSlot = 127;

    /// <summary>The client-side subnet.</summary>
    public IPNetwork Front => Subnet(2 * CheckedSlot);

    /// <summary>The servers' LAN subnet.</summary>
    public IPNetwork Lan => Subnet((2 * CheckedSlot) + 1);

    /// <summary>A third subnet, for servers only reachable through a router: <c>10.78.s.0/24</c>.</summary>
    public IPNetwork Far => new(new IPAddress([10, 78, (byte)CheckedSlot, 0]), 24);

    /// <summary>The client-side IPv6 subnet: <c>fd00:10:77:(2s)::/64</c> (<see cref="Ipv6Plan.MapSubnet"/> of <see cref="Front"/>).</summary>
    public IPNetwork Front6 => Ipv6Plan.MapSubnet(Front);

    /// <summary>The servers' LAN IPv6 subnet: <c>fd00:10:77:(2s+1)::/64</c>.</summary>
    public IPNetwork Lan6 => Ipv6Plan.MapSubnet(Lan);

    /// <summary>The far IPv6 subnet: <c>fd00:10:78:s::/64</c>.</summary>
    public IPNetwork Far6 => Ipv6Plan.MapSubnet(Far);

    /// <summary>Host <paramref name="host"/> of the far subnet.</summary>
    /// <param name="host">The last octet.</param>
    /// <returns>The address.</returns>
    public IPAddress FarHost(int host) => Host(Far, host);

    /// <summary>Host <paramref name="host"/> of the client-side subnet.</summary>
    /// <param name="host">The last octet.</param>
    /// <returns>The address.</returns>
    public IPAddress FrontHost(int host) => Host(Front, host);

    /// <summary>Host <paramref name="host"/> of the LAN subnet.</summary>
    /// <param name="host">The last octet.</param>
    /// <returns>The address.</returns>
    public IPAddress LanHost(int host) => Host(Lan, host);

    /// <summary>The slot whose subnets contain <paramref name="address"/>, if any.</summary>
    /// <param name="address">A lab address, IPv4 or its IPv6 mapping (<see cref="Ipv6Plan.Map"/>).</param>
    /// <returns>The slot, or null.</returns>
    public static int? SlotOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return Ipv6Plan.Unmap(address) is { } ipv4 ? SlotOf(ipv4) : null;
        }

        var b = address.GetAddressBytes();
        return b.Length == 4 && b[0] == 10 && b[1] == 77 ? b[2] / 2
            : b.Length == 4 && b[0] == 10 && b[1] == 78 && b[2] <= MaxSlot ? b[2]
            : null;
    }

    private int CheckedSlot => Slot is >= 0 and <= MaxSlot
        ? Slot
        : throw new ArgumentOutOfRangeException(nameof(Slot), Slot, $"a lab slot is 0..{MaxSlot}");

    private static IPNetwork Subnet(int third) => new(new IPAddress([10, 77, (byte)third, 0]), 24);

    private static IPAddress Host(IPNetwork net, int host)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(host, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(host, 254);
        return Model.AddressMath.Offset(net.BaseAddress, host);
    }
}
