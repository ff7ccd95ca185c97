using BenchmarkDotNet.Attributes;
using LvsLab.Director;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// One established connection's ACK through the engine for each forwarding method, in the DR
/// lab's addresses: DR (MACs only), NAT (destination VIP:80 → RIP:8080 out of a second port,
/// TTL − 1, incremental checksums) and TUN (wrapped in IP-in-IP), each into a caller-owned buffer.
/// </summary>
[MemoryDiagnoser]
public class MethodBenchmarks
{
    private readonly byte[] _output = new byte[2048];
    private DirectorEngine _dr = null!;
    private DirectorEngine _nat = null!;
    private DirectorEngine _tun = null!;
    private byte[] _ack = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ack = DrLab.ClientTcpFrame(TcpFlags.Ack, DrLab.Vip, DrLab.VipPort);
        _dr = DrLab.StartEngine(_output);
        _tun = Start(new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp), DrLab.Rules.Replace(" -g ", " -i ", StringComparison.Ordinal));

        // NAT: the VIP's subnet on port 0, the real servers' subnet (10.77.2.0/24) on port 1.
        var options = new DirectorOptions(
        [
            new DirectorPort("front", DrLab.DirectorMac, DrLab.DirectorIp, 24, DrLab.RouterIp),
            new DirectorPort("back", MacAddress.Parse("02:42:0a:4d:02:03"), Ipv4Address.Parse("10.77.2.3"), 24),
        ]);
        _nat = Start(options, """
            -A -t 10.77.1.100:80 -s rr
            -a -t 10.77.1.100:80 -r 10.77.2.11:8080 -m -w 1
            """, (Ipv4Address.Parse("10.77.2.11"), MacAddress.Parse("02:42:0a:4d:02:0b")));
        DrLab.Expect(DecisionKind.Forward, EngineNatForward(), "NAT ACK");
        DrLab.Check(_output[14 + 8] == _ack[14 + 8] - 1, "NAT decrements the TTL");
        DrLab.Expect(DecisionKind.Forward, EngineTunForward(), "TUN ACK");
        DrLab.Check(_output[14 + 9] == 4, "TUN wraps in IP-in-IP");
        DrLab.Expect(DecisionKind.Forward, EngineDrForward(), "DR ACK");
    }

    /// <summary>DR: the MACs rewritten.</summary>
    [Benchmark(Baseline = true)]
    public Decision EngineDrForward() => _dr.Process(_ack, _output, DrLab.Now);

    /// <summary>NAT: destination rewritten, TTL − 1, checksums updated, out of the second port.</summary>
    [Benchmark]
    public Decision EngineNatForward() => _nat.Process(0, _ack, _output, DrLab.Now);

    /// <summary>TUN: the packet wrapped unchanged behind a new IPv4 header.</summary>
    [Benchmark]
    public Decision EngineTunForward() => _tun.Process(_ack, _output, DrLab.Now);

    private DirectorEngine Start(DirectorOptions options, string rules, (Ipv4Address Ip, MacAddress Mac)? extra = null)
    {
        var engine = new DirectorEngine(options, IpvsRuleParser.Parse(rules, "bench.ipvs"));
        if (extra is { } neighbour)
        {
            engine.Neighbours.Set(neighbour.Ip, neighbour.Mac);
        }

        for (int i = 0; i < DrLab.RealServerIps.Length; i++)
        {
            engine.Neighbours.Set(DrLab.RealServerIps[i], DrLab.RealServerMacs[i]);
        }

        DrLab.Expect(DecisionKind.Forward, engine.Process(0, DrLab.ClientTcpFrame(TcpFlags.Syn, DrLab.Vip, DrLab.VipPort), _output, DrLab.Now), "SYN");
        return engine;
    }
}
