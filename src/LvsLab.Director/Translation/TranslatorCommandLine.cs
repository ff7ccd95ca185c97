using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>
/// The command line of a program that makes <c>ipvsadm-save</c> rules into another forwarder's
/// configuration (<c>lvs-nft</c>, <c>lvs-xdp</c>), written once for all of them:
/// <code>
/// PROGRAM --rules FILE [--interface eth0[,eth1]] [--arp /proc/net/arp] [--neigh6 FILE]   # the configuration on standard output
/// PROGRAM --rules FILE --vips | --rips                                                    # the distinct virtual / real server addresses, one a line
/// </code>
/// <c>--neigh6 FILE</c> is what <c>ip -6 neigh show</c> printed (the kernel shows its IPv6
/// neighbours in no file); without it no IPv6 neighbour is known.
/// Exit 0 on success; exit 2 with every reason on standard error, one a line, each starting with
/// the program's name (a rules file's reasons name its line), when the options, the file or the
/// rules cannot be used — and nothing on standard output.
/// </summary>
public sealed class TranslatorCommandLine
{
    private readonly string program;
    private readonly bool manyInterfaces;
    private readonly Func<TranslationInput, string> translate;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="program">The program's name, first on every error line.</param>
    /// <param name="manyInterfaces">Whether <c>--interface</c> takes a comma-separated list (else exactly one).</param>
    /// <param name="translate">Makes the configuration; throws <see cref="RulesTranslationException"/> with every reason it refuses the rules for.</param>
    public TranslatorCommandLine(string program, bool manyInterfaces, Func<TranslationInput, string> translate)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(translate);
        this.program = program;
        this.manyInterfaces = manyInterfaces;
        this.translate = translate;
    }

    /// <summary>Finds a host interface by name (the host's own by default); throws <see cref="ArgumentException"/> when there is none usable.</summary>
    public Func<string, HostInterface> FindInterface { get; init; } = FindHostInterface;

    /// <summary>The usage line.</summary>
    public string Usage =>
        $"usage: {program} --rules FILE [--interface {(manyInterfaces ? "eth0[,eth1]" : "eth0")}] [--arp {KernelArpTable.DefaultPath}] [--neigh6 FILE] | --vips | --rips";

    /// <summary>Runs the program.</summary>
    /// <param name="args">The command line's arguments.</param>
    /// <param name="output">Where the configuration (or the address list) goes.</param>
    /// <param name="error">Where the reasons go.</param>
    /// <returns>The exit code: 0, or 2 when something was refused.</returns>
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            string text = Run(args);
            await output.WriteAsync(text).ConfigureAwait(false);
            return 0;
        }
        catch (RulesTranslationException e)
        {
            foreach (string reason in e.Reasons)
            {
                await error.WriteLineAsync($"{program}: {reason}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (Exception e) when (e is RuleParseException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{program}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private string Run(IReadOnlyList<string> args)
    {
        string? rulesPath = null;
        string arpPath = KernelArpTable.DefaultPath;
        string? neighbours6Path = null;
        string[] interfaceNames = ["eth0"];
        string? list = null;
        for (var i = 0; i < args.Count; i++)
        {
            string option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{option}' needs a value\n{Usage}");
            switch (option)
            {
                case "--rules":
                    rulesPath = Value();
                    break;
                case "--interface":
                    interfaceNames = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (interfaceNames.Length == 0 || (!manyInterfaces && interfaceNames.Length > 1))
                    {
                        throw new ArgumentException($"--interface takes {(manyInterfaces ? "one or more names, comma-separated" : "one name")}\n{Usage}");
                    }

                    break;
                case "--arp":
                    arpPath = Value();
                    break;
                case "--neigh6":
                    neighbours6Path = Value();
                    break;
                case "--vips" or "--rips":
                    list = option;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{option}'\n{Usage}");
            }
        }

        if (rulesPath is null)
        {
            throw new ArgumentException($"--rules FILE is required\n{Usage}");
        }

        string text = File.ReadAllText(rulesPath);
        RuleSet rules = IpvsRuleParser.Parse(text, rulesPath);
        if (list is not null)
        {
            var addresses = list == "--vips"
                ? rules.Services.Where(s => !s.IsFirewallMark).Select(s => s.Address)
                : rules.Services.SelectMany(s => s.RealServers).Select(r => r.Address);
            return string.Concat(addresses.Distinct().Select(a => $"{a}\n"));
        }

        HostInterface[] interfaces = [.. interfaceNames.Select(FindInterface)];
        var neighbours = File.Exists(arpPath) ? KernelArpTable.Parse(File.ReadAllText(arpPath)) : new Dictionary<Ipv4Address, MacAddress>();
        // Unlike /proc/net/arp, a file named with --neigh6 must be there: it was written for this run.
        var neighbours6 = neighbours6Path is null
            ? new Dictionary<Ipv6Address, MacAddress>()
            : KernelIpv6NeighbourTable.Parse(File.ReadAllText(neighbours6Path));
        return translate(new TranslationInput(rules, new RuleLines(text, rulesPath), interfaces, neighbours) { Neighbours6 = neighbours6 });
    }

    private static HostInterface FindHostInterface(string name)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
            ?? throw new ArgumentException($"no interface '{name}'");
        var ip = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new ArgumentException($"interface '{name}' has no IPv4 address");

        // Its own IPv6 address, as lvs-director takes it: unique-local or global, never link-local; the subnet's (the shortest prefix), not a VIP held as /128.
        var ip6 = nic.GetIPProperties().UnicastAddresses.Where(a =>
            a.Address.AddressFamily == AddressFamily.InterNetworkV6 && !a.Address.IsIPv6LinkLocal && !IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv4MappedToIPv6)
            .OrderBy(a => a.PrefixLength)
            .FirstOrDefault();
        return new HostInterface(
            name,
            MacAddress.ReadFrom(nic.GetPhysicalAddress().GetAddressBytes()),
            Ipv4Address.ReadFrom(ip.Address.GetAddressBytes()),
            ip.PrefixLength)
        {
            Address6 = ip6 is null ? null : Ipv6Address.FromIPAddress(ip6.Address),
            PrefixLength6 = ip6 is { PrefixLength: >= 1 and <= 128 } ? ip6.PrefixLength : 64,
        };
    }
}
