using System.Globalization;
using System.Net;
using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The LVS-NAT lab (seed idea 6). The director stands between the client's network and the
/// real servers' network; it rewrites the destination VIP:80 → RIP:8080 on the way in and the
/// source RIP:8080 → VIP:80 on the way out, so the real servers must route their replies
/// through it (their default route is the DIP). A router joins both networks too: the way
/// replies leak when a real server routes around the director.
/// <code>
///                 front                              back
///  client .10 ──────────┬── director  .3 (VIP .100) .3 (DIP) ──┬── rs1 .11  (default via DIP)
///                       └── router    .2             .2 ───────┼── rs2 .12
///                                                              └── rs3 .13
/// </code>
/// </summary>
public static class NatLab
{
    /// <summary>The TCP service's port on the VIP.</summary>
    public const int TcpPort = 80;

    /// <summary>The TCP port the real servers listen on (port mapping 80 → 8080).</summary>
    public const int RealTcpPort = 8080;

    /// <summary>The UDP service's port on the VIP.</summary>
    public const int UdpPort = 53;

    /// <summary>The UDP port the real servers answer on (53 → 5353).</summary>
    public const int RealUdpPort = 5353;

    /// <summary>Builds the NAT topology for lab <paramref name="name"/> in address slot <paramref name="slot"/>.</summary>
    /// <param name="name">The lab's name.</param>
    /// <param name="slot">Its address slot (see <see cref="AddressPlan"/>).</param>
    /// <param name="options">Choices; defaults to three servers with rr, replies through the director.</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string name, int slot, NatLabOptions? options = null)
    {
        options ??= new NatLabOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Servers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Servers, 50);
        var plan = new AddressPlan(slot);
        var vip = plan.FrontHost(100);
        var dip = plan.LanHost(3);
        var routerBack = plan.LanHost(2);
        var rips = Enumerable.Range(1, options.Servers).Select(i => plan.LanHost(10 + i)).ToList();

        var nodes = new List<LabNode>
        {
            new()
            {
                Name = "client",
                Role = NodeRole.Client,
                Image = "client",
                Interfaces = [new NodeInterface("front", plan.FrontHost(10))],
            },
            new()
            {
                Name = "router",
                Role = NodeRole.Router,
                Image = "router",
                Interfaces = [new NodeInterface("front", plan.FrontHost(2)), new NodeInterface("back", routerBack)],
                Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
            },
            new()
            {
                Name = "director",
                Role = NodeRole.Director,
                Image = "director",
                Interfaces = [new NodeInterface("front", plan.FrontHost(3)), new NodeInterface("back", dip)],
                // All forwarding is the user-space director's: the kernel neither forwards nor owns the VIP.
                Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "0" },
                Environment = new Dictionary<string, string> { ["LVS_INTERFACE"] = "eth0,eth1" },
                Files = new Dictionary<string, string> { [DrLab.RulesPath] = Rules(vip, options.Scheduler, rips) },
            },
        };

        var gateway = options.RouteRepliesThroughDirector ? dip : routerBack;
        for (var i = 0; i < rips.Count; i++)
        {
            var rs = $"rs{i + 1}";
            nodes.Add(new LabNode
            {
                Name = rs,
                Role = NodeRole.RealServer,
                Image = "realserver",
                Interfaces = [new NodeInterface("back", rips[i])],
                Routes = [LabRoute.Default(gateway)],
                Environment = new Dictionary<string, string> { ["LVSLAB_NODE"] = rs },
                Readiness = RealServerReadiness.Command,
            });
        }

        var lab = new LabTopology
        {
            Name = name,
            Mode = "nat",
            Vip = vip,
            Port = TcpPort,
            Networks = [new LabNetwork("front", plan.Front), new LabNetwork("back", plan.Lan)],
            Nodes = nodes,
        };

        return options.Ipv6 ? Ipv6Plan.DualStack(lab) : lab;
    }

    /// <summary>The director's rules: TCP VIP:80 → RIP:8080 and UDP VIP:53 → RIP:5353, both masquerading.</summary>
    /// <param name="vip">The VIP.</param>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="rips">The real servers.</param>
    /// <returns>The rules text.</returns>
    public static string Rules(IPAddress vip, string scheduler, IReadOnlyList<IPAddress> rips)
    {
        ArgumentNullException.ThrowIfNull(rips);
        var text = new StringBuilder();
        foreach (var (flag, port, realPort) in new[] { ("-t", TcpPort, RealTcpPort), ("-u", UdpPort, RealUdpPort) })
        {
            text.Append(CultureInfo.InvariantCulture, $"-A {flag} {vip}:{port} -s {scheduler}\n");
            foreach (var rip in rips)
            {
                text.Append(CultureInfo.InvariantCulture, $"-a {flag} {vip}:{port} -r {rip}:{realPort} -m -w 1\n");
            }
        }

        return text.ToString();
    }
}
