namespace LvsLab.Testing.Flow;

/// <summary>
/// The words a flow uses for what differs between IPv4 and IPv6: the field a router lowers
/// (IPv4's TTL, IPv6's hop limit) and a tunnel, named by what it carries in what.
/// </summary>
internal static class FlowWords
{
    /// <summary>The name of the field every router lowers by one.</summary>
    /// <param name="ipv6">Whether the header is IPv6.</param>
    /// <returns><c>hop limit</c> for IPv6, <c>TTL</c> for IPv4.</returns>
    public static string TimeToLive(bool ipv6) => ipv6 ? "hop limit" : "TTL";

    /// <summary>A tunnel's name.</summary>
    /// <param name="outerIpv6">Whether the outer header is IPv6.</param>
    /// <param name="innerIpv6">Whether the packet inside is IPv6.</param>
    /// <returns><c>IP-in-IP</c> (IPv4 in IPv4), <c>IPv6-in-IPv6</c>, <c>IPv4-in-IPv6</c> or <c>IPv6-in-IPv4</c>.</returns>
    public static string Tunnel(bool outerIpv6, bool innerIpv6) => (outerIpv6, innerIpv6) switch
    {
        (false, false) => "IP-in-IP",
        (true, true) => "IPv6-in-IPv6",
        (true, false) => "IPv4-in-IPv6",
        (false, true) => "IPv6-in-IPv4",
    };
}
