using System.Net;
using System.Net.Sockets;

namespace LvsLab.Lab.Model;

/// <summary>A static route in a node's table, IPv4 or IPv6 (destination and next hop of one family).</summary>
/// <param name="Destination">Where it leads; <c>0.0.0.0/0</c> (or <c>::/0</c>) is the default route.</param>
/// <param name="Via">The next hop: always the address of another lab node.</param>
public sealed record LabRoute(IPNetwork Destination, IPAddress Via)
{
    /// <summary>A default route through <paramref name="via"/>, of <paramref name="via"/>'s family.</summary>
    /// <param name="via">The next hop.</param>
    /// <returns>The route: <c>0.0.0.0/0</c>, or <c>::/0</c> for an IPv6 next hop.</returns>
    public static LabRoute Default(IPAddress via)
    {
        ArgumentNullException.ThrowIfNull(via);
        return new(new IPNetwork(via.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), via);
    }

    /// <summary>Whether this is the default route.</summary>
    public bool IsDefault => Destination.PrefixLength == 0;

    /// <summary>Whether this is an IPv6 route (<c>ip -6 route</c>).</summary>
    public bool IsIpv6 => Destination.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The destination as <c>ip route</c> writes it.</summary>
    public string DestinationText => IsDefault ? "default" : Destination.ToString();
}
