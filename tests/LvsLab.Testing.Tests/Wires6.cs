using System.Net;
using LvsLab.Lab.Topologies;

namespace LvsLab.Testing.Tests;

/// <summary>
/// One IPv6 request and its reply through each stock lab made dual-stack (<c>Ipv6 = true</c>),
/// as the lab's taps would capture them: the same paths as <see cref="Wires"/>, with the nodes'
/// IPv6 addresses, the VIP6 and hop limits.
/// </summary>
internal static class Wires6
{
    /// <summary>
    /// DR: client → router → director → rs2 (only the MACs change at the director); rs2 → router →
    /// client from the VIP6. Taps on every node. The router's neighbour solicitation for the VIP6
    /// (the director answers) comes first, and the client's IPv4 connection to rs3 after.
    /// </summary>
    public static LabWire Dr()
    {
        var w = new LabWire(DrLab.Create("dr6", 0, new DrLabOptions { Ipv6 = true }));
        var cip = new IPEndPoint(w.Ip6("client", "front"), Wires.ClientPort);
        var vip = new IPEndPoint(w.Topology.Vip6!, 80);
        var (client, routerFront, routerLan, director, rs2) =
            (w.Mac("client", "front"), w.Mac("router", "front"), w.Mac("router", "lan"), w.Mac("director", "lan"), w.Mac("rs2", "lan"));
        w.Tap("rs1");

        w.Put(-500, LabWire.NeighbourSolicitation(routerLan, w.Ip6("router", "lan"), vip.Address), "router:lan", "director", "rs1", "rs2", "rs3");
        w.Put(-480, LabWire.NeighbourAdvertisement(director, vip.Address, routerLan, w.Ip6("router", "lan")), "director", "router:lan");

        var syn = LabWire.Tcp(client, routerFront, cip, vip, 64, Wires.ClientSequence, syn: true);
        w.Put(0, syn, "client", "router:front");
        var atDirector = LabWire.Routed(syn, routerLan, director);
        w.Put(40, atDirector, "router:lan", "director");
        w.Put(95, LabWire.Routed(atDirector, director, rs2, hops: 0), "director", "rs2");

        var synAck = LabWire.Tcp(rs2, routerLan, vip, cip, 64, Wires.ServerSequence, Wires.ClientSequence + 1, syn: true, ack: true);
        w.Put(150, synAck, "rs2", "router:lan");
        w.Put(170, LabWire.Routed(synAck, routerFront, client), "router:front", "client");

        // The same client over IPv4, to rs3.
        var syn4 = LabWire.Tcp(client, routerFront, new IPEndPoint(w.Ip("client", "front"), Wires.ClientPort + 2), new IPEndPoint(w.Topology.Vip, 80), 64, 555, syn: true);
        w.Put(300, syn4, "client", "router:front");
        var syn4AtDirector = LabWire.Routed(syn4, routerLan, director);
        w.Put(330, syn4AtDirector, "router:lan", "director");
        w.Put(360, LabWire.Routed(syn4AtDirector, director, w.Mac("rs3", "lan"), hops: 0), "director", "rs3");
        return w;
    }

