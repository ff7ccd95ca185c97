using System.Net;
using LvsLab.Lab.Topologies;
using PacketDotNet;

namespace LvsLab.Testing.Tests;

/// <summary>One request and its reply through each stock lab, as the lab's taps would capture them.</summary>
internal static class Wires
{
    public const int ClientPort = 40512;
    public const uint ClientSequence = 1_000_000;
    public const uint ServerSequence = 7_000_000;

    /// <summary>
    /// DR: client → router → director → rs2 (only the MACs change at the director); rs2 → router →
    /// client. Taps on every node. A second connection (port 40514, to rs3), ARP and a retransmitted
    /// SYN are mixed in.
    /// </summary>
    public static LabWire Dr()
    {
        var w = new LabWire(DrLab.Create("dr", 0));
        var cip = new IPEndPoint(w.Ip("client", "front"), ClientPort);
        var vip = new IPEndPoint(w.Topology.Vip, 80);
        var (client, routerFront, routerLan, director, rs2) =
            (w.Mac("client", "front"), w.Mac("router", "front"), w.Mac("router", "lan"), w.Mac("director", "lan"), w.Mac("rs2", "lan"));
        w.Tap("rs1");

        // The router asks who has the VIP; only the director answers.
        w.Put(-500, LabWire.Arp(ArpOperation.Request, routerLan, w.Ip("router", "lan"), "00:00:00:00:00:00", vip.Address, "ff:ff:ff:ff:ff:ff"), "router:lan", "director", "rs1", "rs2", "rs3");
        w.Put(-480, LabWire.Arp(ArpOperation.Response, director, vip.Address, routerLan, w.Ip("router", "lan"), routerLan), "director", "router:lan");

        var syn = LabWire.Tcp(client, routerFront, cip, vip, 64, ClientSequence, syn: true);
        w.Put(0, syn, "client", "router:front");
        var atDirector = LabWire.Routed(syn, routerLan, director);
        w.Put(40, atDirector, "router:lan", "director");
        w.Put(95, LabWire.Routed(atDirector, director, rs2, hops: 0), "director", "rs2");

        var synAck = LabWire.Tcp(rs2, routerLan, vip, cip, 64, ServerSequence, ClientSequence + 1, syn: true, ack: true, id: 0);
        w.Put(150, synAck, "rs2", "router:lan");
        w.Put(170, LabWire.Routed(synAck, routerFront, client), "router:front", "client");

        // The client's second connection goes to rs3.
        var other = new IPEndPoint(cip.Address, ClientPort + 2);
        var syn2 = LabWire.Tcp(client, routerFront, other, vip, 64, 555, syn: true);
        w.Put(300, syn2, "client", "router:front");
        var syn2AtDirector = LabWire.Routed(syn2, routerLan, director);
        w.Put(330, syn2AtDirector, "router:lan", "director");
        w.Put(360, LabWire.Routed(syn2AtDirector, director, w.Mac("rs3", "lan"), hops: 0), "director", "rs3");

        // A retransmission of the first SYN a second later takes the same path again: not part of the first.
        w.Put(1_000_000, syn, "client", "router:front");
        w.Put(1_000_040, atDirector, "router:lan", "director");
        return w;
    }

    /// <summary>
    /// NAT: client → director (VIP:80 → RIP:8080, TTL − 1) → rs1; rs1 → director (RIP:8080 → VIP:80,
    /// TTL − 1) → client. Taps: client, director:front, director:back, rs1.
    /// </summary>
    public static LabWire Nat()
    {
        var w = new LabWire(NatLab.Create("nat", 0));
        var cip = new IPEndPoint(w.Ip("client", "front"), ClientPort);
        var vip = new IPEndPoint(w.Topology.Vip, NatLab.TcpPort);
        var rip = new IPEndPoint(w.Ip("rs1", "back"), NatLab.RealTcpPort);
        var (client, directorFront, directorBack, rs1) =
            (w.Mac("client", "front"), w.Mac("director", "front"), w.Mac("director", "back"), w.Mac("rs1", "back"));

        // A UDP query (53 → rs2:5353) crosses the director at the same time.
        var query = new IPEndPoint(cip.Address, 5000);
        var dnsVip = new IPEndPoint(vip.Address, NatLab.UdpPort);
        var dnsRip = new IPEndPoint(w.Ip("rs2", "back"), NatLab.RealUdpPort);
        var rs2 = w.Mac("rs2", "back");
        w.Put(-20, LabWire.Udp(client, directorFront, query, dnsVip, 64, [1, 2, 3]), "client", "director:front");
        w.Put(30, LabWire.Udp(directorBack, rs2, query, dnsRip, 63, [1, 2, 3]), "director:back");
        w.Put(100, LabWire.Udp(rs2, directorBack, dnsRip, query, 64, [9, 9]), "director:back");
        w.Put(160, LabWire.Udp(directorFront, client, dnsVip, query, 63, [9, 9]), "director:front", "client");

        w.Put(0, LabWire.Tcp(client, directorFront, cip, vip, 64, ClientSequence, syn: true, id: 0x2222), "client", "director:front");
        w.Put(60, LabWire.Tcp(directorBack, rs1, cip, rip, 63, ClientSequence, syn: true, id: 0x2222), "director:back", "rs1");
        w.Put(130, LabWire.Tcp(rs1, directorBack, rip, cip, 64, ServerSequence, ClientSequence + 1, syn: true, ack: true, id: 0), "rs1", "director:back");
        w.Put(190, LabWire.Tcp(directorFront, client, vip, cip, 63, ServerSequence, ClientSequence + 1, syn: true, ack: true, id: 0), "director:front", "client");
        return w;
    }

    /// <summary>
    /// TUN: client → router → director, which wraps the packet unchanged in IP-in-IP (DIP → RIP of
    /// rs2, on the far network) back to the router → rs2; rs2 answers from the VIP through the
    /// router to the client.
    /// </summary>
    public static LabWire Tun()
    {
        var w = new LabWire(TunLab.Create("tun", 0));
        var cip = new IPEndPoint(w.Ip("client", "front"), ClientPort);
        var vip = new IPEndPoint(w.Topology.Vip, 80);
        var (client, routerFront, routerLan, routerFar, director, rs2) =
            (w.Mac("client", "front"), w.Mac("router", "front"), w.Mac("router", "lan"), w.Mac("router", "far"), w.Mac("director", "lan"), w.Mac("rs2", "far"));

        var syn = LabWire.Tcp(client, routerFront, cip, vip, 64, ClientSequence, syn: true, id: 0x3333);
        w.Put(0, syn, "client", "router:front");
        var atDirector = LabWire.Routed(syn, routerLan, director);
        w.Put(40, atDirector, "router:lan", "director");
        var wrapped = LabWire.IpInIp(director, routerLan, w.Ip("director", "lan"), w.Ip("rs2", "far"), 64, atDirector);
        w.Put(90, wrapped, "director", "router:lan");
        w.Put(120, LabWire.Routed(wrapped, routerFar, rs2), "router:far", "rs2");

        var synAck = LabWire.Tcp(rs2, routerFar, vip, cip, 64, ServerSequence, ClientSequence + 1, syn: true, ack: true, id: 0);
        w.Put(200, synAck, "rs2", "router:far");
        w.Put(220, LabWire.Routed(synAck, routerFront, client), "router:front", "client");
        return w;
    }
}
