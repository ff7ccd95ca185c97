using System.Runtime.InteropServices;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>Identifies a connection from a client to a virtual service.</summary>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="ClientAddress">The client's IP (CIP).</param>
/// <param name="ClientPort">The client's port.</param>
/// <param name="VirtualAddress">The virtual IP (VIP).</param>
/// <param name="VirtualPort">The virtual port.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct ConnectionKey(
    ServiceProtocol Protocol,
    IpAddress ClientAddress,
    ushort ClientPort,
    IpAddress VirtualAddress,
    ushort VirtualPort)
{
    /// <summary>Compares all five fields.</summary>
    /// <param name="other">The other key.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(ConnectionKey other) =>
        ClientAddress.Equals(other.ClientAddress)
        && ClientPort == other.ClientPort
        && VirtualAddress.Equals(other.VirtualAddress)
        && VirtualPort == other.VirtualPort
        && Protocol == other.Protocol;

    /// <summary>A hash of all five fields; allocates nothing.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(ClientAddress.Low, ClientAddress.High, ((uint)ClientPort << 16) | VirtualPort, VirtualAddress.Low, VirtualAddress.High, (byte)Protocol);
}
