using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Director.Rules;
using LvsLab.Nft;
using LvsLab.Packets;

// lvs-nft --rules FILE --interface eth0[,eth1] [--arp /proc/net/arp]
// Prints the nftables script for the rules; exit 2 with every reason when they cannot be translated.
// lvs-nft --rules FILE --vips | --rips: the distinct virtual / real server addresses, one a line.
string? rulesPath = null;
string arpPath = "/proc/net/arp";
var interfaces = new List<string> { "eth0" };
string? list = null;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");
    switch (args[i])
    {
        case "--rules":
            rulesPath = Value();
            break;
        case "--interface":
            interfaces = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            break;
        case "--arp":
            arpPath = Value();
            break;
        case "--vips" or "--rips":
            list = args[i];
            break;
        default:
            await Console.Error.WriteLineAsync($"lvs-nft: unknown option '{args[i]}'\nusage: lvs-nft --rules FILE [--interface eth0[,eth1]] [--arp /proc/net/arp]");
            return 2;
    }
}

if (rulesPath is null)
{
    await Console.Error.WriteLineAsync("lvs-nft: --rules FILE is required");
    return 2;
}

try
{
    var rules = IpvsRuleParser.Parse(await File.ReadAllTextAsync(rulesPath), rulesPath);
    if (list is not null)
    {
        var addresses = list == "--vips"
            ? rules.Services.Where(s => !s.IsFirewallMark).Select(s => s.Address)
            : rules.Services.SelectMany(s => s.RealServers).Select(r => r.Address);
        foreach (var address in addresses.Distinct())
        {
            Console.WriteLine(address);
        }

        return 0;
    }

    var ports = new List<NftPort>();
    foreach (var name in interfaces)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
            ?? throw new ArgumentException($"no interface '{name}'");
        var ip = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new ArgumentException($"interface '{name}' has no IPv4 address");
        ports.Add(new NftPort(name, MacAddress.ReadFrom(nic.GetPhysicalAddress().GetAddressBytes()), Ipv4Address.ReadFrom(ip.Address.GetAddressBytes()), ip.PrefixLength));
    }

    var arp = File.Exists(arpPath) ? NftTranslator.ReadArpTable(await File.ReadAllTextAsync(arpPath)) : new Dictionary<Ipv4Address, MacAddress>();
    Console.Write(NftTranslator.Translate(rules, ports, arp));
    return 0;
}
catch (RuleParseException e)
{
    await Console.Error.WriteLineAsync($"lvs-nft: {e.Message}");
    return 2;
}
catch (NftTranslationException e)
{
    foreach (var reason in e.Reasons)
    {
        await Console.Error.WriteLineAsync($"lvs-nft: {rulesPath}: {reason}");
    }

    return 2;
}
catch (Exception e) when (e is IOException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"lvs-nft: {e.Message}");
    return 2;
}
