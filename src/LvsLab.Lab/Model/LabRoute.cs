using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>A static route in a node's table.</summary>
/// <param name="Destination">Where it leads; <c>0.0.0.0/0</c> is the default route.</param>
/// <param name="Via">The next hop: always the address of another lab node.</param>
public sealed record LabRoute(IPNetwork Destination, IPAddress Via)
{
    /// <summary>A default route through <paramref name="via"/>.</summary>
    /// <param name="via">The next hop.</param>
    /// <returns>The route.</returns>
    public static LabRoute Default(IPAddress via) => new(new IPNetwork(IPAddress.Any, 0), via);

    /// <summary>Whether this is the default route.</summary>
    public bool IsDefault => Destination.PrefixLength == 0;

    /// <summary>The destination as <c>ip route</c> writes it.</summary>
    public string DestinationText => IsDefault ? "default" : Destination.ToString();
}