    /// <summary>
    /// NAT: client → director ([VIP6]:80 → [RIP6]:8080, hop limit − 1) → rs1; rs1 → director
    /// ([RIP6]:8080 → [VIP6]:80, hop limit − 1) → client; then a ping (ICMPv6 echo) to the VIP6
    /// the same way, to rs2. Taps: client, director:front, director:back, rs1.
    /// </summary>
    public static LabWire Nat()
    {
        var w = new LabWire(NatLab.Create("nat6", 0, new NatLabOptions { Ipv6 = true }));
        var cip = new IPEndPoint(w.Ip6("client", "front"), Wires.ClientPort);
        var vip = new IPEndPoint(w.Topology.Vip6!, NatLab.TcpPort);
        var rip = new IPEndPoint(w.Ip6("rs1", "back"), NatLab.RealTcpPort);
        var (client, directorFront, directorBack, rs1) =
            (w.Mac("client", "front"), w.Mac("director", "front"), w.Mac("director", "back"), w.Mac("rs1", "back"));

        w.Put(0, LabWire.Tcp(client, directorFront, cip, vip, 64, Wires.ClientSequence, syn: true), "client", "director:front");
        w.Put(60, LabWire.Tcp(directorBack, rs1, cip, rip, 63, Wires.ClientSequence, syn: true), "director:back", "rs1");
        w.Put(130, LabWire.Tcp(rs1, directorBack, rip, cip, 64, Wires.ServerSequence, Wires.ClientSequence + 1, syn: true, ack: true), "rs1", "director:back");
        w.Put(190, LabWire.Tcp(directorFront, client, vip, cip, 63, Wires.ServerSequence, Wires.ClientSequence + 1, syn: true, ack: true), "director:front", "client");

        // The echo's checksum covers the addresses: NAT rewrites it with the destination.
        var rs2 = w.Mac("rs2", "back");
        var rip2 = w.Ip6("rs2", "back");
        byte[] data = [0x6c, 0x76, 0x73];
        w.Put(500, LabWire.Echo6(client, directorFront, cip.Address, vip.Address, 64, reply: false, 7, 1, data), "client", "director:front");
        w.Put(530, LabWire.Echo6(directorBack, rs2, cip.Address, rip2, 63, reply: false, 7, 1, data), "director:back");
        w.Put(560, LabWire.Echo6(rs2, directorBack, rip2, cip.Address, 64, reply: true, 7, 1, data), "director:back");
        w.Put(590, LabWire.Echo6(directorFront, client, vip.Address, cip.Address, 63, reply: true, 7, 1, data), "director:front", "client");
        return w;
    }

    /// <summary>
    /// TUN: client → router → director, which wraps the packet unchanged in IPv6-in-IPv6 ([DIP6] →
    /// [RIP6] of rs2, on the far network; next header 41) back to the router → rs2, which unwraps
    /// it and answers from the VIP6 through the router to the client.
    /// </summary>
    public static LabWire Tun() => Tunnel("tun6", ipv6Request: true);

    /// <summary>
    /// TUN, an IPv4 request to an IPv6 real server: the client's IPv4 packet, wrapped at the
    /// director in an outer IPv6 header ([DIP6] → [RIP6] of rs2; next header 4); rs2 answers over
    /// IPv4 from the VIP.
    /// </summary>
    public static LabWire Ipv4InIpv6() => Tunnel("tun46", ipv6Request: false);

    private static LabWire Tunnel(string name, bool ipv6Request)
    {
        var w = new LabWire(TunLab.Create(name, 0, new TunLabOptions { Ipv6 = true }));
        var cip = new IPEndPoint(ipv6Request ? w.Ip6("client", "front") : w.Ip("client", "front"), Wires.ClientPort);
        var vip = new IPEndPoint(ipv6Request ? w.Topology.Vip6! : w.Topology.Vip, 80);
        var (client, routerFront, routerLan, routerFar, director, rs2) =
            (w.Mac("client", "front"), w.Mac("router", "front"), w.Mac("router", "lan"), w.Mac("router", "far"), w.Mac("director", "lan"), w.Mac("rs2", "far"));

        var syn = LabWire.Tcp(client, routerFront, cip, vip, 64, Wires.ClientSequence, syn: true, id: 0x3333);
        w.Put(0, syn, "client", "router:front");
        var atDirector = LabWire.Routed(syn, routerLan, director);
        w.Put(40, atDirector, "router:lan", "director");
        var wrapped = LabWire.Ipv6Tunnel(director, routerLan, w.Ip6("director", "lan"), w.Ip6("rs2", "far"), 64, atDirector);
        w.Put(90, wrapped, "director", "router:lan");
        w.Put(120, LabWire.Routed(wrapped, routerFar, rs2), "router:far", "rs2");

        var synAck = LabWire.Tcp(rs2, routerFar, vip, cip, 64, Wires.ServerSequence, Wires.ClientSequence + 1, syn: true, ack: true, id: 0);
        w.Put(200, synAck, "rs2", "router:far");
        w.Put(220, LabWire.Routed(synAck, routerFront, client), "router:front", "client");
        return w;
    }
}
