using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Tests;

public sealed class TopologyFileTests
{
    private const string File = "t.lab.yml";

    // A small valid lab; tests change one line and name the line they expect.
    private const string Base = """
        name: t
        mode: dr
        vip: lan.100
        networks:
          front: { subnet: auto }
          lan: { subnet: auto }
        nodes:
          client:
            role: client
            interfaces: { front: 10 }
            routes: [ { to: default, via: router.front } ]
          router:
            role: router
            interfaces: { front: 2, lan: 2 }
          director:
            role: director
            interfaces: { lan: 3 }
            files:
              /etc/lvs/rules.ipvs: |
                -A -t ${vip}:${port} -s rr
                * -a -t ${vip}:${port} -r ${rs.lan}:${port} -g -w 1
        realServers:
          count: 2
          first: { lan: 11 }
          loopback: [ vip ]
          routes: [ { to: default, via: router.lan } ]

        """;

    private const string AllowedNodeKeys = "role, image, interfaces, routes, loopback, sysctls, capabilities, environment, commands, devices, readiness, files";

    public static TheoryData<string, int?> StockLabsAndServers => new()
    {
        { "dr", null }, { "dr", 1 }, { "dr", 5 },
        { "nat", null }, { "nat", 1 }, { "nat", 5 },
        { "tun", null }, { "tun", 1 }, { "tun", 5 },
        { "seed", null },
    };

    [Theory]
    [MemberData(nameof(StockLabsAndServers))]
    public void StockLabFileGivesExactlyTheBuildersTopology(string kind, int? servers)
    {
        var loaded = StockLabs.Load(kind, "t", 6, servers);
        var built = StockLabs.Create(kind, "t", 6, servers ?? 3);

        Assert.Equal(TopologyText.Of(built), TopologyText.Of(loaded));
        Assert.Empty(loaded.Validate());
    }

