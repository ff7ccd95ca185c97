namespace LvsLab.Director.Rules;

/// <summary>The transport protocol of a virtual service.</summary>
public enum ServiceProtocol : byte
{
    /// <summary>TCP (<c>-t</c>, <c>--tcp-service</c>).</summary>
    Tcp = 6,

    /// <summary>UDP (<c>-u</c>, <c>--udp-service</c>).</summary>
    Udp = 17,
}
