using System.Globalization;
using System.Net;
using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// The LVS-DR lab. The client (CIP) sits on its own network behind a router; the director
/// (DIP, answering ARP for the VIP) and the real servers (RIPs, VIP hidden on <c>lo</c>) share
/// the LAN, and the real servers route replies to the router, not the director.
/// <code>
///  client ──front── router ──lan──┬── director (DIP; VIP answered in user space)
///  CIP .10          .2      .2    ├── rs1 (RIP .11, VIP on lo)
///                                 ├── rs2 (RIP .12, VIP on lo)
///                                 └── rs3 (RIP .13, VIP on lo)
/// </code>
/// </summary>
public static class DrLab
{
    /// <summary>The director's rules file inside its container.</summary>
    public const string RulesPath = "/etc/lvs/rules.ipvs";

    /// <summary>The director's firewall-mark rules file inside its container (when the lab has one).</summary>
    public const string MarksPath = "/etc/lvs/marks.rules";

    /// <summary>Builds the DR topology for lab <paramref name="name"/> in address slot <paramref name="slot"/>.</summary>
    /// <param name="name">The lab's name.</param>
    /// <param name="slot">Its address slot (see <see cref="AddressPlan"/>).</param>
    /// <param name="options">Choices; defaults to three servers with rr.</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string name, int slot, DrLabOptions? options = null)
    {
        options ??= new DrLabOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Servers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Servers, 50);
        var plan = new AddressPlan(slot);
        var front = new LabNetwork("front", plan.Front);
        var lan = new LabNetwork("lan", plan.Lan);
        var cip = plan.FrontHost(10);
        var routerFront = plan.FrontHost(2);
        var routerLan = plan.LanHost(2);
        var dip = plan.LanHost(3);
        var vip = plan.LanHost(100);

        var nodes = new List<LabNode>
        {
            new()
            {
                Name = "client",
                Role = NodeRole.Client,
                Image = "client",
                Interfaces = [new NodeInterface("front", cip)],
                Routes = [LabRoute.Default(routerFront)],
            },
            new()
            {
                Name = "router",
                Role = NodeRole.Router,
                Image = "router",
                Interfaces = [new NodeInterface("front", routerFront), new NodeInterface("lan", routerLan)],
                Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" },
            },
        };

        var rips = Enumerable.Range(1, options.Servers).Select(i => plan.LanHost(10 + i)).ToList();
        var environment = new Dictionary<string, string>(options.DirectorHealth) { ["LVS_INTERFACE"] = "eth0" };
        var files = new Dictionary<string, string> { [RulesPath] = options.Rules?.Invoke(vip, rips) ?? Rules(vip, options.Port, options.Scheduler, rips) };
        if (options.Marks is { } marks)
        {
            environment["LVS_MARKS"] = MarksPath;
            files[MarksPath] = marks(vip, rips);
        }

        nodes.Add(new LabNode
        {
            Name = "director",
            Role = NodeRole.Director,
            Image = "director",
            Interfaces = [new NodeInterface("lan", dip)],
            // The kernel must not forward nor own the VIP: the user-space director does both jobs.
            Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "0" },
            Environment = environment,
            Files = files,
        });

        var sysctls = options.ArpSysctls
            ? new Dictionary<string, string>
            {
                ["net.ipv4.conf.all.arp_ignore"] = "1",
                ["net.ipv4.conf.all.arp_announce"] = "2",
            }
            : new Dictionary<string, string>();
        for (var i = 0; i < rips.Count; i++)
        {
            var rs = $"rs{i + 1}";
            nodes.Add(new LabNode
            {
                Name = rs,
                Role = NodeRole.RealServer,
                Image = "realserver",
                Interfaces = [new NodeInterface("lan", rips[i])],
                LoopbackAddresses = [vip],
                Routes = [LabRoute.Default(routerLan)],
                Sysctls = sysctls,
                Environment = new Dictionary<string, string> { ["LVSLAB_NODE"] = rs },
                Readiness = RealServerReadiness.Command,
            });
        }

        var lab = new LabTopology
        {
            Name = name,
            Mode = "dr",
            Vip = vip,
            Port = options.Port,
            Networks = [front, lan],
            Nodes = nodes,
        };

        return options.Ipv6 ? Ipv6Plan.DualStack(lab) : lab;
    }

    /// <summary>The director's rules for a DR service, in <c>ipvsadm-save -n</c> form.</summary>
    /// <param name="vip">The VIP.</param>
    /// <param name="port">The service port.</param>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="rips">The real servers.</param>
    /// <returns>The rules text.</returns>
    public static string Rules(IPAddress vip, int port, string scheduler, IEnumerable<IPAddress> rips)
    {
        ArgumentNullException.ThrowIfNull(rips);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"-A -t {vip}:{port} -s {scheduler}\n");
        foreach (var rip in rips)
        {
            text.Append(CultureInfo.InvariantCulture, $"-a -t {vip}:{port} -r {rip}:{port} -g -w 1\n");
        }

        return text.ToString();
    }
}
