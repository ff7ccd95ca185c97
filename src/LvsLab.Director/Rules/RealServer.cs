using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>A real server of a virtual service (one <c>-a</c> line).</summary>
public sealed record RealServer
{
    /// <summary>The highest weight ipvsadm accepts.</summary>
    public const int MaxWeight = 65535;

    /// <summary>Creates a real server.</summary>
    /// <param name="address">The real server's IP (RIP).</param>
    /// <param name="port">The real server's port.</param>
    /// <param name="forwardingMethod">How packets reach it.</param>
    /// <param name="weight">0 to 65535; 0 means it takes no new connections.</param>
    /// <exception cref="ArgumentOutOfRangeException">The weight is outside 0..65535.</exception>
    public RealServer(Ipv4Address address, ushort port, ForwardingMethod forwardingMethod, int weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, MaxWeight);
        Address = address;
        Port = port;
        ForwardingMethod = forwardingMethod;
        Weight = weight;
    }

    /// <summary>The real server's IP (RIP).</summary>
    public Ipv4Address Address { get; }

    /// <summary>The real server's port.</summary>
    public ushort Port { get; }

    /// <summary>How packets reach it.</summary>
    public ForwardingMethod ForwardingMethod { get; }

    /// <summary>Scheduling weight, 0 to 65535.</summary>
    public int Weight { get; }
}
