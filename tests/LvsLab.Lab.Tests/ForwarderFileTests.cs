using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Lab.Tests;

public class ForwarderFileTests
{
    private const string Example = """
        # my load balancer
        name: mylb
        image: myorg/lb:1.2
        modes: [dr, nat]
        schedulers: [rr, wrr]
        capabilities: [persistence]
        environment: { LB_LOG: debug }
        sysctls: { net.ipv4.ip_forward: "1" }
        readiness:
          log: "^mylb: listening on eth0$"
        """;

    [Fact]
    public void ADescriptionSaysWhatTheForwarderClaimsAndHowItIsReady()
    {
        var lb = ForwarderFile.Parse(Example, "lb.forwarder.yml");
        Assert.Equal("mylb", lb.Name);
        Assert.Equal("myorg/lb:1.2", lb.Image);
        Assert.True(lb.Supports("dr") && lb.Supports("nat") && !lb.Supports("tun"));
        Assert.True(lb.Schedules("wrr") && !lb.Schedules("sh"));
        Assert.True(lb.Claims(ForwarderCapabilities.Persistence) && !lb.Claims(ForwarderCapabilities.LvsDirectorControl));
        Assert.Equal("debug", lb.Environment["LB_LOG"]);
        var log = Assert.IsType<LogLineReadiness>(lb.Readiness);
        Assert.Equal(1, log.CountMatches("mylb: starting\nmylb: listening on eth0\n"));
        Assert.Equal(0, log.CountMatches("mylb: listening on eth0 soon\n"));
    }

