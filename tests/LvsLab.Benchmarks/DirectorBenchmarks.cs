using BenchmarkDotNet.Attributes;
using LvsLab.Director;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// One frame through the director's decision, in the DR lab's steady state: the real servers'
/// MACs learned from their ARP replies, and one client connection (10.77.0.10:51822 →
/// 10.77.1.100:80, scheduled to rs1) opened by a SYN and established. Each call handles one
/// 60-byte frame; the set-up checks that both forwarders write the DR frame byte for byte.
/// </summary>
[MemoryDiagnoser]
public class DirectorBenchmarks
{
    private readonly byte[] _output = new byte[2048];
    private DirectorEngine _engine = null!;
    private PacketDotNetForwarder _packetDotNet = null!;
    private byte[] _ack = null!;
    private byte[] _ackBuffer = null!;
    private byte[] _notForVip = null!;
    private byte[] _arpRequestForVip = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ack = DrLab.ClientTcpFrame(TcpFlags.Ack, DrLab.Vip, DrLab.VipPort);
        _ackBuffer = new byte[_ack.Length];
        byte[] expected = DrLab.DirectRouted(_ack, DrLab.RealServerMacs[0]);

        _engine = DrLab.StartEngine(_output);
        Decision decision = EngineDrForward();
        DrLab.Expect(DecisionKind.Forward, decision, "engine, ACK of the connection");
        DrLab.Check(_output.AsSpan(0, decision.Length).SequenceEqual(expected), "the engine writes the DR frame");

        _packetDotNet = new PacketDotNetForwarder(new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp), DrLab.ParseRules());
        for (int i = 0; i < DrLab.RealServerIps.Length; i++)
        {
            DrLab.Check(_packetDotNet.Process(DrLab.RealServerArpReply(i), DrLab.Now) is null, "PacketDotNet, ARP reply");
        }

        DrLab.Check(_packetDotNet.NeighbourCount == DrLab.RealServerIps.Length, "PacketDotNet learned every real server's MAC");
        DrLab.Check(_packetDotNet.Process(DrLab.ClientTcpFrame(TcpFlags.Syn, DrLab.Vip, DrLab.VipPort), DrLab.Now) is not null, "PacketDotNet, SYN");
        DrLab.Check(DrLab.SameFrame(expected, PacketDotNetDrForward()), "PacketDotNet writes the DR frame");
        DrLab.Check(_packetDotNet.FlowCount == 1, "PacketDotNet, one connection");

        // Traffic for the director's own address (say, an SSH session to the DIP): addressed to
        // the director's MAC, so it is parsed as far as the VIP check.
        _notForVip = DrLab.ClientTcpFrame(TcpFlags.Ack, DrLab.DirectorIp, 22);
        DrLab.Expect(DecisionKind.Ignore, EngineIgnoreNonVip(), "frame for the DIP");

        _arpRequestForVip = DrLab.RouterArpRequestForVip();
        decision = EngineArpReplyForVip();
        DrLab.Expect(DecisionKind.ArpReply, decision, "ARP request for the VIP");
        DrLab.Check(decision.Length == DirectorEngine.ArpFrameLength, "ARP reply length");
    }

    /// <summary>The engine: an ACK of the established connection, decided and rewritten for DR into a caller-owned buffer.</summary>
    [Benchmark(Baseline = true)]
    public Decision EngineDrForward() => _engine.Process(_ack, _output, DrLab.Now);

    /// <summary>
    /// The same ACK the PacketDotNet way. The received frame is first copied into a buffer the
    /// forwarder owns (PacketDotNet rewrites the array it parses), as the engine copies it into
    /// its output buffer; the result is that buffer's bytes, with the MACs rewritten.
    /// </summary>
    [Benchmark]
    public byte[]? PacketDotNetDrForward()
    {
        _ack.CopyTo(_ackBuffer, 0);
        return _packetDotNet.Process(_ackBuffer, DrLab.Now);
    }

    /// <summary>The engine: a TCP frame for the director's own IP (not a VIP), left alone.</summary>
    [Benchmark]
    public Decision EngineIgnoreNonVip() => _engine.Process(_notForVip, _output, DrLab.Now);

    /// <summary>The engine: the router's broadcast "who has the VIP?", answered with the director's MAC.</summary>
    [Benchmark]
    public Decision EngineArpReplyForVip() => _engine.Process(_arpRequestForVip, _output, DrLab.Now);
}
