using System.Globalization;
using System.Net;
using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The LVS-TUN lab (seed idea 8). The director wraps each request in IP-in-IP to a real server
/// that may sit on another subnet behind a router; the server unwraps it (kernel <c>tunl0</c>
/// where the kernel has <c>ipip</c>, else the user-space <c>lvs-decap</c> on a TUN device),
/// holds the VIP on <c>lo</c> and answers the client directly.
/// <code>
///  client .10 ──front── .2 router .2 ──lan──┬── director .3 (VIP .100, default via router)
///                           .2               └── rs1 .11 (VIP on lo)
///                            └──far 10.78.s/24──┬── rs2 .12 (VIP on lo)
///                                               └── rs3 .13 (VIP on lo)
/// </code>
/// </summary>
public static class TunLab
{
    /// <summary>The TCP port of the upload (byte-counting) service on the VIP and the real servers.</summary>
    public const int UploadPort = 9000;

    /// <summary>Where a real server records which decapsulation path runs (<c>kernel-ipip</c> or <c>user-space</c>).</summary>
    public const string PathFile = "/run/lvs-tun-path";

    /// <summary>Builds the TUN topology for lab <paramref name="name"/> in address slot <paramref name="slot"/>.</summary>
    /// <param name="name">The lab's name.</param>
    /// <param name="slot">Its address slot (see <see cref="AddressPlan"/>).</param>
    /// <param name="options">Choices.</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string name, int slot, TunLabOptions? options = null)
    {
        options ??= new TunLabOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Servers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Servers, 40);
        var plan = new AddressPlan(slot);
        var vip = plan.LanHost(100);
        var routerLan = plan.LanHost(2);
        var routerFar = plan.FarHost(2);
        var noRpFilter = new Dictionary<string, string>
        {
            ["net.ipv4.conf.all.rp_filter"] = "0",
            ["net.ipv4.conf.default.rp_filter"] = "0",
        };

        var nodes = new List<LabNode>
        {
            new()
            {
                Name = "client",
                Role = NodeRole.Client,
                Image = "client",
                Interfaces = [new NodeInterface("front", plan.FrontHost(10))],
                Routes = [LabRoute.Default(plan.FrontHost(2))],
            },
            new()
            {
                Name = "router",
                Role = NodeRole.Router,
                Image = "router",
                Interfaces = [new NodeInterface("front", plan.FrontHost(2)), new NodeInterface("lan", routerLan), new NodeInterface("far", routerFar)],
                // Replies from far servers carry the VIP (a LAN address) as source: no reverse-path check.
                Sysctls = new Dictionary<string, string>(noRpFilter) { ["net.ipv4.ip_forward"] = "1" },
            },
        };

        var servers = new List<(string Name, string Network, IPAddress Address, IPAddress Gateway)>();
        for (var i = 1; i <= options.Servers; i++)
        {
            var onLan = i == 1 && options.Servers > 1;
            servers.Add(onLan
                ? ($"rs{i}", "lan", plan.LanHost(10 + i), routerLan)
                : ($"rs{i}", "far", plan.FarHost(10 + i), routerFar));
        }

        nodes.Add(new LabNode
        {
            Name = "director",
            Role = NodeRole.Director,
            Image = "director",
            Interfaces = [new NodeInterface("lan", plan.LanHost(3))],
            // The director reaches far servers through the router, by its own table.
            Routes = [LabRoute.Default(routerLan)],
            Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "0" },
            Environment = new Dictionary<string, string> { ["LVS_INTERFACE"] = "eth0" },
            Files = new Dictionary<string, string> { [DrLab.RulesPath] = Rules(vip, options.Scheduler, servers.Select(s => s.Address).ToList()) },
        });

        var rsSysctls = new Dictionary<string, string>
        {
            ["net.ipv4.conf.all.arp_ignore"] = "1",
            ["net.ipv4.conf.all.arp_announce"] = "2",
            ["net.ipv4.conf.all.rp_filter"] = options.StrictRpFilter ? "1" : "0",
            ["net.ipv4.conf.default.rp_filter"] = options.StrictRpFilter ? "1" : "0",
        };
        foreach (var (rsName, network, address, gateway) in servers)
        {
            nodes.Add(new LabNode
            {
                Name = rsName,
                Role = NodeRole.RealServer,
                Image = "realserver",
                Interfaces = [new NodeInterface(network, address)],
                LoopbackAddresses = [vip],
                Routes = [LabRoute.Default(gateway)],
                Sysctls = rsSysctls,
                Devices = ["/dev/net/tun"],
                Environment = new Dictionary<string, string> { ["LVSLAB_NODE"] = rsName, ["LVSLAB_TUN"] = "1" },
                Readiness = RealServerReadiness.WithTunnel(PathFile),
            });
        }

        var lab = new LabTopology
        {
            Name = name,
            Mode = "tun",
            Vip = vip,
            Port = 80,
            Networks = [new LabNetwork("front", plan.Front), new LabNetwork("lan", plan.Lan), new LabNetwork("far", plan.Far)],
            Nodes = nodes,
        };

        return options.Ipv6 ? Ipv6Plan.DualStack(lab) : lab;
    }

    /// <summary>The director's rules: VIP:80 and VIP:9000 (uploads) to every real server by IP-in-IP.</summary>
    /// <param name="vip">The VIP.</param>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="rips">The real servers.</param>
    /// <returns>The rules text.</returns>
    public static string Rules(IPAddress vip, string scheduler, IReadOnlyList<IPAddress> rips)
    {
        ArgumentNullException.ThrowIfNull(rips);
        var text = new StringBuilder();
        foreach (var port in new[] { 80, UploadPort })
        {
            text.Append(CultureInfo.InvariantCulture, $"-A -t {vip}:{port} -s {scheduler}\n");
            foreach (var rip in rips)
            {
                text.Append(CultureInfo.InvariantCulture, $"-a -t {vip}:{port} -r {rip}:{port} -i -w 1\n");
            }
        }

        return text.ToString();
    }
}
