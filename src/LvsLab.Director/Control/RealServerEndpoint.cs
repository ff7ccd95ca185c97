using LvsLab.Packets;

namespace LvsLab.Director.Control;

/// <summary>A real server's address and port, the unit health checks probe.</summary>
/// <param name="Address">The real server's IP.</param>
/// <param name="Port">Its port.</param>
public readonly record struct RealServerEndpoint(IpAddress Address, ushort Port)
{
    /// <summary>The endpoint as <c>a.b.c.d:port</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Address.ToString(Port);
}
