using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using LvsLab.Xdp;

// lvs-xdp --rules FILE [--interface eth0] [--arp /proc/net/arp]
// Prints the XDP forwarder's map plan for the rules (xdp-loader reads it); exit 2 with every
// reason, one a line naming the rules' line, when they cannot be carried out.
// lvs-xdp --rules FILE --vips | --rips: the distinct virtual / real server addresses, one a line.
string? rulesPath = null;
string arpPath = "/proc/net/arp";
string interfaceName = "eth0";
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
            interfaceName = Value();
            break;
        case "--arp":
            arpPath = Value();
            break;
        case "--vips" or "--rips":
            list = args[i];
            break;
        default:
            await Console.Error.WriteLineAsync($"lvs-xdp: unknown option '{args[i]}'\nusage: lvs-xdp --rules FILE [--interface eth0] [--arp /proc/net/arp] | --vips | --rips");
            return 2;
    }
}

if (rulesPath is null)
{
    await Console.Error.WriteLineAsync("lvs-xdp: --rules FILE is required");
    return 2;
}

try
{
    string text = await File.ReadAllTextAsync(rulesPath);
    var rules = IpvsRuleParser.Parse(text, rulesPath);
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

    var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == interfaceName)
        ?? throw new ArgumentException($"no interface '{interfaceName}'");
    var ip = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
        ?? throw new ArgumentException($"interface '{interfaceName}' has no IPv4 address");
    var port = new XdpPort(interfaceName, Ipv4Address.ReadFrom(ip.Address.GetAddressBytes()), ip.PrefixLength);
    var arp = File.Exists(arpPath) ? XdpPlan.ReadArpTable(await File.ReadAllTextAsync(arpPath)) : new Dictionary<Ipv4Address, MacAddress>();
    Console.Write(XdpPlan.Translate(rules, text, rulesPath, port, arp));
    return 0;
}
catch (RuleParseException e)
{
    await Console.Error.WriteLineAsync($"lvs-xdp: {e.Message}");
    return 2;
}
catch (XdpTranslationException e)
{
    foreach (var reason in e.Reasons)
    {
        await Console.Error.WriteLineAsync($"lvs-xdp: {reason}");
    }

    return 2;
}
catch (Exception e) when (e is IOException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"lvs-xdp: {e.Message}");
    return 2;
}
