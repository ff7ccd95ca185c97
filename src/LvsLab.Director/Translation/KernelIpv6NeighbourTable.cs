using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>
/// Reads the kernel's IPv6 neighbour table as <c>ip -6 neigh show</c> prints it (the kernel has no
/// <c>/proc</c> file for it, unlike <c>/proc/net/arp</c>), one entry a line:
/// <code>
/// fd00:10:77:1::11 dev eth0 lladdr 02:42:0a:4d:01:0b REACHABLE
/// fd00:10:77:1::1 dev eth0 lladdr 02:42:0a:4d:01:01 router STALE
/// fd00:10:77:1::12 dev eth0 INCOMPLETE
/// </code>
/// </summary>
public static class KernelIpv6NeighbourTable
{
    /// <summary>The command whose output <see cref="Parse"/> reads.</summary>
    public const string Command = "ip -6 neigh show";

    // The states in which the kernel holds a usable link-layer address (NUD_VALID), as
    // /proc/net/arp's "complete" flag (0x2) does for IPv4; INCOMPLETE, FAILED and NONE are not.
    private static readonly string[] ValidStates = ["REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"];

    /// <summary>
    /// The MACs of the entries in a valid state (<c>REACHABLE</c>, <c>STALE</c>, <c>DELAY</c>,
    /// <c>PROBE</c>, <c>PERMANENT</c>, <c>NOARP</c>) with an Ethernet <c>lladdr</c>; any other line is skipped.
    /// </summary>
    /// <param name="text">The command's output: address, then <c>dev NAME</c>, <c>lladdr MAC</c>, flags (<c>router</c>, …) and the state(s).</param>
    /// <returns>Address to MAC (the last line wins for an address listed on two devices).</returns>
    public static IReadOnlyDictionary<Ipv6Address, MacAddress> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var table = new Dictionary<Ipv6Address, MacAddress>();
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || !Ipv6Address.TryParse(f[0], out Ipv6Address address))
            {
                continue;
            }

            int at = Array.IndexOf(f, "lladdr");
            if (at > 0 && at + 1 < f.Length
                && MacAddress.TryParse(f[at + 1], out MacAddress mac)
                && f.Skip(at + 2).Any(word => ValidStates.Contains(word, StringComparer.Ordinal)))
            {
                table[address] = mac;
            }
        }

        return table;
    }
}
