using System.Globalization;
using LvsLab.Director.Rules;
using LvsLab.Director.Translation;
using LvsLab.Packets;

namespace LvsLab.Nft;

/// <summary>
/// One DR service as nftables declarations and a chain for the <c>netdev</c> table of the
/// interface that holds its real servers: a packet of a known flow follows it; a new flow (TCP: a
/// bare SYN; UDP: any datagram) is scheduled and remembered; anything else for the service is
/// dropped, as IPVS drops packets without a connection. The frame leaves by the same interface
/// with the real server's MAC as destination and the forwarder's as source.
/// </summary>
internal static class NftDirectRouting
{
    /// <summary>The declarations (<c>map …</c> or <c>set …</c> lines) and then the chain (<c>chain NAME-forward { … }</c>).</summary>
    /// <param name="flows">The name of the service's flow map (<c>flows0</c>), its chain being <c>flows0-forward</c>.</param>
    /// <param name="family">The service's family.</param>
    /// <param name="service">The service.</param>
    /// <param name="port">The interface the real servers are on.</param>
    /// <param name="servers">The real servers (weight above 0, of the service's family).</param>
    /// <param name="macOf">Each real server's MAC.</param>
    /// <returns>The entries, in order.</returns>
    public static IEnumerable<string> Entries(string flows, NftFamily family, VirtualService service, HostInterface port, IReadOnlyList<RealServer> servers, Func<RealServer, MacAddress> macOf)
    {
        string protocol = service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";
        string match = Invariant($"{family.Name} daddr {service.Address} {protocol} dport {service.Port}");
        string pick = NftScheduler.Pick(service, family, servers, s => macOf(s).ToString());
        string opening = protocol == "tcp" ? "tcp flags & (syn | ack) == syn " : string.Empty;
        string key = Invariant($"{family.Name} saddr . {protocol} sport");
        string rewrite = Invariant($"ether saddr set {port.Mac} fwd to \"{port.Name}\"");
        int timeout = protocol == "tcp" ? 900 : 300;
        if (family == NftFamily.Ipv4)
        {
            // One map: client address . port → the real server's MAC.
            yield return Invariant($"    map {flows} {{ type {family.AddressType} . inet_service : ether_addr; flags dynamic, timeout; timeout {timeout}s; }}");
            yield return Invariant($"    chain {flows}-forward {{\n        {match} ether daddr set {key} map @{flows} update @{flows} {{ {key} : ether daddr }} {rewrite}\n        {match} {opening}ether daddr set {pick} update @{flows} {{ {key} : ether daddr }} {rewrite}\n        {match} drop\n    }}");
            yield break;
        }

        // IPv6: one set of flows (client address . port) per destination MAC instead of one map
        // to the MAC, because nft 1.0.6 (Debian 12, the forwarder's image) cannot write an update
        // of a map whose key is longer than 16 bytes (ipv6_addr . inet_service is 20): it gives
        // the key one 16-byte register and aborts (netlink_linearize.c, "dreg < ctx->reg_low").
        // Sets without data are written right. A new flow's pick sets the destination MAC, and the
        // rule for that MAC remembers the flow in its set.
        MacAddress[] destinations = [.. servers.Select(macOf).Distinct()];
        for (var i = 0; i < destinations.Length; i++)
        {
            yield return Invariant($"    set {flows}-dest{i} {{ type {family.AddressType} . inet_service; flags dynamic, timeout; timeout {timeout}s; }}");
        }

        var chain = new List<string>();
        for (var i = 0; i < destinations.Length; i++)
        {
            chain.Add(Invariant($"        {match} {key} @{flows}-dest{i} update @{flows}-dest{i} {{ {key} }} ether daddr set {destinations[i]} {rewrite}"));
        }

        chain.Add(Invariant($"        {match} {opening}ether daddr set {pick}"));
        for (var i = 0; i < destinations.Length; i++)
        {
            chain.Add(Invariant($"        {match} {opening}ether daddr {destinations[i]} update @{flows}-dest{i} {{ {key} }} {rewrite}"));
        }

        chain.Add(Invariant($"        {match} drop"));
        yield return Invariant($"    chain {flows}-forward {{\n{string.Join("\n", chain)}\n    }}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
