using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// The two-port lab with every kind of service at once, for the million-frame fuzz: NAT, DR and
/// TUN (one tunnel server on the int port, one far away through the gateway), a persistent
/// service per client /24 (-p -M), a one-packet UDP NAT service (-o), all-ports persistent
/// services (port 0) and firewall-mark services (-f) fed by iptables-like mark rules; plus the
/// rule sets <see cref="DirectorEngine.Apply"/> switches between and the timeouts it runs under.
/// </summary>
/// <remarks>
/// Port 0 "ext" is 10.1.0.0/24 (gateway 10.1.0.1, MTU 1500), port 1 "int" is 10.2.0.0/24 with
/// MTU 1400, so that tunnelled frames near either MTU are sent, refused with an ICMP
/// "fragmentation needed" or dropped.
/// </remarks>
internal static class KitchenSinkLab
{
    public const int IntMtu = 1400;

    /// <summary>The first rule set: every kind of service.</summary>
    public const string BaseRules = """
        # NAT web with port mapping.
        -A -t 10.1.0.100:80 -s wlc
        -a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 1
        -a -t 10.1.0.100:80 -r 10.2.0.12:8080 -m -w 2
        # Direct routing.
        -A -t 10.1.0.100:443 -s rr
        -a -t 10.1.0.100:443 -r 10.1.0.21:443 -g -w 1
        # Tunnelling: on the int port, and a far server through the gateway.
        -A -t 10.1.0.100:81 -s rr
        -a -t 10.1.0.100:81 -r 10.2.0.11:81 -i -w 1
        -a -t 10.1.0.100:81 -r 172.20.0.5:81 -i -w 1
        # Persistent per client /24, methods mixed.
        -A -t 10.1.0.100:8443 -s lc -p 30 -M 255.255.255.0
        -a -t 10.1.0.100:8443 -r 10.2.0.11:8443 -m -w 1
        -a -t 10.1.0.100:8443 -r 10.2.0.12:8443 -m -w 1
        -a -t 10.1.0.100:8443 -r 10.1.0.21:8443 -g -w 1
        # One-packet UDP NAT.
        -A -u 10.1.0.100:53 -s rr -o
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
        # All-ports persistent services.
        -A -t 10.1.0.101:0 -s rr -p 60
        -a -t 10.1.0.101:0 -r 10.2.0.11 -m -w 1
        -a -t 10.1.0.101:0 -r 10.2.0.12 -m -w 1
        -A -u 10.1.0.101:0 -s sh -p 60
        -a -u 10.1.0.101:0 -r 10.2.0.12 -m -w 1
        -a -u 10.1.0.101:0 -r 172.20.0.5 -i -w 1
        # Firewall-mark services.
        -A -f 1 -s mh -p 120
        -a -f 1 -r 10.2.0.11:0 -m -w 1
        -a -f 1 -r 10.2.0.12:0 -i -w 1
        -A -f 2 -s rr
        -a -f 2 -r 10.1.0.21:0 -g -w 1
        -a -f 2 -r 10.2.0.12:0 -m -w 1
        """;

    /// <summary>Mark 1: web of 10.1.0.102 and VIP:8000; mark 2: DNS of the whole 10.9.0.0/24.</summary>
    public const string Marks = """
        iptables -t mangle -A PREROUTING -d 10.1.0.102/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
        iptables -t mangle -A PREROUTING -d 10.1.0.100/32 -p tcp --dport 8000 -j MARK --set-mark 1
        iptables -t mangle -A PREROUTING -d 10.9.0.0/24 -p udp --dport 53 -j MARK --set-mark 2
        """;

    public static readonly Ipv4Address AllPortsVip = Ipv4Address.Parse("10.1.0.101");
    public static readonly Ipv4Address MarkVip = Ipv4Address.Parse("10.1.0.102");
    public static readonly Ipv4Address MarkNetwork = Ipv4Address.Parse("10.9.0.0");
    public static readonly Ipv4Address Rs3 = Ipv4Address.Parse("10.2.0.13");
    public static readonly MacAddress Rs3Mac = MacAddress.Parse("02:00:00:00:02:13");
    public static readonly Ipv4Address FarRouter = Ipv4Address.Parse("172.16.9.1");

