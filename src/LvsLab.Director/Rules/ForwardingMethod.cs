namespace LvsLab.Director.Rules;

/// <summary>How packets reach a real server (IPVS packet-forwarding methods).</summary>
public enum ForwardingMethod
{
    /// <summary>Direct routing: only the destination MAC changes (<c>-g</c>, <c>--gatewaying</c>).</summary>
    DirectRouting,

    /// <summary>NAT: destination address and port are rewritten (<c>-m</c>, <c>--masquerading</c>).</summary>
    Masquerading,

    /// <summary>IP-in-IP tunnelling (<c>-i</c>, <c>--ipip</c>).</summary>
    Tunnel,
}
