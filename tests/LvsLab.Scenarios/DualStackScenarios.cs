using System.Globalization;
using System.Net;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;
using LvsLab.Testing.Capture;

namespace LvsLab.Scenarios;

/// <summary>The stock DR lab with IPv6 beside IPv4 (<c>lvslab up dr --ipv6</c>).</summary>
public sealed class DualStackDrLabFixture : LabFixture
{
    /// <inheritdoc/>
    protected override string NamePrefix => "t-v6";

    /// <inheritdoc/>
    protected override LabTopology CreateTopology(string name, int slot) =>
        DrLab.Create(name, slot, new DrLabOptions { Ipv6 = true });
}

/// <summary>
/// A dual-stack lab as Docker realises it: every node holds its unique-local IPv6 address beside
/// its IPv4 one, the client reaches each real server over IPv6 through the router (and the
/// server sees the client's own IPv6 address), status reports the VIP6, no frame of the lab's
/// IPv6 subnets shows on the host's own interfaces — and the IPv6 side of DR's "ARP problem",
/// measured: a real server holding the VIP6 on <c>lo</c> answers no neighbour solicitation for
/// it (Linux answers a solicitation only for an address of the interface it came in on), while
/// the same address on its <c>eth0</c> (the negative control) is answered at once.
/// </summary>
public sealed class DualStackScenarios(DualStackDrLabFixture fixture, ITestOutputHelper output) : IClassFixture<DualStackDrLabFixture>
{
    [Fact]
    public async Task EveryNodeHoldsItsIpv6AddressAndTheClientReachesEachRealServerOverIpv6()
    {
        var lab = fixture.Lab;
        Assert.NotNull(lab.Topology.Vip6);
        foreach (var node in lab.Topology.Nodes)
        {
            var shown = (await lab.ExecAsync(node.Name, ["ip", "-o", "-6", "addr", "show", "scope", "global"])).Stdout;
            foreach (var nic in node.Interfaces)
            {
                Assert.Contains($" {nic.Address6}/64 ", shown, StringComparison.Ordinal);
            }

            // Unique-local only: no global address anywhere in the lab.
            Assert.All(
                shown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => IPAddress.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split('/')[0])),
                a => Assert.True(AddressMath.IsUniqueLocal(a), $"{node.Name} holds {a}"));
        }

        // Each real server over IPv6 from the client, through the router; the server sees the client's IPv6 address.
        var clientAddress = lab.Topology.Node("client").Address6On("front");
        var folder = Artifacts.For(nameof(DualStackScenarios), nameof(EveryNodeHoldsItsIpv6AddressAndTheClientReachesEachRealServerOverIpv6));
        var labSubnets = string.Join(" or ", lab.Topology.Networks.Select(n => $"net {n.Subnet6}"));
        var hostTaps = new DirectoryInfo("/sys/class/net").GetFileSystemInfos()
            .Select(i => i.Name)
            .Where(n => !n.StartsWith("veth", StringComparison.Ordinal) && !n.StartsWith("br-", StringComparison.Ordinal) && IsUp(n))
            .Select(n => Tap.Start($"host-{n}", n, $"ip6 and ({labSubnets})"))
            .ToList();
        await using (var taps = TapSet.Start(lab, folder, "client", "router:lan"))
        {
            foreach (var server in lab.Topology.NodesWith(NodeRole.RealServer))
            {
                var address = server.Address6On("lan");
                var answer = await lab.ExecAsync("client", ["curl", "-s", "-m", "5", $"http://[{address}]:{lab.Topology.Port}/"]);
                output.WriteLine($"{server.Name} [{address}]: {answer.Stdout.Trim()}");
                Assert.Equal($"server={server.Name} client={clientAddress}:", answer.Stdout.Trim()[..$"server={server.Name} client={clientAddress}:".Length]);
            }

            await taps.StopAsync();

            // The control: the same filter over the router's captured LAN frames finds the requests
            // (IPv6, EtherType 0x86DD, to the real servers' /64): a leak would not have gone unseen.
            var lan = lab.Topology.Network("lan").Subnet6!.Value;
            var onLan = taps.On("router:lan").Count(f => f.Data.Length > 54 && f.Data[12] == 0x86 && f.Data[13] == 0xDD && lan.Contains(new IPAddress(f.Data.AsSpan(38, 16))));
            output.WriteLine($"router's LAN link: {onLan} IPv6 frames to {lan}");
            Assert.True(onLan >= 3 * 3, $"only {onLan} IPv6 frames to {lan} on the router's LAN link");
        }

        var leaked = hostTaps.Sum(t => t.Frames.Count);
        output.WriteLine($"host interfaces ({string.Join(", ", hostTaps.Select(t => t.HostInterface))}): {leaked} frames of {labSubnets}");
        hostTaps.ForEach(t => t.Dispose());
        Assert.Equal(0, leaked);
    }

    [Fact]
    public async Task StatusReportsTheVip6()
    {
        var status = (await fixture.Runtime.ListAsync()).Single(l => l.Name == fixture.Topology.Name);
        Assert.Equal(fixture.Topology.Vip6!.ToString(), status.Vip6);
    }

    [Fact]
    public async Task ARealServerWithTheVip6OnLoAnswersNoNeighbourSolicitationButOnEth0ItDoes()
    {
        var lab = fixture.Lab;
        var vip6 = lab.Topology.Vip6!.ToString();
        var rs1Mac = (await lab.ExecAsync("rs1", ["cat", "/sys/class/net/eth0/address"])).Stdout.Trim();

        // The router solicits the VIP6 (a ping makes it): with the VIP6 on the real servers' lo only, nobody answers.
        Assert.Contains(vip6, (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "show", "dev", "lo"])).Stdout, StringComparison.Ordinal);
        var onLo = await NeighbourOfVip6Async();
        output.WriteLine($"VIP6 on lo: the router's neighbour entry: {onLo}");
        Assert.DoesNotContain(rs1Mac, onLo, StringComparison.Ordinal);
        Assert.Contains("FAILED", onLo, StringComparison.Ordinal);

        // The negative control: the same address on rs1's eth0 is answered, by rs1.
        Assert.Equal(0, (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "add", $"{vip6}/128", "dev", "eth0", "nodad"])).ExitCode);
        try
        {
            var onEth0 = await NeighbourOfVip6Async();
            output.WriteLine($"VIP6 on eth0 (the negative control): {onEth0}");
            Assert.Contains(rs1Mac, onEth0, StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(0, (await lab.ExecAsync("rs1", ["ip", "-6", "addr", "del", $"{vip6}/128", "dev", "eth0"])).ExitCode);
            await lab.ExecAsync("router", ["ip", "-6", "neigh", "flush", "to", vip6]);
        }

        // The router's neighbour entry for the VIP6 once a ping has solicited it (three solicitations, then FAILED or an answer).
        async Task<string> NeighbourOfVip6Async()
        {
            await lab.ExecAsync("router", ["ip", "-6", "neigh", "flush", "to", vip6]);
            await lab.ExecAsync("router", ["ping", "-6", "-c", "1", "-W", "1", vip6]);
            var entry = string.Empty;
            await Eventually.TrueAsync(
                async _ =>
                {
                    entry = (await lab.ExecAsync("router", ["ip", "-6", "neigh", "show", "to", vip6])).Stdout.Trim();
                    return !entry.Contains("INCOMPLETE", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(10),
                string.Create(CultureInfo.InvariantCulture, $"the router's neighbour entry for {vip6} to resolve or fail"));
            return entry;
        }
    }

    // An interface that is up (IFF_UP): one that is down carries nothing and cannot be captured.
    private static bool IsUp(string name) =>
        File.Exists($"/sys/class/net/{name}/flags")
        && (Convert.ToInt32(File.ReadAllText($"/sys/class/net/{name}/flags").Trim(), 16) & 1) != 0;
}
