using System.Globalization;
using LvsLab.Director.Rules;

namespace LvsLab.Nft;

/// <summary>
/// A service's scheduler as one nftables expression that picks a value per new flow:
/// <c>rr</c> and <c>wrr</c> are <c>numgen inc</c> over the servers, each repeated by its weight
/// (wrr's counts per cycle); <c>sh</c> is a <c>jhash</c> of the client's address.
/// </summary>
internal static class NftScheduler
{
    /// <summary>The expression, e.g. <c>numgen inc mod 2 map { 0 : A, 1 : B }</c>.</summary>
    /// <param name="service">The service (its scheduler).</param>
    /// <param name="family">The service's family (sh hashes its source address).</param>
    /// <param name="servers">The servers to pick among (weight above 0).</param>
    /// <param name="value">What a server is picked as (its MAC, or its address and port).</param>
    /// <returns>The expression.</returns>
    public static string Pick(VirtualService service, NftFamily family, IReadOnlyList<RealServer> servers, Func<RealServer, string> value)
    {
        IReadOnlyList<RealServer> slots = service.Scheduler == "wrr"
            ? [.. servers.SelectMany(s => Enumerable.Repeat(s, s.Weight))]
            : servers;
        string selector = service.Scheduler == "sh"
            ? string.Create(CultureInfo.InvariantCulture, $"jhash {family.Name} saddr mod {slots.Count}")
            : string.Create(CultureInfo.InvariantCulture, $"numgen inc mod {slots.Count}");
        return string.Create(CultureInfo.InvariantCulture, $"{selector} map {{ {string.Join(", ", slots.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{i} : {value(s)}")))} }}");
    }
}