    /// <summary>
    /// The rule sets the fuzz applies in turn: real servers added (10.2.0.13, unresolved until it
    /// answers ARP) and removed, services added, removed and reordered, persistence and
    /// one-packet scheduling toggled, schedulers changed, servers drained; the last one is empty.
    /// </summary>
    public static readonly string[] RuleVariants =
    [
        BaseRules,
        """
        # Web: rs2 out, rs3 in, now persistent; no tunnel service; 8443 no longer persistent.
        -A -t 10.1.0.100:80 -s wlc -p 20
        -a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 1
        -a -t 10.1.0.100:80 -r 10.2.0.13:8080 -m -w 1
        -A -t 10.1.0.100:443 -s rr
        -a -t 10.1.0.100:443 -r 10.1.0.21:443 -g -w 1
        -A -t 10.1.0.100:8443 -s rr
        -a -t 10.1.0.100:8443 -r 10.2.0.11:8443 -m -w 1
        -a -t 10.1.0.100:8443 -r 10.2.0.12:8443 -m -w 1
        -a -t 10.1.0.100:8443 -r 10.1.0.21:8443 -g -w 1
        # DNS keeps connections now.
        -A -u 10.1.0.100:53 -s rr
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
        -A -t 10.1.0.101:0 -s rr -p 60
        -a -t 10.1.0.101:0 -r 10.2.0.11 -m -w 3
        -a -t 10.1.0.101:0 -r 10.2.0.12 -m -w 1
        -a -t 10.1.0.101:0 -r 10.2.0.13 -m -w 1
        -A -f 1 -s sh
        -a -f 1 -r 10.2.0.11:0 -m -w 1
        -a -f 1 -r 10.2.0.12:0 -i -w 1
        -A -f 2 -s rr
        -a -f 2 -r 10.1.0.21:0 -g -w 1
        """,
        """
        # Reordered: mark services first; DR 443 gone; new UDP DR and a TCP NAT on rs3.
        -A -f 2 -s rr
        -a -f 2 -r 10.2.0.12:0 -m -w 1
        -a -f 2 -r 10.1.0.21:0 -g -w 1
        -A -f 1 -s mh -p 120
        -a -f 1 -r 10.2.0.12:0 -i -w 1
        -a -f 1 -r 10.2.0.11:0 -m -w 1
        -A -u 10.1.0.101:0 -s sh -p 60
        -a -u 10.1.0.101:0 -r 172.20.0.5 -i -w 1
        -A -t 10.1.0.101:0 -s rr -p 60
        -a -t 10.1.0.101:0 -r 10.2.0.12 -m -w 1
        -A -t 10.1.0.100:81 -s rr
        -a -t 10.1.0.100:81 -r 172.20.0.5:81 -i -w 0
        -a -t 10.1.0.100:81 -r 10.2.0.11:81 -i -w 1
        -A -t 10.1.0.100:8443 -s lc -p 30 -M 255.255.0.0
        -a -t 10.1.0.100:8443 -r 10.2.0.11:8443 -m -w 1
        -a -t 10.1.0.100:8443 -r 10.1.0.21:8443 -g -w 1
        -A -u 10.1.0.100:53 -s rr -p 30 -o
        -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -A -u 10.1.0.100:123 -s rr
        -a -u 10.1.0.100:123 -r 10.1.0.21:123 -g -w 1
        -A -t 10.1.0.100:25 -s lc
        -a -t 10.1.0.100:25 -r 10.2.0.13:25 -m -w 1
        -A -t 10.1.0.100:80 -s dh
        -a -t 10.1.0.100:80 -r 10.2.0.12:8080 -m -w 2
        -a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 1
        """,
        """
        # Drained web, no mark services, rs3 behind the all-ports service.
        -A -t 10.1.0.100:80 -s wrr
        -a -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 0
        -a -t 10.1.0.100:80 -r 10.2.0.12:8080 -m -w 0
        -A -t 10.1.0.100:443 -s nq
        -a -t 10.1.0.100:443 -r 10.1.0.21:443 -g -w 1
        -A -t 10.1.0.100:81 -s sed
        -a -t 10.1.0.100:81 -r 10.2.0.11:81 -i -w 1
        -a -t 10.1.0.100:81 -r 172.20.0.5:81 -i -w 1
        -A -u 10.1.0.100:53 -s rr -o
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -A -t 10.1.0.101:0 -s rr -p 60 -M 255.255.255.0
        -a -t 10.1.0.101:0 -r 10.2.0.13 -m -w 1
        -a -t 10.1.0.101:0 -r 10.2.0.11 -m -w 1
        """,
        "# Every service deleted.",
    ];