    [Fact]
    public void CanonicalTextCoversEveryNodeField()
    {
        Assert.Equal(
            TopologyText.NodeFields.Order(StringComparer.Ordinal),
            typeof(LabNode).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(typeof(LabTopology))]
    [InlineData(typeof(LabNetwork))]
    [InlineData(typeof(NodeInterface))]
    public void CanonicalTextCoversEveryTopologyNetworkAndInterfaceField(Type type)
    {
        var written = type == typeof(LabTopology) ? TopologyText.TopologyFields
            : type == typeof(LabNetwork) ? TopologyText.NetworkFields
            : TopologyText.InterfaceFields;

        // Settable properties are data; the others (IsDualStack, HostGateway, NodeAddresses…) derive from them.
        Assert.Equal(
            written.Order(StringComparer.Ordinal),
            type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StockLabFileKeepsItsNameUnlessOverridden()
    {
        Assert.Equal("dr", StockLabs.Load("dr", null, 0).Name);
        Assert.Equal("mine", StockLabs.Load("dr", "mine", 0).Name);
        Assert.Equal(3, StockLabs.Load("nat", null, 0).NodesWith(NodeRole.RealServer).Count);
    }

    [Fact]
    public void LabDirectoryFilesAreTheEmbeddedOnes()
    {
        var lab = FindLabDirectory();
        foreach (var kind in StockLabs.Names)
        {
            var path = Path.Combine(lab, $"{kind}.lab.yml");
            Assert.Equal(System.IO.File.ReadAllText(path), StockLabs.FileText(kind));
            Assert.Equal(TopologyText.Of(StockLabs.Create(kind, kind, 2)), TopologyText.Of(LabFile.Load(path, null, 2)));
        }
    }

    [Fact]
    public void TwoSlotsGiveDisjointSubnets()
    {
        var subnets = new[] { 0, 1 }
            .SelectMany(slot => StockLabs.Load("tun", $"t{slot}", slot).Networks.Select(n => n.Subnet))
            .ToList();

        Assert.Equal(6, subnets.Count);
        for (var i = 0; i < subnets.Count; i++)
        {
            for (var j = i + 1; j < subnets.Count; j++)
            {
                Assert.False(subnets[i].Contains(subnets[j].BaseAddress) || subnets[j].Contains(subnets[i].BaseAddress), $"{subnets[i]} overlaps {subnets[j]}");
            }
        }

        Assert.Equal(IPNetwork.Parse("10.77.2.0/24"), StockLabs.Load("dr", null, 1).Network("front").Subnet);
        Assert.Equal(IPNetwork.Parse("10.78.1.0/24"), StockLabs.Load("tun", null, 1).Network("far").Subnet);
    }

    [Fact]
    public void ExplicitSubnetsIgnoreTheSlot()
    {
        Assert.Equal(IPNetwork.Parse("192.168.10.0/24"), StockLabs.Load("seed", null, 9).Network("lan10").Subnet);
    }

    [Fact]
    public void BaseFileLoadsWithStarLinesFollowingTheServerCount()
    {
        var lab = LabFile.Parse(Base, File, servers: 3);

        Assert.Equal(
            "-A -t 10.77.1.100:80 -s rr\n-a -t 10.77.1.100:80 -r 10.77.1.11:80 -g -w 1\n-a -t 10.77.1.100:80 -r 10.77.1.12:80 -g -w 1\n-a -t 10.77.1.100:80 -r 10.77.1.13:80 -g -w 1\n",
            lab.Node("director").Files["/etc/lvs/rules.ipvs"]);
        Assert.Equal(["client", "router", "director", "rs1", "rs2", "rs3"], lab.Nodes.Select(n => n.Name));
        Assert.Equal(["NET_ADMIN", "NET_RAW"], lab.Node("rs3").Capabilities);
        Assert.Equal("realserver", lab.Node("rs3").Image);
    }

    [Fact]
    public void PlaceholdersCoverNodesInterfacesAndEscapes()
    {
        var text = Base.Replace(
            "    role: router\n",
            "    role: router\n    commands: [ \"echo ${name} ${node} ${net} ${router.lan.if} ${rs1.ip} ${lan.7} $${HOME}\" ]\n",
            StringComparison.Ordinal);

        var lab = LabFile.Parse(text, File, name: "x");

        Assert.Equal(["echo x router front eth1 10.77.1.11 10.77.1.7 ${HOME}"], lab.Node("router").Commands);
    }

    [Fact]
    public void UnknownKeyIsNamedWithTheAllowedOnes()
    {
        AssertErrors(
            Base.Replace("    role: client\n", "    role: client\n    imag: client\n", StringComparison.Ordinal),
            $"t.lab.yml:10: nodes.client.imag: unknown key 'imag' (allowed: {AllowedNodeKeys})");
    }

    [Fact]
    public void UnknownTopLevelKeyIsNamed()
    {
        AssertErrors(
            Base.Replace("mode: dr\n", "mode: dr\nservers: 3\n", StringComparison.Ordinal),
            "t.lab.yml:3: servers: unknown key 'servers' (allowed: name, mode, vip, port, ipv6, health, directors, networks, nodes, realServers)");
    }

    [Fact]
    public void WrongTypesAreNamed()
    {
        AssertErrors(
            Base.Replace("mode: dr\n", "mode: dr\nport: eighty\n", StringComparison.Ordinal)
                .Replace("interfaces: { front: 10 }", "interfaces: [ front ]", StringComparison.Ordinal)
                .Replace("loopback: [ vip ]", "loopback: { vip: 1 }", StringComparison.Ordinal),
            "t.lab.yml:3: port: expected an integer, found 'eighty'",
            "t.lab.yml:11: nodes.client.interfaces: expected a mapping (KEY: VALUE), found a list",
            "t.lab.yml:26: realServers.loopback: expected a list ([A, B] or '- A' lines), found a mapping");
    }

    [Fact]
    public void BadAddressesAreNamed()
    {
        AssertErrors(
            Base.Replace("interfaces: { front: 10 }", "interfaces: { front: 10.77.0.300 }", StringComparison.Ordinal)
                .Replace("via: router.front", "via: router", StringComparison.Ordinal)
                .Replace("interfaces: { lan: 3 }", "interfaces: { lan: 10.77.9.3 }", StringComparison.Ordinal)
                .Replace("vip: lan.100", "vip: 10.77.1.256", StringComparison.Ordinal),
            "t.lab.yml:3: vip: '10.77.1.256' is not a valid IPv4 address",
            "t.lab.yml:10: nodes.client.interfaces.front: '10.77.0.300' is not a host number or an IPv4 address",
            "t.lab.yml:11: nodes.client.routes[0].via: 'router' is not an address: use NETWORK.HOST (e.g. lan.100), NODE.NETWORK (e.g. router.lan), NODE.ip, vip or an IPv4 address",
            "t.lab.yml:17: nodes.director.interfaces.lan: address 10.77.9.3 is outside 10.77.1.0/24");
    }

    [Fact]
    public void ReferencesToUnknownNodesAndNetworksAreNamed()
    {
        AssertErrors(
            Base.Replace("via: router.front", "via: ruoter.front", StringComparison.Ordinal)
                .Replace("interfaces: { lan: 3 }", "interfaces: { dmz: 3 }", StringComparison.Ordinal)
                .Replace("via: router.lan", "via: router.dmz", StringComparison.Ordinal)
                .Replace("vip: lan.100", "vip: wan.100", StringComparison.Ordinal),
            "t.lab.yml:3: vip: unknown network 'wan' (networks: front, lan)",
            "t.lab.yml:11: nodes.client.routes[0].via: unknown node 'ruoter' (nodes: client, router, director, rs1, rs2)",
            "t.lab.yml:17: nodes.director.interfaces.dmz: unknown network 'dmz' (networks: front, lan)",
            "t.lab.yml:26: realServers.routes[0].via: unknown network 'dmz' (networks: front, lan)");
    }

    [Fact]
    public void HostOutsideTheSubnetIsNamedOnceNotOncePerUse()
    {
        // rs1 and rs2 route via router.lan: that failure is not reported again.
        AssertErrors(
            Base.Replace("interfaces: { front: 2, lan: 2 }", "interfaces: { front: 2, lan: 300 }", StringComparison.Ordinal),
            "t.lab.yml:14: nodes.router.interfaces.lan: host 300 is outside 10.77.1.0/24");
    }

    [Fact]
    public void RealServerHostsPastTheSubnetNameTheServer()
    {
        AssertErrors(
            Base.Replace("first: { lan: 11 }", "first: { lan: 254 }", StringComparison.Ordinal),
            "t.lab.yml:24: realServers.first.lan: host 255 is the broadcast address of 10.77.1.0/24 (real server rs2)");
    }

    [Fact]
    public void DuplicateNamesAreNamed()
    {
        AssertErrors(
            Base.Replace("  director:\n", "  rs2:\n    role: client\n    interfaces: { front: 20 }\n  director:\n", StringComparison.Ordinal)
                .Replace("  lan: { subnet: auto }\n", "  lan: { subnet: auto }\n  front: { subnet: auto }\n", StringComparison.Ordinal),
            "t.lab.yml:7: networks.front: 'front' is defined twice (first on line 5)",
            "t.lab.yml:26: realServers: real server 'rs2' has the name of the node on line 16");
    }

    [Fact]
    public void NodeDefinedTwiceIsNamed()
    {
        AssertErrors(
            Base.Replace("  director:\n", "  router:\n    role: router\n    interfaces: { lan: 4 }\n  director:\n", StringComparison.Ordinal),
            "t.lab.yml:15: nodes.router: 'router' is defined twice (first on line 12)");
    }

    [Theory]
    [InlineData("vip: vip", "t.lab.yml:3: vip: the VIP cannot be defined by itself")]
    [InlineData("vip: \"${vip}\"", "t.lab.yml:3: vip: ${vip}: the VIP cannot be defined by itself")]
    public void VipCannotReferToItself(string line, string expected)
    {
        AssertErrors(Base.Replace("vip: lan.100", line, StringComparison.Ordinal), expected);
    }

    [Fact]
    public void TooManyAutoNetworksNamesTheFourth()
    {
        AssertErrors(
            Base.Replace("  lan: { subnet: auto }\n", "  lan: { subnet: auto }\n  far: { subnet: auto }\n  dmz: { subnet: auto }\n", StringComparison.Ordinal),
            "t.lab.yml:8: networks.dmz.subnet: a lab has at most 3 auto subnets (its slot's front, lan and far); give network 'dmz' an explicit CIDR");
    }

    [Fact]
    public void MissingRequiredFieldsAreNamed()
    {
        AssertErrors(
            Base.Replace("    role: client\n", "", StringComparison.Ordinal)
                .Replace("  count: 2\n", "", StringComparison.Ordinal)
                .Replace("mode: dr\n", "", StringComparison.Ordinal),
            "t.lab.yml:1: (file): missing required field 'mode'",
            "t.lab.yml:7: nodes.client: missing required field 'role'",
            "t.lab.yml:20: realServers: missing required field 'count'");
    }

    [Fact]
    public void UnknownRoleListsTheRoles()
    {
        AssertErrors(
            Base.Replace("role: client", "role: server", StringComparison.Ordinal),
            "t.lab.yml:9: nodes.client.role: unknown role 'server' (allowed: client, router, director, realserver)");
    }

    [Theory]
    [InlineData("role: client", "role: client: x", 9, "While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("role: client", "role: 'client", 9, "While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("via: router.front } ]", "via: router.front }", 11, "malformed YAML after this line (an unclosed '[' or '{'?)")]
    public void MalformedYamlIsReportedWithFileAndLine(string original, string broken, int line, string reason)
    {
        var text = Base.Replace(original, broken, StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, File)).Errors);

        Assert.Equal(line, error.Line);
        Assert.Equal($"t.lab.yml:{line}: yaml: {reason}", error.ToString());
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        AssertErrors("# nothing\n", "t.lab.yml:1: (file): the file is empty: a lab file is a mapping with name, mode, vip, networks and nodes");
    }

    [Fact]
    public void RouteViaAnAddressOffTheNodesNetworksIsRefused()
    {
        AssertErrors(
            Base.Replace("via: router.front", "via: router.lan", StringComparison.Ordinal),
            "t.lab.yml:11: nodes.client.routes[0].via: next hop 10.77.1.2 is not on any of client's networks (front 10.77.0.0/24)");
    }

    [Theory]
    [InlineData("  count: 0\n", null, "t.lab.yml:23: realServers.count: count 0 is below 1")]
    [InlineData("  count: 51\n", null, "t.lab.yml:23: realServers.count: count 51 is above the maximum of 50")]
    [InlineData("  count: 2\n", 60, "t.lab.yml:23: realServers.count: count 60 is above the maximum of 50 (the servers override)")]
    [InlineData("  count: 2\n  maxCount: 4\n", 5, "t.lab.yml:23: realServers.count: count 5 is above the maximum of 4 (the servers override)")]
    public void ServerCountOutOfRangeIsRefused(string countLine, int? servers, string expected)
    {
        var text = Base.Replace("  count: 2\n", countLine, StringComparison.Ordinal);

        Assert.Equal(expected, Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, File, servers: servers)).Errors).ToString());
    }

    [Fact]
    public void TunLabRefusesMoreServersThanItsBuilder()
    {
        var error = Assert.Throws<TopologyFileException>(() => StockLabs.Load("tun", null, 0, 41));

        Assert.StartsWith("lab/tun.lab.yml:", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(": realServers.count: count 41 is above the maximum of 40 (the servers override)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyRulesAndBadPlaceholdersAreRefused()
    {
        AssertErrors(
            Base.Replace("-A -t ${vip}:${port} -s rr", "-A -t ${vip}:${port} -s ${scheduler}", StringComparison.Ordinal)
                .Replace("    role: router\n", "    role: router\n    files: { /a: \"\", /b: \"${rs.lan}\" }\n", StringComparison.Ordinal),
            "t.lab.yml:14: nodes.router.files./a: the text is empty",
            "t.lab.yml:14: nodes.router.files./b: ${rs.lan}: ${rs} is only bound on the '* ' lines of a file text",
            "t.lab.yml:21: nodes.director.files./etc/lvs/rules.ipvs: ${scheduler}: unknown placeholder: use vip, port, name, node, net, rs (on '* ' lines), NETWORK.HOST, NODE.NETWORK, NODE.ip or NODE.NETWORK.if");
    }

    [Fact]
    public void ModelValidationProblemsCarryTheirLine()
    {
        AssertErrors(
            Base.Replace("  front: { subnet: auto }\n", "  front: { subnet: 6.6.6.0/24 }\n", StringComparison.Ordinal)
                .Replace("interfaces: { front: 10 }", "interfaces: { front: 1 }", StringComparison.Ordinal),
            "t.lab.yml:5: networks.front: network 'front': subnet 6.6.6.0/24 is not a private range",
            "t.lab.yml:8: nodes.client: node 'client': address 6.6.6.1 is reserved on network 'front' (network or host gateway)");
    }

    [Fact]
    public void BadLabNameOverrideIsReportedAtTheNameLine()
    {
        var error = Assert.Single(Assert.Throws<TopologyFileException>(() => LabFile.Parse(Base, File, name: "Bad Name")).Errors);

        Assert.Equal("t.lab.yml:1: name: lab name 'Bad Name' is invalid: use 1–24 characters a-z, 0-9 and '-', starting with a letter or digit", error.ToString());
    }

    [Fact]
    public void EveryProblemIsReportedAtOnceInFileOrder()
    {
        var error = Assert.Throws<TopologyFileException>(() => LabFile.Parse(
            Base.Replace("role: client", "role: clint", StringComparison.Ordinal).Replace("first: { lan: 11 }", "first: { lan: x }", StringComparison.Ordinal),
            File));

        Assert.Equal([9, 24], error.Errors.Select(e => e.Line));
        Assert.Equal(string.Join("\n", error.Errors), error.Message);
    }

    [Fact]
    public void MalformedFileOnDiskThrowsNamingItAndIsLeftAsItWas()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lvslab-{Guid.NewGuid():N}.lab.yml");
        var text = Base.Replace("interfaces: { front: 10 }", "interfaces: { front: 10", StringComparison.Ordinal);
        System.IO.File.WriteAllText(path, text);
        try
        {
            LabTopology? lab = null;

            var error = Assert.Throws<TopologyFileException>(() => lab = LabFile.Load(path));

            Assert.Null(lab);
            Assert.StartsWith($"{path}:", error.Message, StringComparison.Ordinal);
            Assert.Equal(text, System.IO.File.ReadAllText(path));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    private static void AssertErrors(string text, params string[] expected)
    {
        var error = Assert.Throws<TopologyFileException>(() => LabFile.Parse(text, File));
        Assert.Equal(expected, error.Errors.Select(e => e.ToString()));
    }

    private static string FindLabDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "lab", "dr.lab.yml")))
            {
                return Path.Combine(dir.FullName, "lab");
            }
        }

        throw new DirectoryNotFoundException("no lab/ directory above the test binaries");
    }
}
