using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>
/// Identifies a persistence template (IPVS's connection template): one per persistent service
/// and client network, the client's address under the service's netmask (<c>-M</c>).
/// </summary>
/// <param name="ServiceIndex">Index of the persistent service.</param>
/// <param name="Client">The client's address under the persistence netmask.</param>
public readonly record struct PersistenceKey(int ServiceIndex, IpAddress Client)
{
    /// <summary>Compares both fields.</summary>
    /// <param name="other">The other key.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(PersistenceKey other) => ServiceIndex == other.ServiceIndex && Client.Equals(other.Client);

    /// <summary>A hash of both fields; allocates nothing.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(ServiceIndex, Client.Low, Client.High);
}
