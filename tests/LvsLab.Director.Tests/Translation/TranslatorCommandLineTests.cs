using LvsLab.Director.Translation;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Translation;

/// <summary>The translators' shared command line, with a translator that echoes what it was given and a fake host.</summary>
public sealed class TranslatorCommandLineTests : IDisposable
{
    private static readonly HostInterface Eth0 = new("eth0", MacAddress.Parse("02:00:00:00:00:03"), Ipv4Address.Parse("10.77.1.3"), 24);
    private static readonly HostInterface Eth1 = new("eth1", MacAddress.Parse("02:00:00:00:01:03"), Ipv4Address.Parse("10.77.3.3"), 24);

    private readonly string directory = Directory.CreateTempSubdirectory("lvslab-translator-").FullName;
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    private string Rules => Path.Combine(directory, "rules.ipvs");

    private string Arp => Path.Combine(directory, "arp");

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        output.Dispose();
        error.Dispose();
    }

    [Fact]
    public async Task TheTranslatorGetsTheRulesTheNamedInterfacesAndTheArpTable()
    {
        await File.WriteAllTextAsync(Rules, "-A -t 10.77.1.100:80 -s rr\n-a -t 10.77.1.100:80 -r 10.77.1.11:80 -g\n");
        await File.WriteAllTextAsync(Arp, "IP address HW type Flags HW address Mask Device\n10.77.1.11 0x1 0x2 02:00:00:00:00:11 * eth0\n");
        int code = await Run(manyInterfaces: true, "--rules", Rules, "--interface", "eth1,eth0", "--arp", Arp);
        Assert.Equal(0, code);
        Assert.Equal("1 services; eth1 10.77.3.3/24, eth0 10.77.1.3/24; 10.77.1.11=02:00:00:00:00:11", output.ToString());
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Neigh6GivesTheTranslatorTheIpv6NeighboursThatIpPrinted()
    {
        string neigh6 = Path.Combine(directory, "neigh6");
        await File.WriteAllTextAsync(Rules, "-A -t [fd00:10:77:1::100]:80 -s rr\n-a -t [fd00:10:77:1::100]:80 -r [fd00:10:77:1::11]:80 -g\n");
        await File.WriteAllTextAsync(neigh6, "fd00:10:77:1::11 dev eth0 lladdr 02:00:00:00:06:11 REACHABLE \nfd00:10:77:1::12 dev eth0 INCOMPLETE\n");
        var commandLine = new TranslatorCommandLine("lvs-test", false, input => string.Join(", ", input.Neighbours6.Select(n => $"{n.Key}={n.Value}"))) { FindInterface = Find };
        Assert.Equal(0, await commandLine.RunAsync(["--rules", Rules, "--neigh6", neigh6], output, error));
        Assert.Equal("fd00:10:77:1::11=02:00:00:00:06:11", output.ToString());

        // Without --neigh6 no IPv6 neighbour is known; a --neigh6 file that is not there is an error.
        output.GetStringBuilder().Clear();
        Assert.Equal(0, await commandLine.RunAsync(["--rules", Rules], output, error));
        Assert.Empty(output.ToString());
        Assert.Equal(2, await commandLine.RunAsync(["--rules", Rules, "--neigh6", Path.Combine(directory, "missing")], output, error));
        Assert.StartsWith("lvs-test: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("missing", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VipsAndRipsListTheDistinctAddressesWithoutTranslating()
    {
        await File.WriteAllTextAsync(Rules, "-A -t 10.77.1.100:80 -s rr\n-a -t 10.77.1.100:80 -r 10.77.1.11:80 -g\n-A -u 10.77.1.100:53 -s rr\n-a -u 10.77.1.100:53 -r 10.77.1.11:53 -g\n-a -u 10.77.1.100:53 -r 10.77.1.12:53 -g\n");
        Assert.Equal(0, await Run(manyInterfaces: false, "--rules", Rules, "--vips"));
        Assert.Equal("10.77.1.100\n", output.ToString());
        output.GetStringBuilder().Clear();
        Assert.Equal(0, await Run(manyInterfaces: false, "--rules", Rules, "--rips"));
        Assert.Equal("10.77.1.11\n10.77.1.12\n", output.ToString());
    }

    [Fact]
    public async Task EveryReasonOfARefusalIsALineNamingTheProgramAndNothingIsPrinted()
    {
        await File.WriteAllTextAsync(Rules, "-A -t 10.77.1.100:80 -s rr\n");
        var commandLine = new TranslatorCommandLine("lvs-test", false, input => throw new RulesTranslationException([$"{input.Lines.Service(input.Rules.Services[0])}: no", "second"]))
        {
            FindInterface = Find,
        };
        Assert.Equal(2, await commandLine.RunAsync(["--rules", Rules], output, error));
        Assert.Equal($"lvs-test: {Rules}:1: service -t 10.77.1.100:80: no\nlvs-test: second\n", error.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(output.ToString());
    }

    [Theory]
    [InlineData(false, "lvs-test: --rules FILE is required")]
    [InlineData(false, "lvs-test: unknown option '--bogus'", "--bogus")]
    [InlineData(false, "lvs-test: option '--rules' needs a value", "--rules")]
    [InlineData(false, "lvs-test: --interface takes one name", "--rules", "RULES", "--interface", "eth0,eth1")]
    [InlineData(true, "lvs-test: --interface takes one or more names", "--rules", "RULES", "--interface", ",")]
    [InlineData(false, "lvs-test: no interface 'eth9'", "--rules", "RULES", "--interface", "eth9")]
    [InlineData(false, "lvs-test: ", "--rules", "MISSING")]
    public async Task BadOptionsExitTwoWithTheReasonAndNoOutput(bool manyInterfaces, string reason, params string[] args)
    {
        await File.WriteAllTextAsync(Rules, "-A -t 10.77.1.100:80 -s rr\n");
        string[] resolved = [.. args.Select(a => a == "RULES" ? Rules : a == "MISSING" ? Path.Combine(directory, "missing.ipvs") : a)];
        Assert.Equal(2, await Run(manyInterfaces, resolved));
        Assert.StartsWith(reason, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task ABadRulesFileIsRefusedWithItsLine()
    {
        await File.WriteAllTextAsync(Rules, "-A -t 10.77.1.100:80 -s rr\n-A -t 10.77.1.100:nope -s rr\n");
        Assert.Equal(2, await Run(manyInterfaces: false, "--rules", Rules));
        Assert.Contains($"{Rules}:2", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    private static HostInterface Find(string name) => name switch
    {
        "eth0" => Eth0,
        "eth1" => Eth1,
        _ => throw new ArgumentException($"no interface '{name}'"),
    };

    private Task<int> Run(bool manyInterfaces, params string[] args)
    {
        var commandLine = new TranslatorCommandLine("lvs-test", manyInterfaces, Echo) { FindInterface = Find };
        return commandLine.RunAsync(args, output, error);
    }

    private static string Echo(TranslationInput input) =>
        $"{input.Rules.Services.Count} services; {string.Join(", ", input.Interfaces)}; {string.Join(", ", input.Neighbours.Select(n => $"{n.Key}={n.Value}"))}";
}
