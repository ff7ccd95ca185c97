using System.Net;
using System.Text.RegularExpressions;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// A DR lab with a persistent service (VIP:80, rr, <c>-p 4</c>) next to a plain one (VIP:8080,
/// rr) on the same three real servers.
/// </summary>
public sealed class PersistenceLabFixture : LabFixture
{
    /// <summary>The persistence timeout of VIP:80, in seconds.</summary>
    public const int PersistenceSeconds = 4;

    /// <inheritdoc/>
    protected override string NamePrefix => "t-persist";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => DrLab.Create(name, slot, new DrLabOptions
    {
        Rules = (vip, rips) =>
            $"-A -t {vip}:80 -s rr -p {PersistenceSeconds}\n" + string.Concat(rips.Select(r => $"-a -t {vip}:80 -r {r}:80 -g -w 1\n")) +
            $"-A -t {vip}:8080 -s rr\n" + string.Concat(rips.Select(r => $"-a -t {vip}:8080 -r {r}:8080 -g -w 1\n")),
    });
}

/// <summary>
/// Persistence (<c>-p</c>) in a running lab: a client's connections stick to one real server
/// and are scheduled afresh once the template has expired; and the director controlled at run
/// time like ipvsadm: services and real servers added and deleted, <c>--set</c> timeouts, rates.
/// </summary>
public sealed partial class PersistenceScenarios(PersistenceLabFixture fixture, ITestOutputHelper output) : IClassFixture<PersistenceLabFixture>
{
    private IPAddress Vip => fixture.Topology.Vip;

    [Fact]
    public async Task PersistenceHoldsAcrossConnectionsAndExpiresAfterItsTimeout()
    {
        // Closed connections leave the table 1 s after the client's FIN, so the template's own
        // timeout is what the test waits for.
        await IpvsadmAsync("--set", "0", "1", "0");
        var list = await IpvsadmAsync("-L", "-n");
        Assert.Contains($"TCP  {Vip}:80 rr persistent {PersistenceLabFixture.PersistenceSeconds}", list, StringComparison.Ordinal);

        var sticky = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 8);
        Assert.All(sticky, r => Assert.NotNull(r));
        var first = sticky[0]!.Server;
        Assert.All(sticky, r => Assert.Equal(first, r!.Server));
        Assert.Equal(8, sticky.Select(r => r!.ClientPort).Distinct().Count());

        // The negative control: the same client, the same servers, no -p: rr spreads it.
        var spread = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:8080/", 6);
        Assert.Equal(3, spread.Select(r => r!.Server).Distinct().Count());

        var table = await IpvsadmAsync("-L", "-n", "-c");
        output.WriteLine(table);
        Assert.Matches(TemplateLine(), table);

