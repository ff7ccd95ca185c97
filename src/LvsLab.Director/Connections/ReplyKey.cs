using System.Runtime.InteropServices;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Connections;

/// <summary>
/// Identifies the reply direction of a masqueraded (NAT) connection, as its packets arrive from
/// the real server: from RIP:RPORT to CIP:CPORT.
/// </summary>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="RealServerAddress">The real server's IP (RIP), the packets' source.</param>
/// <param name="RealServerPort">The real server's port (RPORT), the packets' source port.</param>
/// <param name="ClientAddress">The client's IP (CIP), the packets' destination.</param>
/// <param name="ClientPort">The client's port, the packets' destination port.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct ReplyKey(
    ServiceProtocol Protocol,
    IpAddress RealServerAddress,
    ushort RealServerPort,
    IpAddress ClientAddress,
    ushort ClientPort)
{
    /// <summary>The reply-side key of a connection masqueraded to <paramref name="realServerAddress"/>:<paramref name="realServerPort"/>.</summary>
    /// <param name="key">The client-side key.</param>
    /// <param name="realServerAddress">The real server's IP.</param>
    /// <param name="realServerPort">The real server's port.</param>
    /// <returns>The reply-side key.</returns>
    public static ReplyKey For(in ConnectionKey key, IpAddress realServerAddress, ushort realServerPort) =>
        new(key.Protocol, realServerAddress, realServerPort, key.ClientAddress, key.ClientPort);

    /// <summary>Compares all five fields.</summary>
    /// <param name="other">The other key.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(ReplyKey other) =>
        RealServerAddress.Equals(other.RealServerAddress)
        && ClientAddress.Equals(other.ClientAddress)
        && RealServerPort == other.RealServerPort
        && ClientPort == other.ClientPort
        && Protocol == other.Protocol;

    /// <summary>A hash of all five fields; allocates nothing.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(RealServerAddress.Low, RealServerAddress.High, ((uint)RealServerPort << 16) | ClientPort, ClientAddress.Low, ClientAddress.High, (byte)Protocol);
}