    /// <summary>The neighbours whose MACs the fuzz makes the engine forget now and then (clients 10.1.0.50..65 aside).</summary>
    public static readonly Ipv4Address[] ForgettableNeighbours = [RouterIp, Rs1, Rs2, Rs3, DrServer];

    /// <summary>The connection timeouts the fuzz switches between at run time: default, short, tiny and long.</summary>
    public static readonly ConnectionTimeouts[] TimeoutVariants =
    [
        ConnectionTimeouts.Default,
        new()
        {
            TcpEstablishedMilliseconds = 5_000,
            TcpSynReceivedMilliseconds = 1_000,
            TcpFinWaitMilliseconds = 2_000,
            TcpClosedMilliseconds = 200,
            UdpMilliseconds = 3_000,
        },
        new()
        {
            TcpEstablishedMilliseconds = 50,
            TcpSynReceivedMilliseconds = 5,
            TcpFinWaitMilliseconds = 10,
            TcpClosedMilliseconds = 1,
            UdpMilliseconds = 20,
        },
        new()
        {
            TcpEstablishedMilliseconds = 3_600_000,
            TcpSynReceivedMilliseconds = 600_000,
            TcpFinWaitMilliseconds = 600_000,
            TcpClosedMilliseconds = 60_000,
            UdpMilliseconds = 1_800_000,
        },
    ];

    public static RuleSet Rules(int variant) => IpvsRuleParser.Parse(RuleVariants[variant], $"kitchen-sink-{variant}.ipvs");

    /// <summary>The options; with <paramref name="expireQuiescentTemplate"/>, a drained server's templates go (as the IPVS sysctl).</summary>
    public static DirectorOptions Options(int connectionCapacity, bool expireQuiescentTemplate) => new(
    [
        new DirectorInterface("ext", ExtMac, ExtIp, 24, RouterIp),
        new DirectorInterface("int", IntMac, IntIp, 24) { Mtu = IntMtu },
    ])
    {
        ConnectionCapacity = connectionCapacity,
        ExpireQuiescentTemplate = expireQuiescentTemplate,
    };

    /// <summary>The engine on the first rule set, knowing the router's, rs1's, rs2's and the DR server's MACs (not rs3's nor the clients').</summary>
    public static DirectorEngine Engine(int connectionCapacity, bool expireQuiescentTemplate)
    {
        var engine = new DirectorEngine(
            Options(connectionCapacity, expireQuiescentTemplate), Rules(0), FirewallMarkRules.Parse(Marks, "kitchen-sink.marks"));
        engine.Neighbours.Set(RouterIp, RouterMac);
        engine.Neighbours.Set(Rs1, Rs1Mac);
        engine.Neighbours.Set(Rs2, Rs2Mac);
        engine.Neighbours.Set(DrServer, DrServerMac);
        return engine;
    }

    /// <summary>True for an address a reply may come from once NATed: a VIP or an address a mark rule takes.</summary>
    public static bool IsVirtual(Ipv4Address address) =>
        address == Vip || address == AllPortsVip || address == MarkVip || address.IsInSubnet(MarkNetwork, 24);
}