        // Once its connections are gone and its timeout has passed, the template goes…
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(async _ => !TemplateLine().IsMatch(await IpvsadmAsync("-L", "-n", "-c")), TimeSpan.FromSeconds(30), "the persistence template to expire");
        output.WriteLine($"template gone {watch.ElapsedMilliseconds} ms after the last connection");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(PersistenceLabFixture.PersistenceSeconds - 1), $"gone after {watch.ElapsedMilliseconds} ms");

        // …and the client is scheduled afresh: rr has moved on to the next server.
        var after = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 3);
        Assert.All(after, r => Assert.NotEqual(first, r!.Server));
        Assert.Single(after.Select(r => r!.Server).Distinct());
        await IpvsadmAsync("--set", "900", "120", "300");
        Assert.Equal("Timeout (tcp tcpfin udp): 900 120 300", (await IpvsadmAsync("-L", "--timeout")).Trim());
    }

    [Fact]
    public async Task RealServersAndServicesAreAddedAndDeletedAtRunTime()
    {
        var rs3 = fixture.Topology.Node("rs3").AddressOn("lan");
        await IpvsadmAsync("-d", "-t", $"{Vip}:8080", "-r", $"{rs3}:8080");
        var without = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:8080/", 6);
        Assert.All(without, r => Assert.NotNull(r));
        Assert.DoesNotContain(without, r => r!.Server == "rs3");
        Assert.DoesNotContain($"{rs3}:8080", await IpvsadmAsync("-L", "-n"), StringComparison.Ordinal);

        await IpvsadmAsync("-a", "-t", $"{Vip}:8080", "-r", $"{rs3}:8080", "-g", "-w", "1");
        var with = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:8080/", 6);
        Assert.Contains(with, r => r!.Server == "rs3");

        // A whole service: added, it serves; deleted, the VIP's port is closed again.
        await IpvsadmAsync("-A", "-t", $"{Vip}:9000", "-s", "rr");
        await IpvsadmAsync("-a", "-t", $"{Vip}:9000", "-r", $"{rs3}:9000", "-g");
        Assert.Equal("2", (await fixture.Lab.ExecAsync("client", ["sh", "-c", $"echo x | socat -t 5 - TCP4:{Vip}:9000"])).Stdout.Trim());
        await IpvsadmAsync("-D", "-t", $"{Vip}:9000");
        var closed = await fixture.Lab.ExecAsync("client", ["sh", "-c", $"echo x | timeout 3 socat -t 2 - TCP4:{Vip}:9000"]);
        Assert.NotEqual(0, closed.ExitCode);
        Assert.Equal(string.Empty, closed.Stdout.Trim());
    }

    [Fact]
    public async Task ABadCommandIsRefusedWithTheReasonAndChangesNothing()
    {
        var before = await IpvsadmAsync("-S", "-n");
        foreach (var (command, reason) in new (string[] Command, string Reason)[]
        {
            (["-a", "-t", $"{Vip}:8080", "-r", "10.77.250.9:8080", "-g", "-w", "70000"], "70000"),
            (["-d", "-t", $"{Vip}:8080", "-r", "10.77.250.9:8080"], "no such real server"),
            (["-E", "-t", $"{Vip}:8080", "-s", "lblc"], "-s lblc is not supported"),
            (["-A", "-f", "7", "-s", "rr"], "marks file"),
            (["--set", "1", "2"], "three timeouts"),
        })
        {
            var result = await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", .. command]);
            output.WriteLine(result.Stdout + result.Stderr);
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("error: ", result.Stdout, StringComparison.Ordinal);
            Assert.Contains(reason, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(before, await IpvsadmAsync("-S", "-n"));
    }

    [Fact]
    public async Task RatesShowTheTrafficOfTheLastSeconds()
    {
        // The estimators sample every 2 s; keep traffic going until a sample has seen it.
        string rates = string.Empty;
        await Eventually.TrueAsync(
            async _ =>
            {
                await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}:8080/", 3);
                rates = await IpvsadmAsync("-L", "-n", "--rate");
                var line = rates.Split('\n').First(l => l.StartsWith($"TCP  {Vip}:8080 ", StringComparison.Ordinal));
                var figures = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..].Select(double.Parse).ToList();
                return figures[0] > 0 && figures[1] > 0 && figures[3] > 0;
            },
            TimeSpan.FromSeconds(30),
            "a non-zero CPS, InPPS and InBPS for VIP:8080");
        output.WriteLine(rates);
        Assert.Contains("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS", rates, StringComparison.Ordinal);

        var stats = await IpvsadmAsync("-L", "-n", "--stats");
        var conns = long.Parse(stats.Split('\n').First(l => l.StartsWith($"TCP  {Vip}:8080 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(conns >= 3, stats);
    }

    private async Task<string> IpvsadmAsync(params string[] arguments) =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", .. arguments])).EnsureSuccess("lvs-director ipvsadm " + string.Join(' ', arguments)).Stdout;

    // A template: state NONE, client port 0, towards one real server's port 80.
    [GeneratedRegex(@"^TCP\s+\d\d:\d\d\s+NONE\s+\S+:0\s+\S+:80\s+\S+:80$", RegexOptions.Multiline)]
    private static partial Regex TemplateLine();
}

/// <summary>
/// A DR lab with the LVS-HOWTO's firewall-mark recipe: VIP:80 and VIP:8080 marked 1 by the
/// director's MARK rules and served as one persistent service (<c>-f 1 -p 60</c>); VIP:9000 is
/// an ordinary rr service.
/// </summary>
public sealed class FirewallMarkLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-fwmark";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => DrLab.Create(name, slot, new DrLabOptions
    {
        Marks = (vip, _) => $"iptables -t mangle -A PREROUTING -d {vip}/32 -p tcp -m multiport --dports 80,8080 -j MARK --set-mark 1\n",
        Rules = (vip, rips) =>
            "-A -f 1 -s rr -p 60\n" + string.Concat(rips.Select(r => $"-a -f 1 -r {r}:0 -g -w 1\n")) +
            $"-A -t {vip}:9000 -s rr\n" + string.Concat(rips.Select(r => $"-a -t {vip}:9000 -r {r}:9000 -g -w 1\n")),
    });
}

