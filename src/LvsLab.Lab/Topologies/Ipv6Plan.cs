using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The IPv6 side of the address plan, derived from the IPv4 side by one function so that the
/// two never disagree: IPv4 <c>A.B.C.D</c> is IPv6 <c>fd00:A:B:C::D</c>, each decimal number
/// written as the hex group with the same digits (<c>10.77.1.100</c> ↔ <c>fd00:10:77:1::100</c>,
/// <c>10.78.5.12</c> ↔ <c>fd00:10:78:5::12</c>). Every address lies in the unique-local
/// <c>fd00::/8</c>; each /24 becomes a /64 (lab IPv6 subnets are /64s), and its host <c>.1</c> (the host's bridge) becomes
/// <c>::1</c>. Distinct IPv4 addresses give distinct IPv6 addresses, so slots stay apart.
/// <see cref="DualStack"/> applies the mapping to a whole lab.
/// </summary>
public static class Ipv6Plan
{
    /// <summary>The first 16 bits of every mapped address: <c>fd00</c>.</summary>
    public const ushort Prefix = 0xfd00;

    /// <summary>
    /// The kernel settings every node of a dual-stack lab gets (unless it sets them itself): IPv6
    /// on; no duplicate address detection, so the lab's addresses are usable at once (and a
    /// real server's VIP6 on <c>lo</c> is never held back as tentative); no router
    /// advertisements, so no address or route appears besides the lab's own.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> NodeSysctls { get; } =
    [
        new("net.ipv6.conf.all.disable_ipv6", "0"),
        new("net.ipv6.conf.default.disable_ipv6", "0"),
        new("net.ipv6.conf.all.accept_dad", "0"),
        new("net.ipv6.conf.default.accept_dad", "0"),
        new("net.ipv6.conf.all.accept_ra", "0"),
        new("net.ipv6.conf.default.accept_ra", "0"),
    ];

    /// <summary>The IPv6 address of IPv4 <paramref name="ipv4"/>: <c>A.B.C.D</c> → <c>fd00:A:B:C::D</c> (digits kept, read as hex).</summary>
    /// <param name="ipv4">An IPv4 address.</param>
    /// <returns>The unique-local IPv6 address.</returns>
    /// <exception cref="ArgumentException">Not an IPv4 address.</exception>
    public static IPAddress Map(IPAddress ipv4)
    {
        var b = Octets(ipv4, nameof(ipv4));
        Span<ushort> groups = [Prefix, Hex(b[0]), Hex(b[1]), Hex(b[2]), 0, 0, 0, Hex(b[3])];
        return FromGroups(groups);
    }

    /// <summary>The IPv4 address <paramref name="ipv6"/> is the mapping of (the inverse of <see cref="Map"/>).</summary>
    /// <param name="ipv6">An IPv6 address.</param>
    /// <returns>The IPv4 address; null when <paramref name="ipv6"/> is not of the form <c>fd00:A:B:C::D</c> with decimal-looking groups of at most 255.</returns>
    public static IPAddress? Unmap(IPAddress ipv6)
    {
        ArgumentNullException.ThrowIfNull(ipv6);
        if (ipv6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        var bytes = ipv6.GetAddressBytes();
        var groups = new ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)((bytes[2 * i] << 8) | bytes[(2 * i) + 1]);
        }

        if (groups[0] != Prefix || groups[4] != 0 || groups[5] != 0 || groups[6] != 0)
        {
            return null;
        }

