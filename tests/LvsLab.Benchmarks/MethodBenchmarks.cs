using BenchmarkDotNet.Attributes;
using LvsLab.Director;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// One established connection's ACK through the engine for each forwarding method, in the DR
/// lab's addresses: DR (MACs only), NAT (destination VIP:80 → RIP:8080 out of a second port,
/// TTL − 1, incremental checksums) and TUN (wrapped in IP-in-IP), each into a caller-owned buffer;
/// and next to each the same done with PacketDotNet objects (<see cref="PacketDotNetForwarder"/>,
/// same rules, neighbours and connection). The set-up checks that both write the same frame.
/// </summary>
[MemoryDiagnoser]
public class MethodBenchmarks
{
    private readonly byte[] _output = new byte[2048];
    private DirectorEngine _dr = null!;
    private DirectorEngine _nat = null!;
    private DirectorEngine _tun = null!;
    private PacketDotNetForwarder _packetDotNetDr = null!;
    private PacketDotNetForwarder _packetDotNetNat = null!;
    private PacketDotNetForwarder _packetDotNetTun = null!;
    private byte[] _ack = null!;
    private byte[] _ackBuffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ack = DrLab.ClientTcpFrame(TcpFlags.Ack, DrLab.Vip, DrLab.VipPort);
        _ackBuffer = new byte[_ack.Length];
        var oneLink = new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp);
        (_dr, _packetDotNetDr) = Start(oneLink, DrLab.Rules);
        (_tun, _packetDotNetTun) = Start(oneLink, DrLab.Rules.Replace(" -g ", " -i ", StringComparison.Ordinal));

        // NAT: the VIP's subnet on port 0, the real servers' subnet (10.77.2.0/24) on port 1.
        var options = new DirectorOptions(
        [
            new DirectorInterface("front", DrLab.DirectorMac, DrLab.DirectorIp, 24, DrLab.RouterIp),
            new DirectorInterface("back", MacAddress.Parse("02:42:0a:4d:02:03"), Ipv4Address.Parse("10.77.2.3"), 24),
        ]);
        (_nat, _packetDotNetNat) = Start(options, """
            -A -t 10.77.1.100:80 -s rr
            -a -t 10.77.1.100:80 -r 10.77.2.11:8080 -m -w 1
            """, (Ipv4Address.Parse("10.77.2.11"), MacAddress.Parse("02:42:0a:4d:02:0b")));

        // Each engine frame is checked before the PacketDotNet one is made (which leaves _output alone).
        Verify("NAT", EngineNatForward(), PacketDotNetNatForward());
        DrLab.Check(_output[14 + 8] == _ack[14 + 8] - 1, "NAT decrements the TTL");
        Verify("TUN", EngineTunForward(), PacketDotNetTunForward());
        DrLab.Check(_output[14 + 9] == 4, "TUN wraps in IP-in-IP");
        Verify("DR", EngineDrForward(), PacketDotNetDrForward());
    }

    /// <summary>DR: the MACs rewritten.</summary>
    [Benchmark(Baseline = true)]
    public Decision EngineDrForward() => _dr.Process(_ack, _output, DrLab.Now);

    /// <summary>DR with PacketDotNet objects: parse, decide, set both MACs, take the bytes.</summary>
    [Benchmark]
    public byte[]? PacketDotNetDrForward() => ForwardCopy(_packetDotNetDr);

    /// <summary>NAT: destination rewritten, TTL − 1, checksums updated, out of the second port.</summary>
    [Benchmark]
    public Decision EngineNatForward() => _nat.Process(0, _ack, _output, DrLab.Now);

    /// <summary>NAT with PacketDotNet objects: destination, TTL and port set, both checksums recomputed.</summary>
    [Benchmark]
    public byte[]? PacketDotNetNatForward() => ForwardCopy(_packetDotNetNat);

    /// <summary>TUN: the packet wrapped unchanged behind a new IPv4 header.</summary>
    [Benchmark]
    public Decision EngineTunForward() => _tun.Process(_ack, _output, DrLab.Now);

    /// <summary>TUN with PacketDotNet objects: the parsed IPv4 packet as the payload of new IPv4 and Ethernet packets.</summary>
    [Benchmark]
    public byte[]? PacketDotNetTunForward() => ForwardCopy(_packetDotNetTun);

    // PacketDotNet rewrites the array it parses: the received frame is first copied into a
    // buffer the forwarder owns, as the engine copies it into its output buffer.
    private byte[]? ForwardCopy(PacketDotNetForwarder forwarder)
    {
        _ack.CopyTo(_ackBuffer, 0);
        return forwarder.Process(_ackBuffer, DrLab.Now);
    }

    private void Verify(string method, Decision engine, byte[]? packetDotNet)
    {
        DrLab.Expect(DecisionKind.Forward, engine, $"{method} ACK");
        Span<byte> frame = _output.AsSpan(0, engine.Length);
        DrLab.Check(
            DrLab.SameFrame(frame, packetDotNet),
            $"PacketDotNet writes the engine's {method} frame: engine {Convert.ToHexString(frame)}, PacketDotNet {(packetDotNet is null ? "none" : Convert.ToHexString(packetDotNet))}");
    }

    // The engine and the PacketDotNet forwarder with the same rules and neighbours (the DR lab's
    // real servers and extra), and the benchmark's connection opened in both by its SYN.
    private (DirectorEngine Engine, PacketDotNetForwarder PacketDotNet) Start(
        DirectorOptions options, string rules, (Ipv4Address Ip, MacAddress Mac)? extra = null)
    {
        RuleSet ruleSet = IpvsRuleParser.Parse(rules, "bench.ipvs");
        var engine = new DirectorEngine(options, ruleSet);
        var packetDotNet = new PacketDotNetForwarder(options, ruleSet);
        List<(Ipv4Address Ip, MacAddress Mac)> neighbours = [.. DrLab.RealServerIps.Zip(DrLab.RealServerMacs)];
        if (extra is { } neighbour)
        {
            neighbours.Add(neighbour);
        }

        foreach ((Ipv4Address ip, MacAddress mac) in neighbours)
        {
            engine.Neighbours.Set(ip, mac);
            packetDotNet.SetNeighbour(ip, mac);
        }

        byte[] syn = DrLab.ClientTcpFrame(TcpFlags.Syn, DrLab.Vip, DrLab.VipPort);
        DrLab.Expect(DecisionKind.Forward, engine.Process(0, syn, _output, DrLab.Now), "SYN");
        DrLab.Check(packetDotNet.Process(syn, DrLab.Now) is not null, "PacketDotNet, SYN");
        return (engine, packetDotNet);
    }
}