/// <summary>Firewall-mark services: two ports, one service, one real server per client.</summary>
public sealed class FirewallMarkScenarios(FirewallMarkLabFixture fixture, ITestOutputHelper output) : IClassFixture<FirewallMarkLabFixture>
{
    [Fact]
    public async Task TwoMarkedPortsAreOneServiceAndAClientSticksToOneServerAcrossBoth()
    {
        var vip = fixture.Topology.Vip;
        var replies = new List<ServerReply?>();
        for (var i = 0; i < 3; i++)
        {
            replies.AddRange(await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 1));
            replies.AddRange(await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}:8080/", 1));
        }

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Single(replies.Select(r => r!.Server).Distinct());

        var stats = (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", "-L", "-n", "--stats"])).EnsureSuccess("stats").Stdout;
        output.WriteLine(stats);
        var fwm = stats.Split('\n').First(l => l.StartsWith("FWM  1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("6", fwm[2]);

        // The unmarked port is an ordinary service: the same client is spread over the servers.
        var counted = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", (await fixture.Lab.ExecAsync("client", ["sh", "-c", $"echo x | socat -t 5 - TCP4:{vip}:9000"])).Stdout.Trim());
        }

        var list = (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", "-L", "-n", "--stats"])).Stdout;
        var servers = list.Split('\n')
            .SkipWhile(l => !l.StartsWith($"TCP  {vip}:9000 ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ->", StringComparison.Ordinal))
            .Count(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2] == "1");
        Assert.Equal(3, servers);
    }
}

/// <summary>
/// A DR lab whose service holds rs1 and rs2 only; rs3 is the sorry server. Health checks by TCP
/// every 250 ms remove a failed server (keepalived's default, not inhibit).
/// </summary>
public sealed class SorryServerLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-sorry";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) => DrLab.Create(name, slot, new DrLabOptions
    {
        DirectorHealth = new Dictionary<string, string>
        {
            ["LVS_HEALTH"] = "tcp",
            ["LVS_HEALTH_INTERVAL_MS"] = "250",
            ["LVS_HEALTH_TIMEOUT_MS"] = "400",
            ["LVS_HEALTH_ON_FAILURE"] = "remove",
            ["LVS_SORRY_SERVER"] = new AddressPlan(slot).LanHost(13).ToString(),
        },
        Rules = (vip, rips) => $"-A -t {vip}:80 -s rr\n" + string.Concat(rips.Take(2).Select(r => $"-a -t {vip}:80 -r {r}:80 -g -w 1\n")),
    });
}

/// <summary>Removal on failure and the sorry server (keepalived's sorry_server) in a running lab.</summary>
public sealed class SorryServerScenarios(SorryServerLabFixture fixture, ITestOutputHelper output) : IClassFixture<SorryServerLabFixture>
{
    [Fact]
    public async Task TheSorryServerServesOnlyWhileEveryRealServerIsDown()
    {
        var vip = fixture.Topology.Vip;
        var rs1 = fixture.Topology.Node("rs1").AddressOn("lan");
        var rs3 = fixture.Topology.Node("rs3").AddressOn("lan");

        // While the real servers are up, the sorry server gets nothing.
        var normal = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 4);
        Assert.Equal(["rs1", "rs2"], normal.Select(r => r!.Server).Distinct().Order());

        await fixture.Lab.StopNodeAsync("rs1");
        await Eventually.TrueAsync(async _ => !(await ListAsync()).Contains($"{rs1}:80", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "rs1 to be removed");
        var one = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 4);
        Assert.All(one, r => Assert.Equal("rs2", r!.Server));

        await fixture.Lab.StopNodeAsync("rs2");
        await Eventually.TrueAsync(async _ => (await ListAsync()).Contains($"{rs3}:80", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the sorry server to stand in");
        output.WriteLine(await ListAsync());
        var sorry = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 4);
        Assert.All(sorry, r => Assert.Equal("rs3", r!.Server));

        await fixture.Lab.StartNodeAsync("rs1");
        await fixture.Lab.StartNodeAsync("rs2");
        await Eventually.TrueAsync(async _ => !(await ListAsync()).Contains($"{rs3}:80", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the sorry server to step back");
        var back = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{vip}/", 4);
        Assert.All(back, r => Assert.NotNull(r));
        Assert.DoesNotContain(back, r => r!.Server == "rs3");
    }

    private async Task<string> ListAsync() =>
        (await fixture.Lab.ExecAsync("director", ["lvs-director", "ipvsadm", "-L", "-n"])).EnsureSuccess("list").Stdout;
}