    [Fact]
    public void ApplyingItPutsTheImageEnvironmentAndReadinessInTheDirectorNodeOnly()
    {
        var lb = ForwarderFile.Parse(Example, "lb.forwarder.yml");
        var nat = lb.ApplyTo(StockLabs.Load("nat", "x", 1));
        var director = nat.Node("director");
        Assert.Equal("myorg/lb:1.2", director.Image);
        Assert.Equal("debug", director.Environment["LB_LOG"]);
        Assert.Equal("eth0,eth1", director.Environment["LVS_INTERFACE"]);
        Assert.Equal("1", director.Sysctls["net.ipv4.ip_forward"]);
        Assert.Same(lb.Readiness, director.Readiness);
        Assert.Equal("client", nat.Node("client").Image);
        var tun = Assert.Throws<ArgumentException>(() => lb.ApplyTo(StockLabs.Load("tun", "t", 1)));
        Assert.StartsWith("the forwarder 'mylb' does DR and NAT, not tun (lab 't')", tun.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InADualStackLabAForwarderThatForwardsIpv4ForwardsIpv6Too()
    {
        var lb = ForwarderFile.Parse(Example, "lb.forwarder.yml");
        var dual = lb.ApplyTo(StockLabs.Load("nat", "x", 1, ipv6: true)).Node("director");
        Assert.Equal("1", dual.Sysctls["net.ipv4.ip_forward"]);
        Assert.Equal("1", dual.Sysctls["net.ipv6.conf.all.forwarding"]);

        // An IPv4-only lab gets no IPv6 setting from it.
        Assert.False(lb.ApplyTo(StockLabs.Load("nat", "x", 1)).Node("director").Sysctls.ContainsKey("net.ipv6.conf.all.forwarding"));
    }

    [Theory]
    [InlineData("readiness:\n  command: [sh, -c, \"test -e /run/lb.ready\"]", typeof(CommandReadiness))]
    [InlineData("readiness:\n  file: /run/lb.ready", typeof(FileReadiness))]
    [InlineData("readiness:\n  log: ready", typeof(LogLineReadiness))]
    public void ReadinessIsALogLineACommandOrAFile(string readiness, Type kind)
    {
        var lb = ForwarderFile.Parse($"name: lb\nimage: lb:1\nmodes: [dr]\n{readiness}\n", "f.yml");
        Assert.IsType(kind, lb.Readiness);
    }

    [Theory]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr, dsr]\nreadiness: { log: ready }\n", "f.yml:3: modes: unknown 'dsr' (known: dr, nat, tun)")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nschedulers: [rr, fast]\nreadiness: { log: ready }\n", "f.yml:4: schedulers: unknown 'fast' (known: rr, wrr,")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nlinuxCapabilities: [CAP_BPF]\nreadiness: { log: ready }\n", "f.yml:4: linuxCapabilities: 'CAP_BPF' is not a Linux capability as Docker names it (e.g. SYS_ADMIN, no CAP_ prefix)")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\ncapabilities: [teleport]\nreadiness: { log: ready }\n", "f.yml:4: capabilities: unknown 'teleport' (known: persistence,")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nreadiness: { log: \"(\" }\n", "f.yml:4: readiness.log: '(' is not a regular expression")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nreadiness: { log: a, file: /b }\n", "f.yml:4: readiness: expected exactly one of log: PATTERN, command: [ARGS], file: PATH")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nreadiness: { file: run/ready }\n", "f.yml:4: readiness.file: 'run/ready' is not an absolute path")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\n", "f.yml:1: readiness: missing (required)")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nport: 80\nreadiness: { log: ready }\n", "f.yml:4: port: unknown key (known: name, image,")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr]\nenvironment: { 1X: y }\nreadiness: { log: ready }\n", "f.yml:4: environment.1X: '1X' is not an environment variable name")]
    [InlineData("name: lb\nimage: lb:1\nmodes: [dr\n", "f.yml:4: yaml:")]
    public void ABadDescriptionIsRefusedNamingFileLineAndField(string text, string expected)
    {
        var error = Assert.Throws<TopologyFileException>(() => ForwarderFile.Parse(text, "f.yml"));
        Assert.Contains(error.Errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var error = Assert.Throws<TopologyFileException>(() => ForwarderFile.Parse("name: lb\nmodes: [dr, x]\ncolour: red\n", "f.yml"));
        Assert.Equal(["f.yml:1: image: missing (required)", "f.yml:1: readiness: missing (required): one of log: PATTERN, command: [ARGS], file: PATH", "f.yml:2: modes: unknown 'x' (known: dr, nat, tun)", "f.yml:3: colour: unknown key (known: name, image, modes, schedulers, capabilities, linuxCapabilities, environment, sysctls, requires, readiness)"], error.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheStockForwardersAreFilesThatParse()
    {
        foreach (var name in ForwarderCatalog.StockNames)
        {
            var stock = ForwarderCatalog.Resolve(name);
            Assert.Equal(name, stock.Name);
            Assert.Equal(stock with { Source = "stock" }, ForwarderFile.Parse(ForwarderCatalog.StockText(name), "x") with { Source = "stock" }, new DescriptionComparer());
        }

        Assert.True(ForwarderCatalog.Resolve("lvslab").Claims(ForwarderCapabilities.LvsDirectorControl));
        Assert.False(ForwarderCatalog.Resolve("nftables").Supports("tun"));
        Assert.Equal("the kernel has no ip_vs (no /proc/net/ip_vs): the forwarder 'ipvs' cannot run here", ForwarderCatalog.Resolve("ipvs").UnavailableReason(_ => false));
        Assert.Null(ForwarderCatalog.Resolve("ipvs").UnavailableReason(_ => true));
    }

    [Fact]
    public void AnImageUnderTheDefaultContractClaimsEveryModeRoundRobinAndNothingElse()
    {
        var image = ForwarderCatalog.Resolve("image:myorg/lb:1.2");
        Assert.Equal("myorg/lb:1.2", image.Image);
        Assert.Equal("default contract", image.Source);
        Assert.All(ForwarderCapabilities.Modes, m => Assert.True(image.Supports(m)));
        Assert.Equal(["rr"], image.Schedulers);
        Assert.Empty(image.Capabilities);
        var ready = Assert.IsType<LogLineReadiness>(image.Readiness);
        Assert.Equal(1, ready.CountMatches("lvs-director: ready\n"));
        Assert.Equal(1, ready.CountMatches("booting\nready\n"));
        Assert.Equal(0, ready.CountMatches("not ready\nalready there\n"));
    }

    [Fact]
    public void ADescriptionFileIsResolvedByItsPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lb-{Guid.NewGuid():N}.forwarder.yml");
        File.WriteAllText(path, Example);
        try
        {
            var lb = ForwarderCatalog.Resolve(path);
            Assert.Equal("mylb", lb.Name);
            Assert.Equal(path, lb.Source);
        }
        finally
        {
            File.Delete(path);
        }

        var missing = Assert.Throws<ArgumentException>(() => ForwarderCatalog.Resolve(path));
        Assert.StartsWith($"forwarder description '{path}' does not exist", missing.Message, StringComparison.Ordinal);
    }

    private sealed class DescriptionComparer : IEqualityComparer<ForwarderDescription>
    {
        public bool Equals(ForwarderDescription? x, ForwarderDescription? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Image == y.Image && x.Modes.SetEquals(y.Modes)
            && x.Schedulers.SetEquals(y.Schedulers) && x.Capabilities.SetEquals(y.Capabilities)
            && x.Environment.OrderBy(p => p.Key).SequenceEqual(y.Environment.OrderBy(p => p.Key))
            && x.Sysctls.OrderBy(p => p.Key).SequenceEqual(y.Sysctls.OrderBy(p => p.Key))
            && x.Requirements.SequenceEqual(y.Requirements) && Equals(x.Readiness, y.Readiness);

        public int GetHashCode(ForwarderDescription obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