        var octets = new byte[4];
        int[] from = [1, 2, 3, 7];
        for (var i = 0; i < 4; i++)
        {
            var digits = groups[from[i]].ToString("x", CultureInfo.InvariantCulture);
            if (!digits.All(char.IsAsciiDigit) || !byte.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out octets[i]))
            {
                return null;
            }
        }

        return new IPAddress(octets);
    }

    /// <summary>
    /// The IPv6 /64 of IPv4 subnet <paramref name="ipv4"/>: <c>A.B.C.0/24</c> (or any subnet of it)
    /// gives <c>fd00:A:B:C::/64</c>, which holds the mapping of each of its addresses. Lab IPv6
    /// subnets are /64s, so a subnet wider than /24 has none.
    /// </summary>
    /// <param name="ipv4">An IPv4 subnet of /24 or longer.</param>
    /// <returns>The unique-local IPv6 /64.</returns>
    /// <exception cref="ArgumentException">Not an IPv4 subnet, or one wider than /24.</exception>
    public static IPNetwork MapSubnet(IPNetwork ipv4)
    {
        var b = Octets(ipv4.BaseAddress, nameof(ipv4));
        if (ipv4.PrefixLength < 24)
        {
            throw new ArgumentException($"subnet {ipv4} is wider than /24: it has no IPv6 /64 (each /24 maps to one)", nameof(ipv4));
        }

        Span<ushort> groups = [Prefix, Hex(b[0]), Hex(b[1]), Hex(b[2]), 0, 0, 0, 0];
        return new IPNetwork(FromGroups(groups), 64);
    }

    /// <summary>
    /// <paramref name="lab"/> made dual-stack by the mapping: every network gets the IPv6 subnet of
    /// its IPv4 one, every interface the IPv6 address of its IPv4 one, the lab the VIP6 of its VIP;
    /// each IPv4 address on <c>lo</c> (a real server's VIP) gets its IPv6 address beside it, each
    /// IPv4 route an IPv6 twin (the mapped destination, or <c>::/0</c>, via the mapped next hop),
    /// each floating address its IPv6 one; every node gets <see cref="NodeSysctls"/>, and a node
    /// with <c>net.ipv4.ip_forward</c> the same value for <c>net.ipv6.conf.all.forwarding</c>; a
    /// director's rules file (<see cref="DrLab.RulesPath"/>) gets the IPv6 twin of each address
    /// service (<see cref="TwinRules"/>). What the lab already has in IPv6 is kept, so applying it
    /// twice changes nothing.
    /// </summary>
    /// <param name="lab">A lab, usually IPv4 only.</param>
    /// <returns>The dual-stack lab.</returns>
    /// <exception cref="ArgumentException">A network without an IPv6 subnet is wider than /24 (the message starts with <c>network 'NAME'</c>).</exception>
    public static LabTopology DualStack(LabTopology lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (lab.Networks.FirstOrDefault(n => n.Subnet6 is null && n.Subnet.PrefixLength < 24) is { } wide)
        {
            throw new ArgumentException($"network '{wide.Name}': subnet {wide.Subnet} is wider than /24, so it has no IPv6 /64 (each /24 maps to one): use a /24 or give it its own IPv6 subnet", nameof(lab));
        }

        return lab with
        {
            Vip6 = lab.Vip6 ?? Map(lab.Vip),
            Networks = [.. lab.Networks.Select(n => n with { Subnet6 = n.Subnet6 ?? MapSubnet(n.Subnet) })],
            Nodes = [.. lab.Nodes.Select(DualStackNode)],
            FloatingAddresses = Twins(lab.FloatingAddresses),
        };
    }

    private static LabNode DualStackNode(LabNode node)
    {
        var sysctls = new Dictionary<string, string>(node.Sysctls, StringComparer.Ordinal);
        foreach (var (key, value) in NodeSysctls)
        {
            sysctls.TryAdd(key, value);
        }

        if (node.Sysctls.TryGetValue("net.ipv4.ip_forward", out var forward))
        {
            sysctls.TryAdd("net.ipv6.conf.all.forwarding", forward);
        }

        var routes = node.Routes.ToList();
        foreach (var route in node.Routes.Where(r => !r.IsIpv6 && r.Via.AddressFamily == AddressFamily.InterNetwork))
        {
            var twin = route.IsDefault ? LabRoute.Default(Map(route.Via)) : new LabRoute(MapRouteDestination(route.Destination), Map(route.Via));
            if (!routes.Contains(twin))
            {
                routes.Add(twin);
            }
        }

        var files = node.Role == NodeRole.Director && node.Files.ContainsKey(DrLab.RulesPath)
            ? node.Files.ToDictionary(f => f.Key, f => f.Key == DrLab.RulesPath ? TwinRules(f.Value) : f.Value, StringComparer.Ordinal)
            : node.Files;
        return node with
        {
            Files = files,
            Interfaces = [.. node.Interfaces.Select(i => i with { Address6 = i.Address6 ?? Map(i.Address) })],
            LoopbackAddresses = Twins(node.LoopbackAddresses),
            Routes = routes,
            Sysctls = sysctls,
        };
    }

    /// <summary>
    /// <paramref name="rules"/> (ipvsadm-save form) with the IPv6 twin of every address-service
    /// line after them: each IPv4 address, with or without a port, becomes its mapped address in
    /// brackets (<c>-A -t 10.77.1.100:80</c> → <c>-A -t [fd00:10:77:1::100]:80</c>), an IPv4
    /// persistence netmask a prefix length (/32 → 128; /24 or longer → 64, as the plan maps a /24
    /// to a /64; /16 → 48; /8 → 32); firewall-mark lines and lines without an IPv4 address have
    /// no twin. A twin already in the rules is not added again.
    /// </summary>
    /// <param name="rules">The rules text.</param>
    /// <returns>The rules and their twins.</returns>
    public static string TwinRules(string rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var lines = rules.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var existing = new HashSet<string>(lines.Select(l => l.Trim()), StringComparer.Ordinal);
        var twins = new List<string>();
        foreach (var line in lines)
        {
            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).TakeWhile(t => !t.StartsWith('#')).ToArray();
            if (tokens.Length == 0 || tokens.Contains("-f") || tokens.Contains("--fwmark-service"))
            {
                continue;
            }

            var mapped = false;
            for (var i = 0; i < tokens.Length; i++)
            {
                if (i > 0 && tokens[i - 1] is "-M" or "--netmask" && IPAddress.TryParse(tokens[i], out var mask) && mask.AddressFamily == AddressFamily.InterNetwork)
                {
                    tokens[i] = PrefixLength6(mask).ToString(CultureInfo.InvariantCulture);
                    continue;
                }

                if (TwinEndpoint(tokens[i]) is { } twin)
                {
                    tokens[i] = twin;
                    mapped = true;
                }
            }

            var text = string.Join(' ', tokens);
            if (mapped && existing.Add(text))
            {
                twins.Add(text);
            }
        }

        return twins.Count == 0 ? rules : rules.TrimEnd('\n') + "\n" + string.Concat(twins.Select(t => t + "\n"));
    }

    // a.b.c.d or a.b.c.d:port → [mapped] or [mapped]:port; null for anything else.
    private static string? TwinEndpoint(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        var address = colon < 0 ? token : token[..colon];
        if (address.Count(c => c == '.') != 3 || !IPAddress.TryParse(address, out var ipv4) || ipv4.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        return $"[{Map(ipv4)}]{(colon < 0 ? string.Empty : token[colon..])}";
    }

    private static int PrefixLength6(IPAddress mask)
    {
        var bits = 0;
        foreach (var b in mask.GetAddressBytes())
        {
            bits += System.Numerics.BitOperations.PopCount(b);
        }

        return bits switch { 32 => 128, >= 24 => 64, >= 16 => 48, >= 8 => 32, _ => 16 };
    }

    // A route's destination may be wider than a network: A.B.0.0/16 → fd00:A:B::/48, A.0.0.0/8 →
    // fd00:A::/32 (what holds the mapping of each of its addresses), anything wider fd00::/16.
    private static IPNetwork MapRouteDestination(IPNetwork ipv4)
    {
        if (ipv4.PrefixLength >= 24)
        {
            return MapSubnet(ipv4);
        }

        var b = Octets(ipv4.BaseAddress, nameof(ipv4));
        var fixedOctets = ipv4.PrefixLength / 8;
        Span<ushort> groups = stackalloc ushort[8];
        groups[0] = Prefix;
        for (var i = 0; i < fixedOctets; i++)
        {
            groups[1 + i] = Hex(b[i]);
        }

        return new IPNetwork(FromGroups(groups), 16 + (16 * fixedOctets));
    }

    // The IPv4 addresses' twins after the list, each once.
    private static List<IPAddress> Twins(IReadOnlyList<IPAddress> addresses)
    {
        var result = addresses.ToList();
        foreach (var address in addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork))
        {
            var twin = Map(address);
            if (!result.Contains(twin))
            {
                result.Add(twin);
            }
        }

        return result;
    }

    private static byte[] Octets(IPAddress address, string parameter)
    {
        ArgumentNullException.ThrowIfNull(address, parameter);
        return address.AddressFamily == AddressFamily.InterNetwork
            ? address.GetAddressBytes()
            : throw new ArgumentException($"'{address}' is not an IPv4 address", parameter);
    }

    // 0..255 written in decimal, read as hex: 100 → 0x100, 255 → 0x255.
    private static ushort Hex(byte value) => ushort.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static IPAddress FromGroups(ReadOnlySpan<ushort> groups)
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 8; i++)
        {
            bytes[2 * i] = (byte)(groups[i] >> 8);
            bytes[(2 * i) + 1] = (byte)groups[i];
        }

        return new IPAddress(bytes);
    }
}
